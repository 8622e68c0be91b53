/// `PATCH /admin/tokens/{id or name}`: only the fields present change; `null` sets a quota to
/// unlimited and a limit back to the gateway's default.
struct AdminTokenUpdateBody: Decodable {
    /// nil: leave as is; `.some(nil)`: clear.
    var quota: Int64??
    var requestsPerMinute: Int??
    var maxInFlight: Int??

    private enum CodingKeys: String, CodingKey {
        case quota, requests_per_minute, max_in_flight
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func field<T: Decodable>(_ key: CodingKeys, _ type: T.Type) throws -> T?? {
            guard container.contains(key) else { return nil }
            return .some(try container.decodeNil(forKey: key) ? nil : container.decode(T.self, forKey: key))
        }
        quota = try field(.quota, Int64.self)
        requestsPerMinute = try field(.requests_per_minute, Int.self)
        maxInFlight = try field(.max_in_flight, Int.self)
    }

    func validated() throws -> Self {
        guard quota != nil || requestsPerMinute != nil || maxInFlight != nil else {
            throw GatewayError.invalidRequest("Send at least one of `quota`, `requests_per_minute`, `max_in_flight`.")
        }
        try Self.checkLimits(quota: quota ?? nil, requestsPerMinute: requestsPerMinute ?? nil, maxInFlight: maxInFlight ?? nil)
        return self
    }

    static func checkLimits(quota: Int64?, requestsPerMinute: Int?, maxInFlight: Int?) throws {
        if let quota, quota < 0 { throw GatewayError.invalidRequest("Field `quota` must be 0 or more credits, or null for unlimited.") }
        if let requestsPerMinute, requestsPerMinute < 1 { throw GatewayError.invalidRequest("Field `requests_per_minute` must be at least 1.") }
        if let maxInFlight, maxInFlight < 1 { throw GatewayError.invalidRequest("Field `max_in_flight` must be at least 1.") }
    }
}
