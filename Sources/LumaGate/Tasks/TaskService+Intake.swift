import Foundation

/// The gateway's own copies of the media a request names: images (with their size) and a
/// client's video to edit or reframe, each checked before a task is stored.
extension TaskService {
    /// The URL of `tokenID`'s upload `id`, to use as an image field (read from the store, not fetched).
    public func uploadURL(id: String, tokenID: String, field: String) async throws -> String {
        guard let path = try await uploads.storedPath(id: id, tokenID: tokenID) else {
            throw GatewayError.invalidRequest(
                "Field `\(field)` names no upload of this token (uploads are kept \(uploadLimits.lifetimeSeconds / 3600) h).")
        }
        if path.hasSuffix(".mp4") { throw GatewayError.invalidRequest("Field `\(field)` names a video file; it takes an image.") }
        return images.publicURL.gatewayMedia(path)
    }

    /// Stores an image for later use as a first or last frame. A token keeps at most
    /// `maxUploadsPerToken` at once; each is removed `uploadLifetime` after it was made (tasks
    /// keep their own copies of the images they use).
    public func upload(tokenID: String, source: String, field: String) async throws -> Upload {
        let kept = try await uploads.count(tokenID: tokenID)
        guard kept < uploadLimits.maxPerToken else {
            throw GatewayError.rateLimited(
                "This token keeps \(kept) uploads, the most it may; each is removed \(uploadLimits.lifetimeSeconds / 3600) h after it was made.",
                retryAfterSeconds: 600)
        }
        let reference = try await importImage(source, field: field, tokenID: tokenID).reference
        let upload = Upload(
            id: newID().uuidString.lowercased(), tokenID: tokenID, storedPath: reference.storedPath, createdAtMillis: now().millis)
        do {
            try await uploads.insert(upload)
        } catch {
            await store.delete(reference.storedPath)
            throw error
        }
        return upload
    }

    /// The gateway's copy of a client's video.
    func importVideo(_ source: VideoIntake.Source, field: String, tokenID: String) async throws -> VideoIntake.Video {
        guard let videos else { throw VideoIntake.unavailable }
        switch source {
        case .url(let url): return try await videos.take(url: url, field: field, tokenID: tokenID)
        case .base64(let data): return try await videos.take(base64: data, field: field)
        case .file(let id):
            guard let path = try await uploads.storedPath(id: id, tokenID: tokenID), path.hasSuffix(".mp4") else {
                throw GatewayError.invalidRequest("Field `\(field).file_id` names no video file of this token.")
            }
            return try await videos.take(stored: path, field: field)
        }
    }

    /// A change of a client's `video`: as long as it (in whole seconds, rounded up), an edit in
    /// its frame (the nearest of the model's ratios), guide frames within it.
    static func take(
        _ video: VideoIntake.Video, into request: inout GenerationRequest, models: ModelCatalogue, keyframesParent: String
    ) throws {
        request.sourceVideo = video.storedPath
        request.duration = "\(max(Int(video.duration.rounded(.up)), 1))s"
        if request.kind == .videoEdit,
            let ratio = AspectRatio.nearest(width: video.width, height: video.height, among: models.spec(for: request)?.aspectRatios ?? [])
        {
            request.aspectRatio = ratio
        }
        try checkKeyframes((request.keyframes ?? []).map(\.index), within: video.duration, parent: keyframesParent)
    }

    /// An edit's guide frames are pinned to frames of its source, `seconds` long at 24 a second.
    static func checkKeyframes(_ indexes: [Int], within seconds: Double, parent: String) throws {
        let frames = Int(seconds * Double(SandboxRenderer.framesPerSecond))
        if let outside = indexes.first(where: { $0 > frames }) {
            throw GatewayError.invalidCombination(
                "Field `\(parent).keyframe_indexes` holds \(outside), past the source's last frame (\(frames), at 24 a second).")
        }
    }

    /// The gateway's copy of an image, and its size.
    func importImage(
        _ source: String, field: String, tokenID: String
    ) async throws -> (
        reference: ImageReference, size: (width: Int, height: Int)?
    ) {
        let image = try await images.load(source, field: field, tokenID: tokenID)
        let path = try await store.saveUpload(image.data, format: image.format, id: newID().uuidString.lowercased())
        return (ImageReference(sourceURL: source.hasPrefix("data:") ? nil : source, storedPath: path), ImageProbe.size(of: image.data))
    }

    /// The generations a video's two keyframes name by id, if they do (see `keyframeGeneration`):
    /// the one it opens on (an extension's parent) and the one it leads into. `fields` say where
    /// the request carries the ids.
    public func keyframeGenerations(
        start: String?, end: String?, tokenID: String, fields: (start: String, end: String)
    ) async throws -> (start: VideoTask?, end: VideoTask?) {
        var first: VideoTask?
        if let start { first = try await keyframeGeneration(id: start, tokenID: tokenID, field: fields.start) }
        guard let end else { return (first, nil) }
        return (first, try await keyframeGeneration(id: end, tokenID: tokenID, field: fields.end, other: first))
    }
}
