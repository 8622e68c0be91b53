/// `POST /admin/tokens`: a new client or admin token.
struct AdminTokenBody: Decodable {
    var name: String
    var quota: Int64?
    var requests_per_minute: Int?
    var max_in_flight: Int?
    var admin: Bool?

    struct Valid {
        var name: String
        var quota: Int64?
        var requestsPerMinute: Int?
        var maxInFlight: Int?
        var admin: Bool?
    }

    func validated() throws -> Valid {
        try AdminTokenUpdateBody.checkLimits(quota: quota, requestsPerMinute: requests_per_minute, maxInFlight: max_in_flight)
        return Valid(name: name, quota: quota, requestsPerMinute: requests_per_minute, maxInFlight: max_in_flight, admin: admin)
    }
}
