/// The part of a relay-format task object the gateway reads from another relay.
struct LumaRelayTask: Decodable, Equatable {
    struct Video: Decodable, Equatable {
        var url: String?
        var width: Int?
        var height: Int?
        var download_url: String?
    }

    struct VideoRaw: Decodable, Equatable {
        var duration: Double?
    }

    struct Palette: Decodable, Equatable {
        var grid: String?
    }

    struct Image: Decodable, Equatable {
        var url: String?
        var width: Int?
        var height: Int?
        var palette: Palette?
    }

    var id: String
    var state: String
    var video: Video?
    var video_raw: VideoRaw?
    var thumbnail: Image?
    var last_frame: Image?
    var failure_reason: String?
}
