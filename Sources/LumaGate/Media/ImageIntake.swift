import AsyncHTTPClient
import Foundation

/// Turns an image field (an http(s) URL, a `data:image/...;base64,` URI, or a URL of an image
/// this gateway already stores) into a normalized image, or a 4xx naming the field. Fetches go
/// through the outbound policy, bounded in time and size, and in number: `maxConcurrentFetches`
/// for all clients, of which one token holds at most `maxFetchesPerToken`.
public struct ImageIntake: Sendable {
    let outbound: OutboundClient
    let normalizer: ImageNormalizer
    let store: MediaStore
    let publicURL: PublicURL
    let maxBytes: Int
    let timeout: Duration
    private let fetches: FairLimiter

    public init(
        outbound: OutboundClient, normalizer: ImageNormalizer, store: MediaStore, publicURL: PublicURL, maxBytes: Int,
        maxConcurrentFetches: Int = 8, maxFetchesPerToken: Int = 2, timeout: Duration = .seconds(15)
    ) {
        self.outbound = outbound
        self.normalizer = normalizer
        self.store = store
        self.publicURL = publicURL
        self.maxBytes = maxBytes
        self.timeout = timeout
        self.fetches = FairLimiter(total: maxConcurrentFetches, perKey: maxFetchesPerToken)
    }

    public func load(_ value: String, field: String, tokenID: String) async throws -> ImageNormalizer.Image {
        let data: Data
        if value.hasPrefix("data:") {
            data = try decodeDataURI(value, field: field)
        } else if let stored = storedUpload(value) {
            guard let bytes = try await store.read(stored) else {
                throw GatewayError.invalidRequest("Field `\(field)` names an upload this gateway no longer keeps.")
            }
            data = bytes
        } else if FieldRules.isHTTPURL(value) {
            try FieldRules.urlLength(field, value)
            data = try await fetches.holding(tokenID) { try await fetch(value, field: field) }
        } else {
            throw GatewayError.invalidRequest("Field `\(field)` must be an http(s) URL or a data:image/(png|jpeg|webp);base64 URI.")
        }
        return try await normalizer.normalize(data, field: field)
    }

    /// Bytes a client sent as a file part, as the data URI the intake reads: the type comes from
    /// the bytes, not from what the client called them.
    public static func dataURI(_ bytes: Data) -> String {
        "data:\(ImageProbe.format(of: bytes)?.mediaType ?? "image/png");base64," + bytes.base64EncodedString()
    }

    /// The stored path of one of this gateway's own uploads named by its public URL: read from
    /// the store rather than fetched, so a gateway on a private address can use its own uploads.
    private func storedUpload(_ value: String) -> String? {
        let prefixes = [publicURL.gatewayMedia("uploads/"), publicURL.mediaPrefix.map { $0 + "uploads/" }].compactMap { $0 }
        guard let prefix = prefixes.first(where: value.hasPrefix) else { return nil }
        let name = value.dropFirst(prefix.count)
        guard !name.isEmpty, name.count <= 64, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." }),
            !name.hasPrefix(".")
        else { return nil }
        return "uploads/" + name
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

    /// The image's bytes. What the destination answered is never told: only that it may not be
    /// fetched (a non-public address) or could not be.
    private func fetch(_ url: String, field: String) async throws -> Data {
        let response: OutboundClient.Response
        do {
            response = try await outbound.send(HTTPClientRequest(url: url), maxBodyBytes: maxBytes, timeout: timeout, redirects: 3)
        } catch OutboundError.refused {
            throw GatewayError.unfetchableAddress(field)
        } catch OutboundError.tooLarge {
            throw tooLarge(field)
        } catch {
            throw couldNotFetch(field)
        }
        guard (200..<300).contains(response.status) else { throw couldNotFetch(field) }
        return response.body
    }

    private func couldNotFetch(_ field: String) -> GatewayError {
        .invalidRequest("Field `\(field)` could not be fetched within \(timeout.components.seconds) s; use a public URL that serves the image.")
    }

    private func tooLarge(_ field: String) -> GatewayError {
        .payloadTooLarge("Field `\(field)` is larger than \(maxBytes / (1024 * 1024)) MiB, the largest image this gateway accepts.")
    }
}
