/// `POST /admin/channels`: an upstream account, as `lumagate channel add` takes it.
struct AdminChannelBody: Decodable {
    var kind: String
    var name: String
    var key: String?
    var base_url: String?
    var priority: Int?
    var weight: Int?
    var models: [String]?
    var max_in_flight: Int?

    func record(at millis: Int64) throws -> ChannelRecord {
        if let weight, weight < 1 { throw GatewayError.invalidRequest("Field `weight` must be at least 1.") }
        if let max_in_flight, max_in_flight < 1 {
            throw GatewayError.invalidRequest("Field `max_in_flight` must be at least 1; leave it out for no cap.")
        }
        let route = ChannelRoute(priority: priority ?? 0, weight: weight ?? 1, models: models ?? [], maxInFlight: max_in_flight)
        return try ChannelRecord.new(kind: kind, name: name, key: key ?? "", baseURL: base_url, route: route, at: millis)
    }
}
