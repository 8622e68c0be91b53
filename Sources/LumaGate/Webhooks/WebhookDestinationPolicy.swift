import Foundation
import NIOPosix

/// Where client webhooks may go. A gateway inside a private network must not become a way to
/// reach it: destinations on loopback, private, shared, link-local (cloud metadata included) and
/// other non-public addresses are refused, unless the operator allows their host by name.
/// Checked twice: on the URL at submit time, and on the resolved addresses before each delivery.
public struct WebhookDestinationPolicy: Sendable {
    /// Lowercased host names or address literals allowed whatever they resolve to.
    let allowedHosts: Set<String>

    public init(allowedHosts: [String]) {
        self.allowedHosts = Set(allowedHosts.map { $0.lowercased() })
    }

    /// The URL's own refusal, if its host is a forbidden name or address literal (a 400 for the
    /// field named `field`).
    func check(_ url: String, field: String) throws {
        guard let host = Self.host(of: url), !allowedHosts.contains(host) else { return }
        if Self.isForbiddenName(host) || Self.address(host).map(Self.isForbidden) == true {
            throw GatewayError.invalidRequest(
                "Field `\(field)` points at \(host), a local or private address this gateway does not send webhooks to.")
        }
    }

    /// Why a delivery to `url` must not go out now, or nil when it may: resolves the host and
    /// refuses if any of its addresses is forbidden.
    func refusal(for url: String) async -> String? {
        guard let host = Self.host(of: url) else { return "the URL has no host" }
        if allowedHosts.contains(host) { return nil }
        if Self.isForbiddenName(host) { return "\(host) is a local name" }
        let addresses: [[UInt8]]
        if let literal = Self.address(host) {
            addresses = [literal]
        } else {
            addresses = (try? await Self.resolve(host)) ?? []
        }
        guard !addresses.isEmpty else { return nil }  // unresolvable: the POST itself will fail and be retried
        if let forbidden = addresses.first(where: Self.isForbidden) {
            return "\(host) resolves to \(Self.describe(forbidden)), a local or private address"
        }
        return nil
    }

    static func host(of url: String) -> String? {
        guard var host = URL(string: url)?.host?.lowercased(), !host.isEmpty else { return nil }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return host
    }

    private static func isForbiddenName(_ host: String) -> Bool {
        // `.internal` covers cloud metadata names such as metadata.google.internal.
        host == "localhost" || host.hasSuffix(".localhost") || host.hasSuffix(".internal")
    }

    /// An IPv4 (4 bytes) or IPv6 (16 bytes) address literal.
    static func address(_ host: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }

    static func isForbidden(_ address: [UInt8]) -> Bool {
        if address.count == 16 {
            if address[0..<10].allSatisfy({ $0 == 0 }) && address[10] == 0xFF && address[11] == 0xFF {
                return isForbidden(Array(address[12...]))  // IPv4-mapped
            }
            if address.allSatisfy({ $0 == 0 }) || address == Array(repeating: 0, count: 15) + [1] { return true }  // :: and ::1
            if address[0] & 0xFE == 0xFC { return true }  // fc00::/7 unique local
            if address[0] == 0xFE && address[1] & 0xC0 == 0x80 { return true }  // fe80::/10 link-local
            if address[0] == 0xFF { return true }  // multicast
            return false
        }
        guard address.count == 4 else { return true }
        let (a, b) = (address[0], address[1])
        return a == 0 || a == 10 || a == 127 || a >= 224
            || (a == 100 && b & 0xC0 == 64)  // 100.64.0.0/10 shared
            || (a == 169 && b == 254)  // link-local, cloud metadata
            || (a == 172 && b & 0xF0 == 16) || (a == 192 && b == 168)
            || (a == 192 && b == 0 && address[2] == 0) || (a == 198 && b & 0xFE == 18)
    }

    private static func describe(_ address: [UInt8]) -> String {
        address.count == 4 ? address.map(String.init).joined(separator: ".") : "an IPv6 address"
    }

    /// The host's addresses, looked up on NIO's thread pool (getaddrinfo blocks).
    private static func resolve(_ host: String) async throws -> [[UInt8]] {
        try await NIOThreadPool.singleton.runIfActive {
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var list: UnsafeMutablePointer<addrinfo>?
            guard getaddrinfo(host, nil, &hints, &list) == 0 else { return [] }
            defer { freeaddrinfo(list) }
            var addresses: [[UInt8]] = []
            var cursor = list
            while let entry = cursor?.pointee {
                if entry.ai_family == AF_INET, let raw = entry.ai_addr {
                    var address = raw.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
                    addresses.append(withUnsafeBytes(of: &address) { Array($0) })
                } else if entry.ai_family == AF_INET6, let raw = entry.ai_addr {
                    var address = raw.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
                    addresses.append(withUnsafeBytes(of: &address) { Array($0) })
                }
                cursor = entry.ai_next
            }
            return addresses
        }
    }
}
