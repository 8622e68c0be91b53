import Crypto
import Foundation

/// The events OpenAI's webhook endpoints hear of a video: `video.completed` and `video.failed`,
/// shaped as OpenAI sends them (`{id, object: "event", created_at, type, data: {id}}`).
enum OpenAIWebhookEvent {
    /// The event a change of `task` makes: one when a video task finishes, none otherwise.
    static func of(_ task: VideoTask) -> (id: String, type: String, payload: String)? {
        guard !task.request.producesImage, task.state == .completed || task.state == .failed else { return nil }
        return make(type: "video.\(task.state.rawValue)", videoID: task.id, at: task.updatedAtMillis / 1000)
    }

    static func make(type: String, videoID: String, at seconds: Int64) -> (id: String, type: String, payload: String) {
        let id = "evt_" + SymmetricKey(size: .bits128).withUnsafeBytes { Data($0) }.hexString
        let payload = JSONValue.object([
            ("id", .string(id)), ("object", .string("event")), ("created_at", .int(Int(seconds))), ("type", .string(type)),
            ("data", .object([("id", .string(videoID))])),
        ])
        return (id, type, String(decoding: payload.bytes(), as: UTF8.self))
    }
}
