import Foundation

/// An IPv4 (4 bytes) or IPv6 (16 bytes) address, and whether it is one the public internet can
/// route to. Everything else (loopback, private, shared, link-local with the cloud metadata
/// service, unspecified, multicast, reserved, and the IPv6 forms that carry an IPv4 address:
/// mapped, compatible, NAT64, 6to4) is refused as a destination unless an operator allows it.
struct NetworkAddress: Equatable, Sendable, CustomStringConvertible {
    let bytes: [UInt8]

    init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// An address literal in any form the system resolver reads as one without asking DNS:
    /// `127.0.0.1` and `::1`, but also `127.1`, `2130706433`, `0177.0.0.1` and `0x7f.0.0.1`,
    /// which an HTTP client would connect to just the same.
    init?(literal: String) {
        var hints = addrinfo()
        hints.ai_flags = AI_NUMERICHOST
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(literal, nil, &hints, &list) == 0, let first = list else { return nil }
        defer { freeaddrinfo(list) }
        guard let address = Self.from(first.pointee) else { return nil }
        self = address
    }

    /// The address in one `getaddrinfo` answer, if it is IPv4 or IPv6.
    static func from(_ entry: addrinfo) -> NetworkAddress? {
        guard let raw = entry.ai_addr else { return nil }
        if entry.ai_family == AF_INET {
            var address = raw.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
            return NetworkAddress(bytes: withUnsafeBytes(of: &address) { Array($0) })
        }
        if entry.ai_family == AF_INET6 {
            var address = raw.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
            return NetworkAddress(bytes: withUnsafeBytes(of: &address) { Array($0) })
        }
        return nil
    }

    var description: String {
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        var copy = in6_addr()
        withUnsafeMutableBytes(of: &copy) { $0.copyBytes(from: bytes) }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        inet_ntop(AF_INET6, &copy, &text, socklen_t(text.count))
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(truncatingIfNeeded: $0) }, as: UTF8.self)
    }

    var isPublic: Bool {
        bytes.count == 4 ? Self.isPublicV4(bytes) : isPublicV6
    }

    private var isPublicV6: Bool {
        let b = bytes
        if b[0..<12].allSatisfy({ $0 == 0 }) { return false }  // ::, ::1 and IPv4-compatible ::a.b.c.d
        if b[0..<10].allSatisfy({ $0 == 0 }) && b[10] == 0xFF && b[11] == 0xFF { return Self.isPublicV4(Array(b[12...])) }  // mapped
        if b[0..<12] == [0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0] { return Self.isPublicV4(Array(b[12...])) }  // NAT64 64:ff9b::/96
        if b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B { return false }  // local-use NAT64 64:ff9b:1::/48
        if b[0] == 0x20 && b[1] == 0x02 { return Self.isPublicV4(Array(b[2..<6])) }  // 6to4 2002::/16
        if b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x00 && b[3] == 0x00 { return false }  // Teredo 2001::/32
        if b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8 { return false }  // documentation
        if b[0] == 0x01 && b[1..<8].allSatisfy({ $0 == 0 }) { return false }  // discard-only 100::/64
        if b[0] & 0xFE == 0xFC { return false }  // unique local fc00::/7
        if b[0] == 0xFE && b[1] & 0xC0 == 0x80 { return false }  // link-local fe80::/10
        if b[0] == 0xFE && b[1] & 0xC0 == 0xC0 { return false }  // site-local fec0::/10
        if b[0] == 0xFF { return false }  // multicast
        return b[0] & 0xE0 == 0x20  // only 2000::/3 is global unicast
    }

    private static func isPublicV4(_ b: [UInt8]) -> Bool {
        let (a, c) = (b[0], b[1])
        return
            !(a == 0 || a == 10 || a == 127 || a >= 224  // this network, private, loopback, multicast and reserved
            || (a == 100 && c & 0xC0 == 64)  // 100.64.0.0/10 shared (carrier NAT)
            || (a == 169 && c == 254)  // link-local, cloud metadata
            || (a == 172 && c & 0xF0 == 16) || (a == 192 && c == 168)  // private
            || (a == 192 && c == 0 && (b[2] == 0 || b[2] == 2))  // IETF protocol assignments, documentation
            || (a == 192 && c == 88 && b[2] == 99)  // 6to4 relay anycast
            || (a == 198 && c & 0xFE == 18)  // benchmarking
            || (a == 198 && c == 51 && b[2] == 100) || (a == 203 && c == 0 && b[2] == 113))  // documentation
    }
}
