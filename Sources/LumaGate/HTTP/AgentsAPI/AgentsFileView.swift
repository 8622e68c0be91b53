import Foundation

/// Renders an upload as the Agents API's File object. A file with its bytes shows what the
/// gateway stored (images are re-encoded on the way in, so type and size may differ from what was
/// declared; the stored size is recorded with the bytes); a pending one what the client declared.
struct AgentsFileView {
    func render(_ upload: Upload) -> JSONValue {
        var mimeType = upload.mimeType ?? "application/octet-stream"
        let size = upload.sizeBytes ?? 0
        if !upload.storedPath.isEmpty {
            let fileExtension = URL(fileURLWithPath: upload.storedPath).pathExtension
            if let format = ImageProbe.Format.allCases.first(where: { $0.fileExtension == fileExtension }) { mimeType = format.mediaType }
            if fileExtension == "mp4" { mimeType = "video/mp4" }
        }
        var members: [(String, JSONValue)] = [
            ("id", .string(upload.id)),
            ("created_at", .string(RFC3339.timestamp(upload.createdAtMillis))),
            ("mime_type", .string(mimeType)),
            ("purpose", .string(upload.purpose ?? "input")),
            ("size_bytes", .int(size)),
            ("state", .string(upload.state.rawValue)),
        ]
        if let deleted = upload.deletedAtMillis { members.append(("deleted_at", .string(RFC3339.timestamp(deleted)))) }
        if let expires = upload.expiresAtMillis { members.append(("expires_at", .string(RFC3339.timestamp(expires)))) }
        if let filename = upload.filename { members.append(("filename", .string(filename))) }
        if let userID = upload.userID { members.append(("user_id", .string(userID))) }
        return .object(members)
    }
}
