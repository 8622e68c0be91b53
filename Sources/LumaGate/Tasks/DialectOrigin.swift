/// A task made through another relay's dialect (AceDataCloud's, PiAPI's), as that dialect shows it
/// back: the request as the client sent it, and where the client wants to hear of it.
public struct DialectOrigin: Sendable, Codable, Equatable {
    public enum Dialect: String, Sendable, Codable {
        case aceDataCloud = "acedatacloud"
        case piAPI = "piapi"
    }

    public var dialect: Dialect
    /// The body as sent (JSON), with each data URI cut to its head: AceDataCloud's task record
    /// echoes it as `request`, PiAPI's task as `input` and `config`.
    public var body: String
    /// AceDataCloud's `callback_url`, PiAPI's `config.webhook_config.endpoint`.
    public var webhookURL: String?
    /// PiAPI's `config.webhook_config.secret`, sent back in each delivery's `X-Webhook-Secret`.
    public var webhookSecret: String?

    /// Where the dialect's body carries the webhook's URL.
    var webhookField: String {
        switch dialect {
        case .aceDataCloud: "callback_url"
        case .piAPI: "config.webhook_config.endpoint"
        }
    }

    /// `body` as it is kept: only the dialect's own keys (`keys`, at any depth), whose values the
    /// dialect's rules bound, and each data URI (an image sent inline) cut to its head and a note
    /// of its length: a task's row does not carry what the gateway ignored, nor megabytes it
    /// already stored as a file.
    static func kept(_ body: JSONValue, keys: Set<String>) -> String {
        func cut(_ value: JSONValue) -> JSONValue {
            switch value {
            case .string(let text) where text.hasPrefix("data:") && text.utf8.count > 256:
                .string("\(text.prefix { $0 != "," }),… (\(text.utf8.count) bytes)")
            case .object(let members): .object(members.filter { keys.contains($0.0) }.map { ($0.0, cut($0.1)) })
            default: value
            }
        }
        return cut(body).serialized()
    }

    public init(dialect: Dialect, body: String, webhookURL: String? = nil, webhookSecret: String? = nil) {
        self.dialect = dialect
        self.body = body
        self.webhookURL = webhookURL
        self.webhookSecret = webhookSecret
    }
}
