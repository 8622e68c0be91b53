/// Parsed JSON that keeps the JSON type of every value, for comparing response shapes.
indirect enum JSONNode: Decodable, Equatable {
    case null, bool(Bool), number(Double), string(String), array([JSONNode]), object([String: JSONNode])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONNode].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONNode].self))
        }
    }

    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// Where `actual` differs in shape from `self`: a missing key, an extra key not allowed at
    /// that path, or a different JSON type. `extrasAllowed` maps a path ("" is the top) to the
    /// extra keys allowed there; "*" allows any.
    func shapeDifferences(from actual: JSONNode, path: String = "", extrasAllowed: [String: Set<String>] = [:]) -> [String] {
        switch (self, actual) {
        case (.object(let expected), .object(let got)):
            var differences: [String] = []
            for (key, value) in expected {
                guard let other = got[key] else {
                    differences.append("\(path)/\(key): missing")
                    continue
                }
                differences += value.shapeDifferences(from: other, path: "\(path)/\(key)", extrasAllowed: extrasAllowed)
            }
            let allowed = extrasAllowed[path] ?? []
            for key in got.keys where expected[key] == nil && !allowed.contains(key) && !allowed.contains("*") {
                differences.append("\(path)/\(key): not in the golden response")
            }
            return differences
        case (.array(let expected), .array(let got)):
            guard let first = expected.first else { return [] }
            return got.enumerated().flatMap { first.shapeDifferences(from: $1, path: "\(path)[\($0)]", extrasAllowed: extrasAllowed) }
        default:
            return typeName == actual.typeName ? [] : ["\(path): \(actual.typeName) instead of \(typeName)"]
        }
    }
}
