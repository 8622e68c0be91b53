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
        try await withThrowingTaskGroup(of: Response?.self) { group in
            group.addTask { try await self.follow(request, maxBodyBytes: maxBodyBytes, redirects: redirects) }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let response = try await group.next() ?? nil else { throw OutboundError.timedOut }
            return response
        }
    }

    private func follow(_ request: HTTPClientRequest, maxBodyBytes: Int, redirects: Int) async throws -> Response {
        var request = request
        for hop in 0...redirects {
            let response = try await exchange(request, maxBodyBytes: maxBodyBytes)
            guard hop < redirects, request.method == .GET, [301, 302, 303, 307, 308].contains(response.status),
                  let location = response.headers.first(name: "location"),
                  let next = URL(string: location, relativeTo: URL(string: request.url))?.absoluteString
            else { return response }
            request.url = next
        }
        throw OutboundError.unreachable("too many redirects")
    }

    /// One request to one checked, pinned address.
    private func exchange(_ request: HTTPClientRequest, maxBodyBytes: Int) async throws -> Response {
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
        configuration.dnsOverride = Dictionary([(urlHost, address.description), (host, address.description)], uniquingKeysWith: { first, _ in first })
        let client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: configuration)
        // The client is shut down after the answer is in hand, outside the deadline: an answer
        // that arrived in time counts, however busy the machine is when the client closes.
        defer { Task { try? await client.shutdown() } }
        do {
            let response = try await client.execute(request, timeout: .hours(1))  // `send` holds the real deadline
            if let length = response.headers.first(name: "content-length").flatMap(Int.init), length > maxBodyBytes {
                throw OutboundError.tooLarge
            }
            let body: ByteBuffer
            do {
                body = try await response.body.collect(upTo: maxBodyBytes)
            } catch is NIOTooManyBytesError {
                throw OutboundError.tooLarge
            }
            return Response(status: Int(response.status.code), headers: response.headers, body: Data(buffer: body))
        } catch {
            if error is OutboundError || error is CancellationError { throw error }
            throw OutboundError.unreachable(String(describing: error))
        }
    }
}
