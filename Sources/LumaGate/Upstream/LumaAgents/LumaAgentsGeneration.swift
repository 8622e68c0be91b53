/// The part of the Agents API's Generation object the gateway reads.
struct LumaAgentsGeneration: Decodable, Equatable {
    struct Output: Decodable, Equatable {
        var type: String
        /// Presigned: it stops working an hour after Luma made it.
        var url: String
        /// A layering's layer.
        var layer: Layer?
    }

    struct Layer: Decodable, Equatable {
        var index: Int
        var label: String
        var description: String
        var alpha_hint: String

        var kept: TaskMedia.Layer { .init(index: index, label: label, description: description, alphaHint: alpha_hint) }
    }

    var id: String
    var state: String
    var failure_code: String?
    var failure_reason: String?
    var output: [Output]?
}
