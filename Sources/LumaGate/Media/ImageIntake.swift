import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat

/// Turns an image field (an http(s) URL or a `data:image/...;base64,` URI) into checked image
/// bytes, or a 4xx naming the field. Fetches are bounded in time and size, and in number: past
/// `maxConcurrentFetches`, a fetch waits for one to finish.
public struct ImageIntake: Sendable {
    let httpClient: HTTPClient
    let maxBytes: Int
    let timeout: TimeAmount
    private let fetches: AsyncSemaphore

    public init(httpClient: HTTPClient, maxBytes: Int, maxConcurrentFetches: Int = 8, timeout: TimeAmount = .seconds(15)) {
        self.httpClient = httpClient
        self.maxBytes = maxBytes
        self.timeout = timeout
        self.fetches = AsyncSemaphore(permits: maxConcurrentFetches)
    }

    public func load(_ value: String, field: String) async throws -> (data: Data, format: ImageProbe.Format) {
        let data: Data
        if value.hasPrefix("data:") {
            data = try decodeDataURI(value, field: field)
        } else if let url = URL(string: value), ["http", "https"].contains(url.scheme?.lowercased()), url.host != nil {
            data = try await fetches.holding { try await fetch(value, field: field) }
        } else {
            throw GatewayError.invalidRequest("Field `\(field)` must be an http(s) URL or a data:image/(png|jpeg|webp);base64 URI.")
        }
        guard let format = ImageProbe.format(of: data) else {
            throw GatewayError.invalidRequest("Field `\(field)` is not a PNG, JPEG or WebP image.")
        }
        return (data, format)
    }

    private func decodeDataURI(_ value: String, field: String) throws -> Data {
        guard let comma = value.firstIndex(of: ",") else {
            throw GatewayError.invalidRequest("Field `\(field)` is a data URI without a comma before its data.")
        }
        let header = value[value.index(value.startIndex, offsetBy: 5)..<comma].lowercased()
        let allowed = ["image/png;base64", "image/jpeg;base64", "image/jpg;base64", "image/webp;base64"]
        guard allowed.contains(header) else {
            throw GatewayError.invalidRequest("Field `\(field)` must be a data:image/(png|jpeg|webp);base64 URI.")
        }
        let payload = value[value.index(after: comma)...]
        if payload.utf8.count / 4 * 3 > maxBytes + 2 {
            throw tooLarge(field)
        }
        guard let data = Data(base64Encoded: String(payload), options: .ignoreUnknownCharacters), !data.isEmpty else {
            throw GatewayError.invalidRequest("Field `\(field)` does not hold valid base64 data.")
        }
        guard data.count <= maxBytes else { throw tooLarge(field) }
        return data
    }

    private func fetch(_ url: String, field: String) async throws -> Data {
        let response: HTTPClientResponse
        do {
            response = try await httpClient.execute(HTTPClientRequest(url: url), timeout: timeout)
        } catch {
            throw GatewayError.invalidRequest("Field `\(field)` could not be fetched: the gateway could not reach \(url).")
        }
        guard (200..<300).contains(response.status.code) else {
            throw GatewayError.invalidRequest("Field `\(field)` could not be fetched: \(url) answered HTTP \(response.status.code).")
        }
        if let length = response.headers.first(name: "content-length").flatMap(Int.init), length > maxBytes {
            throw tooLarge(field)
        }
        do {
            return Data(buffer: try await response.body.collect(upTo: maxBytes))
        } catch is NIOTooManyBytesError {
            throw tooLarge(field)
        } catch {
            throw GatewayError.invalidRequest("Field `\(field)` could not be fetched: the download from \(url) failed.")
        }
    }

    private func tooLarge(_ field: String) -> GatewayError {
        .payloadTooLarge("Field `\(field)` is larger than \(maxBytes / (1024 * 1024)) MiB, the largest image this gateway accepts.")
    }
}
