import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// One JSON call to an upstream with a bearer key (none when the key is empty), its answer
/// sorted into `UpstreamError`s the poller knows what to do with. Every upstream kind speaks
/// HTTP the same way; each reads its own refusals.
struct UpstreamHTTP: Sendable {
    let httpClient: HTTPClient
    let baseURL: String
    let apiKey: String
    let timeout: TimeAmount
    /// The sentence in a refusal's body (4xx), in the upstream's own error shape.
    var refusal: @Sendable (Data) -> String? = DreamMachineMapping.errorDetail(from:)
    /// The largest answer read.
    var maxAnswerBytes = 4 * 1024 * 1024

    func send(_ method: HTTPMethod, _ path: String, body: [UInt8]? = nil, contentType: String = "application/json") async throws -> Data {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if !apiKey.isEmpty { request.headers.add(name: "Authorization", value: "Bearer \(apiKey)") }
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: GatewayInstance.userAgent)
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response: HTTPClientResponse
        let data: Data
        do {
            response = try await httpClient.execute(request, timeout: timeout)
            data = Data(buffer: try await response.body.collect(upTo: maxAnswerBytes))
        } catch {
            throw UpstreamError.transport(String(describing: error))
        }
        switch response.status.code {
        case 200..<300:
            return data
        case 429:
            throw UpstreamError.rateLimited(retryAfter: response.headers.first(name: "retry-after").flatMap(Double.init))
        case 404:
            throw UpstreamError.notFound
        case 401, 402, 403:
            throw UpstreamError.unauthorized(Int(response.status.code))
        case 400..<500 where response.status.code != 408:
            throw UpstreamError.rejected(refusal(data) ?? "HTTP \(response.status.code)")
        default:
            throw UpstreamError.httpStatus(Int(response.status.code))
        }
    }
}
