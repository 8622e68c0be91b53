/// The part of Luma's official Generation object the gateway reads.
struct DreamMachineGeneration: Decodable, Equatable {
    struct Assets: Decodable, Equatable {
        var video: String?
        var image: String?
    }

    var id: String
    var state: String
    var failure_reason: String?
    var assets: Assets?
}
