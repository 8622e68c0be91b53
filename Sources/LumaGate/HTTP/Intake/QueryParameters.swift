import Hummingbird

/// Query-string values, checked.
enum QueryParameters {
    /// The integer `name`, `value` when absent; a 400 naming the parameter when it is not an
    /// integer within `range`.
    static func integer(_ request: Request, _ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = request.uri.queryParameters.get(name) else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw GatewayError.invalidRequest("Query parameter `\(name)` must be an integer from \(range.lowerBound) to \(range.upperBound).")
        }
        return number
    }
}
