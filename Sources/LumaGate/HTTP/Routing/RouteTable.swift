import Hummingbird
import Synchronization

/// The methods each route answers, so a known path asked with another method gets 405 with an
/// `Allow` header instead of the 404 of an unknown path (the router alone answers 404 to both).
/// Loaded once every route is registered.
final class RouteTable: Sendable {
    private struct Route {
        /// Path segments; `{name}` or `*` matches any one segment, `**` the rest.
        var pattern: [Substring]
        var methods: Set<String>
    }

    private let routes = Mutex<[Route]>([])

    func load<Context>(from router: Router<Context>) {
        var byPath: [String: Set<String>] = [:]
        for route in router.routes {
            byPath[route.path.description, default: []].insert(route.method.rawValue)
        }
        let loaded = byPath.map { Route(pattern: Self.segments($0.key), methods: $0.value) }
        routes.withLock { $0 = loaded }
    }

    /// The methods the route at `path` answers, sorted; empty when no route has the path. As in
    /// the router, the most specific route wins: `/generations/video` over `/generations/{id}`.
    func methods(at path: String) -> [String] {
        let segments = Self.segments(path)
        let route = routes.withLock { routes in
            routes.filter { Self.matches($0.pattern, segments) }
                .max { Self.specificity($0.pattern).lexicographicallyPrecedes(Self.specificity($1.pattern)) }
        }
        return route?.methods.sorted() ?? []
    }

    /// Per segment: a literal is more specific than a capture, which is more than `**`.
    private static func specificity(_ pattern: [Substring]) -> [Int] {
        pattern.map { $0 == "**" ? 0 : $0 == "*" || $0.contains("{") ? 1 : 2 }
    }

    private static func segments(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true)
    }

    private static func matches(_ pattern: [Substring], _ segments: [Substring]) -> Bool {
        for (index, part) in pattern.enumerated() {
            if part == "**" { return true }
            guard index < segments.count else { return false }
            if part == "*" || part.contains("{") { continue }
            if part != segments[index] { return false }
        }
        return pattern.count == segments.count
    }
}
