import Foundation

/// Renders an upload as the Agents API's File object. A ready file shows what the gateway
/// stored (images are re-encoded on the way in, so type and size may differ from what was
/// declared); a pending one what the client declared.
struct AgentsFileView {
    let store: MediaStore

    func render(_ upload: Upload) -> JSONValue {
        var mimeType = upload.mimeType ?? "application/octet-stream"
        var size = upload.sizeBytes ?? 0
        if !upload.storedPath.isEmpty {
            let fileExtension = URL(fileURLWithPath: upload.storedPath).pathExtension
            if let format = ImageProbe.Format.allCases.first(where: { $0.fileExtension == fileExtension }) { mimeType = format.mediaType }
            let attributes = try? FileManager.default.attributesOfItem(atPath: store.absolutePath(upload.storedPath))
            size = (attributes?[.size] as? NSNumber)?.intValue ?? size
        }
        var members: [(String, JSONValue)] = [
            ("id", .string(upload.id)),
            ("created_at", .string(RFC3339.timestamp(upload.createdAtMillis))),
            ("mime_type", .string(mimeType)),
            ("purpose", .string(upload.purpose ?? "input")),
            ("size_bytes", .int(size)),
            ("state", .string(upload.state.rawValue)),
        ]
        if let expires = upload.expiresAtMillis { members.append(("expires_at", .string(RFC3339.timestamp(expires)))) }
        if let filename = upload.filename { members.append(("filename", .string(filename))) }
        if let userID = upload.userID { members.append(("user_id", .string(userID))) }
        return .object(members)
    }
}
