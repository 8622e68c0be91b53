/// The part of the Agents API's Generation object the gateway reads.
struct LumaAgentsGeneration: Decodable, Equatable {
    struct Output: Decodable, Equatable {
        var type: String
        /// Presigned: it stops working an hour after Luma made it.
        var url: String
    }

    var id: String
    var state: String
    var failure_code: String?
    var failure_reason: String?
    var output: [Output]?
}
