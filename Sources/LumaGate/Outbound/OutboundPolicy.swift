import Foundation
import NIOPosix

/// Where the gateway may connect on a client's or an upstream's behalf: image URLs, webhooks,
/// and the media URLs upstreams hand back. A gateway inside a private network must not become a
/// way into it, so a destination is refused unless every address its host resolves to is public
/// (see `NetworkAddress`), or the operator allowed the host by name (`--outbound-allow-hosts`).
/// The address checked is the address connected to (`OutboundClient` pins it), so a name that
/// resolves differently a moment later gains nothing.
public struct OutboundPolicy: Sendable {
    /// Lowercased host names or address literals allowed whatever they resolve to.
    let allowedHosts: Set<String>

    public init(allowedHosts: [String]) {
        self.allowedHosts = Set(allowedHosts.map { $0.lowercased() })
    }

    /// This policy with `host` allowed too.
    func allowing(_ host: String) -> OutboundPolicy {
        OutboundPolicy(allowedHosts: Array(allowedHosts) + [host])
    }

    /// Why a destination was refused; the text is for logs and for the operator, and says "not
    /// allowed" without saying what is there.
    public struct Refusal: Error, CustomStringConvertible {
        public var description: String
    }

    /// The refusal a URL earns before any lookup: not http(s), no host, a local name, or an
    /// address literal (in any spelling) that is not public. Names are checked when resolved.
    public func refusalBeforeLookup(_ url: String) -> Refusal? {
        guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased()) else {
            return Refusal(description: "not an http(s) URL")
        }
        guard let host = Self.host(of: parsed) else { return Refusal(description: "the URL has no host") }
        if allowedHosts.contains(host) { return nil }
        if Self.isLocalName(host) { return Refusal(description: "\(host) is a local name") }
        if let literal = NetworkAddress(literal: host), !literal.isPublic {
            return Refusal(description: "\(host) is \(literal), not a public address")
        }
        return nil
    }

    /// The address to connect to for `host`: its first address, once every one it resolves to
    /// has been found public (or the host is allowed). Throws a `Refusal`, or
    /// `OutboundError.unreachable` when the name does not resolve.
    func address(for host: String) async throws -> NetworkAddress {
        let host = host.lowercased()
        let allowed = allowedHosts.contains(host)
        if !allowed, Self.isLocalName(host) { throw Refusal(description: "\(host) is a local name") }
        let addresses: [NetworkAddress]
        if let literal = NetworkAddress(literal: host) {
            addresses = [literal]
        } else {
            addresses = try await Self.resolve(host)
        }
        guard let first = addresses.first else { throw OutboundError.unreachable("\(host) does not resolve") }
        if !allowed, let forbidden = addresses.first(where: { !$0.isPublic }) {
            throw Refusal(description: "\(host) resolves to \(forbidden), not a public address")
        }
        return first
    }

    /// The URL's host, lowercased, without the brackets of an IPv6 literal.
    static func host(of url: URL) -> String? {
        guard var host = url.host?.lowercased(), !host.isEmpty else { return nil }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return host
    }

    private static func isLocalName(_ host: String) -> Bool {
        // `.internal` covers cloud metadata names such as metadata.google.internal.
        host == "localhost" || host.hasSuffix(".localhost") || host.hasSuffix(".internal") || host.hasSuffix(".local")
    }

    /// The host's addresses, looked up on NIO's thread pool (getaddrinfo blocks).
    private static func resolve(_ host: String) async throws -> [NetworkAddress] {
        try await NIOThreadPool.singleton.runIfActive {
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var list: UnsafeMutablePointer<addrinfo>?
            guard getaddrinfo(host, nil, &hints, &list) == 0 else { return [] }
            defer { freeaddrinfo(list) }
            var addresses: [NetworkAddress] = []
            var cursor = list
            while let entry = cursor?.pointee {
                if let address = NetworkAddress.from(entry) { addresses.append(address) }
                cursor = entry.ai_next
            }
            return addresses
        }
    }
}
