import Foundation

/// Where the store lives: `postgres://user:password@host:port/database` selects a PostgreSQL
/// server; anything else is the path of a SQLite file.
public enum DatabaseLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(url: String)

    public init(_ text: String) {
        if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            self = .postgres(url: text)
        } else {
            self = .sqlite(path: text)
        }
    }

    /// Names the store without its password, for logs.
    public var description: String {
        switch self {
        case .sqlite(let path):
            return "SQLite at \(path)"
        case .postgres(let url):
            guard var components = URLComponents(string: url) else { return "PostgreSQL" }
            if components.password != nil { components.password = "***" }
            return "PostgreSQL at \(components.string ?? "?")"
        }
    }
}
