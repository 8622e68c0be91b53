import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import NIOPosix

/// Every HTTP request the gateway makes to an address a client or an upstream chose. Each hop is
/// checked by the `OutboundPolicy` and connected to the very address that was checked (the
/// client's DNS is overridden with it, so TLS still verifies the name); redirects are followed
/// only as far as asked, each one checked again; one deadline covers connecting, the headers and
/// the whole body; the body is capped in bytes.
public struct OutboundClient: Sendable {
    public let policy: OutboundPolicy

    public init(policy: OutboundPolicy) {
        self.policy = policy
    }

    public struct Response: Sendable {
        public var status: Int
        public var headers: HTTPHeaders
        public var body: Data
    }

    /// Sends `request` and reads the answer within `timeout`, following up to `redirects`
    /// redirects of a GET. Any status comes back as a response; what could not be sent or read
    /// throws an `OutboundError`.
    public func send(_ request: HTTPClientRequest, maxBodyBytes: Int, timeout: Duration, redirects: Int = 0) async throws -> Response {
        let (status, headers, body) = try await within(timeout) {
            try await self.follow(request, redirects: redirects) { response in
                try await Self.collect(response, upTo: maxBodyBytes)
            }
        }
        return Response(status: status, headers: headers, body: body)
    }

    /// GETs `url` and streams a 2xx body into a new file at `path` (at most `maxBytes`, all within
    /// `timeout`), so a large video never sits in memory. Any other status throws
    /// `OutboundError.status` and writes nothing.
    public func download(_ url: String, to path: String, maxBytes: Int, timeout: Duration, redirects: Int = 3) async throws {
        let (status, _, _) = try await within(timeout) {
            try await self.follow(HTTPClientRequest(url: url), redirects: redirects) { response -> Void in
                guard (200..<300).contains(response.status.code) else { return }
                if let length = response.headers.first(name: "content-length").flatMap(Int.init), length > maxBytes {
                    throw OutboundError.tooLarge
                }
                guard FileManager.default.createFile(atPath: path, contents: nil), let file = FileHandle(forWritingAtPath: path) else {
                    throw OutboundError.unreachable("cannot write \(URL(fileURLWithPath: path).lastPathComponent)")
                }
                defer { try? file.close() }
                var written = 0
                for try await chunk in response.body {
                    written += chunk.readableBytes
                    guard written <= maxBytes else { throw OutboundError.tooLarge }
                    try file.write(contentsOf: chunk.readableBytesView)
                }
            }
        }
        guard (200..<300).contains(status) else { throw OutboundError.status(status) }
    }

    /// Runs `work` under one deadline.
    private func within<T: Sendable>(_ timeout: Duration, _ work: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await work() }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let result = try await group.next() ?? nil else { throw OutboundError.timedOut }
            return result
        }
    }

    private func follow<Body: Sendable>(
        _ request: HTTPClientRequest, redirects: Int, read: @escaping @Sendable (HTTPClientResponse) async throws -> Body
    ) async throws -> (Int, HTTPHeaders, Body) {
        var request = request
        for hop in 0...redirects {
            let mayRedirect = hop < redirects && request.method == .GET
            let isRedirect: @Sendable (HTTPClientResponse) -> Bool = { response in
                mayRedirect && [301, 302, 303, 307, 308].contains(response.status.code)
            }
            let (status, headers, body) = try await exchange(request) { response -> Body? in
                // A redirect's own body is never read: only the last hop's is.
                isRedirect(response) ? nil : try await read(response)
            }
            guard let body else {
                guard let location = headers.first(name: "location"),
                    let next = URL(string: location, relativeTo: URL(string: request.url))?.absoluteString
                else { throw OutboundError.unreachable("a redirect without a usable Location") }
                request.url = next
                continue
            }
            return (status, headers, body)
        }
        throw OutboundError.unreachable("too many redirects")
    }

    private static func collect(_ response: HTTPClientResponse, upTo maxBodyBytes: Int) async throws -> Data {
        if let length = response.headers.first(name: "content-length").flatMap(Int.init), length > maxBodyBytes {
            throw OutboundError.tooLarge
        }
        do {
            return Data(buffer: try await response.body.collect(upTo: maxBodyBytes))
        } catch is NIOTooManyBytesError {
            throw OutboundError.tooLarge
        }
    }

    /// One request to one checked, pinned address; `read` reads the answer's body.
    private func exchange<Body: Sendable>(
        _ request: HTTPClientRequest, read: @Sendable (HTTPClientResponse) async throws -> Body
    ) async throws -> (Int, HTTPHeaders, Body) {
        if let refusal = policy.refusalBeforeLookup(request.url) { throw OutboundError.refused(refusal) }
        guard let url = URL(string: request.url), let host = OutboundPolicy.host(of: url), let urlHost = url.host else {
            throw OutboundError.refused(.init(description: "the URL has no host"))
        }
        let address: NetworkAddress
        do {
            address = try await policy.address(for: host)
        } catch let refusal as OutboundPolicy.Refusal {
            throw OutboundError.refused(refusal)
        }
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(10)))
        configuration.dnsOverride = Dictionary(
            [(urlHost, address.description), (host, address.description)], uniquingKeysWith: { first, _ in first })
        let client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: configuration)
        // The client is shut down after the answer is in hand, outside the deadline: an answer
        // that arrived in time counts, however busy the machine is when the client closes.
        defer { Task { try? await client.shutdown() } }
        do {
            let response = try await client.execute(request, timeout: .hours(1))  // the caller holds the real deadline
            return (Int(response.status.code), response.headers, try await read(response))
        } catch {
            if error is OutboundError || error is CancellationError { throw error }
            throw OutboundError.unreachable(String(describing: error))
        }
    }
}
