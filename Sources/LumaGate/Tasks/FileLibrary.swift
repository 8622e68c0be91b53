import Crypto
import Foundation

/// The Agents API's files: images a client uploads once and names by id in its generations. They
/// are the same uploads the relay's `file_upload` makes (bounded per token, swept after their
/// lifetime, normalized like every client image), with what the client declared about them. Two
/// ways in: the bytes at once (multipart), or a reservation answered with a presigned gateway URL
/// to PUT them to, then a `complete`.
public struct FileLibrary: Sendable {
    /// What a client says about a file before or with its bytes.
    public struct Declaration: Sendable {
        public var mimeType: String
        public var sizeBytes: Int?
        public var filename: String?
        public var purpose: String?
        public var userID: String?
        public var expiresAtMillis: Int64?
    }

    static let mediaTypes = ["image/png", "image/jpeg", "image/webp"] + VideoIntake.mediaTypes
    static let purposes = ["input", "reference"]
    /// How long a presigned URL takes bytes.
    static let putLifetimeSeconds: Double = 3600

    let uploads: UploadRepository
    let normalizer: ImageNormalizer
    /// Video files are read, re-muxed and bounded like a video source.
    let videos: VideoIntake
    let store: MediaStore
    let limits: UploadLimits
    /// The largest image file.
    let maxImageBytes: Int
    /// The largest file of any kind.
    var maxBytes: Int { max(maxImageBytes, videos.maxBytes) }
    let now: @Sendable () -> Date
    let newID: @Sendable () -> UUID

    /// Checks what a client declared; `sizeBytes` must be there for a reservation.
    func check(_ declaration: Declaration, needsSize: Bool) throws {
        try FieldRules.require("mime_type", declaration.mimeType, in: Self.mediaTypes)
        try FieldRules.check("purpose", declaration.purpose, in: Self.purposes)
        try FieldRules.textLength("filename", declaration.filename, max: FieldRules.maxNameLength)
        try FieldRules.textLength("user_id", declaration.userID, max: FieldRules.maxNameLength)
        if needsSize {
            guard let size = declaration.sizeBytes else { throw GatewayError.invalidRequest("Field `size_bytes` is required.") }
            let largest = maxBytes(of: declaration.mimeType)
            guard (1...largest).contains(size) else {
                throw GatewayError.payloadTooLarge(
                    "Field `size_bytes` must be from 1 to \(largest) (this gateway's largest \(Self.isVideo(declaration.mimeType) ? "video" : "image"))."
                )
            }
        }
        if let expires = declaration.expiresAtMillis, expires <= now().millis {
            throw GatewayError.invalidRequest("Field `expires_at` must be in the future.")
        }
    }

    /// Stores `bytes` as a ready file of `tokenID`'s.
    func upload(_ bytes: Data, declaration: Declaration, tokenID: String) async throws -> Upload {
        try check(declaration, needsSize: false)
        let largest = maxBytes(of: declaration.mimeType)
        guard bytes.count <= largest else { throw GatewayError.payloadTooLarge("Field `file` is larger than \(largest) bytes.") }
        var upload = try await newUpload(declaration, tokenID: tokenID, state: .ready)
        (upload.storedPath, upload.sizeBytes) = try await storeMedia(bytes, declared: declaration.mimeType, id: upload.id, field: "file")
        do {
            try await uploads.insert(upload)
        } catch {
            await store.delete(upload.storedPath)
            throw error
        }
        return upload
    }

    /// Reserves a pending file whose bytes are to be PUT to its presigned URL.
    func reserve(_ declaration: Declaration, tokenID: String) async throws -> Upload {
        try check(declaration, needsSize: true)
        var upload = try await newUpload(declaration, tokenID: tokenID, state: .pending)
        upload.putSecret = Data((0..<24).map { _ in UInt8.random(in: 0...255) }).hexString
        try await uploads.insert(upload)
        return upload
    }

    /// Takes the bytes PUT to file `id`'s presigned URL (whose secret is `secret`).
    func receive(_ bytes: Data, id: String, secret: String) async throws {
        guard let upload = try await uploads.find(id: id, tokenID: nil), let expected = upload.putSecret,
            SecretComparison.equal(expected, secret)
        else {
            throw GatewayError.forbidden("This upload URL is not valid.")
        }
        guard upload.state == .pending, upload.storedPath.isEmpty else { throw GatewayError.conflict("File \(id) already has its bytes.") }
        guard now().timeIntervalSince(Date(millis: upload.createdAtMillis)) < Self.putLifetimeSeconds else {
            throw GatewayError.forbidden("This upload URL has expired; create the file again.")
        }
        guard bytes.count == upload.sizeBytes else {
            throw GatewayError.invalidRequest("The body is \(bytes.count) bytes; the file was declared with `size_bytes` \(upload.sizeBytes ?? 0).")
        }
        // Each PUT stores its bytes under a name of its own and the first to attach them wins, so
        // a retried or concurrent PUT to the same URL never removes the bytes that won.
        let (path, size) = try await storeMedia(bytes, declared: upload.mimeType ?? "", id: newID().uuidString.lowercased(), field: "body")
        guard try await uploads.attachBytes(id: id, secret: secret, storedPath: path, sizeBytes: size) else {
            await store.delete(path)
            throw GatewayError.conflict("File \(id) already has its bytes.")
        }
    }

    /// Makes a pending file whose bytes arrived ready.
    func complete(id: String, tokenID: String) async throws -> Upload {
        let upload = try await find(id: id, tokenID: tokenID)
        guard upload.state == .pending else { return upload }
        guard !upload.storedPath.isEmpty else {
            throw GatewayError.conflict("File \(id) has no bytes yet: PUT them to its upload URL, then complete it.")
        }
        _ = try await uploads.complete(id: id, tokenID: tokenID)
        return try await find(id: id, tokenID: tokenID)
    }

    func find(id: String, tokenID: String) async throws -> Upload {
        guard let upload = try await uploads.find(id: id, tokenID: tokenID) else {
            throw GatewayError.notFound("No file with id \(id) exists for this token.")
        }
        return upload
    }

    /// A page of `tokenID`'s files, newest first, and the cursor of the next page if there is one.
    func page(tokenID: String, cursor: String?, limit: Int, purpose: String?, state: String?) async throws -> (files: [Upload], next: String?) {
        var after: (Int64, String)?
        if let cursor {
            guard let decoded = Data(base64Encoded: cursor).map({ String(decoding: $0, as: UTF8.self) }),
                let separator = decoded.firstIndex(of: ":"), let millis = Int64(decoded[..<separator])
            else {
                throw GatewayError.invalidRequest("Query parameter `cursor` is not one this gateway handed out.")
            }
            after = (millis, String(decoded[decoded.index(after: separator)...]))
        }
        let files = try await uploads.page(tokenID: tokenID, after: after, limit: limit + 1, purpose: purpose, state: state)
        let shown = Array(files.prefix(limit))
        let next = files.count > limit ? shown.last.map { Data("\($0.createdAtMillis):\($0.id)".utf8).base64EncodedString() } : nil
        return (shown, next)
    }

    func delete(id: String, tokenID: String) async throws {
        guard let path = try await uploads.delete(id: id, tokenID: tokenID, at: now().millis) else {
            throw GatewayError.notFound("No file with id \(id) exists for this token.")
        }
        if !path.isEmpty { await store.delete(path) }
    }

    private func newUpload(_ declaration: Declaration, tokenID: String, state: Upload.State) async throws -> Upload {
        let kept = try await uploads.count(tokenID: tokenID)
        guard kept < limits.maxPerToken else {
            throw GatewayError.rateLimited(
                "This token keeps \(kept) files, the most it may; delete some or wait for them to expire.",
                retryAfterSeconds: 600)
        }
        let created = now().millis
        let lifetimeEnd = created + Int64(limits.lifetimeSeconds) * 1000
        return Upload(
            id: newID().uuidString.lowercased(), tokenID: tokenID, storedPath: "", createdAtMillis: created, state: state,
            mimeType: declaration.mimeType, sizeBytes: declaration.sizeBytes, filename: declaration.filename,
            purpose: declaration.purpose ?? "input", userID: declaration.userID,
            expiresAtMillis: min(declaration.expiresAtMillis ?? lifetimeEnd, lifetimeEnd))
    }

    /// Stores an image normalized, or a video re-muxed (as its declared type says); returns its
    /// path and stored size (which a File object shows).
    private func storeMedia(_ bytes: Data, declared mimeType: String, id: String, field: String) async throws -> (path: String, size: Int) {
        if Self.isVideo(mimeType) {
            let video = try await videos.take(bytes, field: field)
            return (video.storedPath, await store.size(video.storedPath) ?? 0)
        }
        let image = try await normalizer.normalize(bytes, field: field)
        return (try await store.saveUpload(image.data, format: image.format, id: id), image.data.count)
    }

    static func isVideo(_ mimeType: String) -> Bool { VideoIntake.mediaTypes.contains(mimeType) }

    /// The largest file of a declared type.
    private func maxBytes(of mimeType: String) -> Int { Self.isVideo(mimeType) ? videos.maxBytes : maxImageBytes }
}
