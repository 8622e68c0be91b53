import Foundation
import Hummingbird

/// The Agents API's Files API under `/agents/v1/files`, and the presigned upload URL its JSON flow
/// hands out (`PUT /agents/uploads/{id}/{secret}`, which carries its own secret instead of a token).
struct AgentsFilesController {
    let files: FileLibrary
    let view: AgentsFileView
    let body: JSONRequestBody
    let publicURL: PublicURL

    static let defaultPageSize = 25
    static let maxPageSize = 100

    /// The JSON flow's body: what the client will PUT.
    struct ReservationBody: Decodable {
        var mime_type: String?
        var size_bytes: Int?
        var filename: String?
        var purpose: String?
        var expires_at: String?
        var user_id: String?
    }

    func register(on router: RouterGroup<GatewayRequestContext>) {
        router.post("files", use: create)
        router.get("files", use: list)
        router.get("files/:id", use: get)
        router.delete("files/:id", use: delete)
        router.post("files/:id/complete", use: complete)
    }

    func registerUploads(on router: Router<GatewayRequestContext>) {
        router.put("agents/uploads/:id/:secret", use: put)
    }

    @Sendable func create(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let token = try context.requireToken()
        if MultipartForm.isMultipart(request) {
            let form = try await MultipartForm.read(request, maxBytes: files.maxBytes + 64 * 1024)
            guard let part = form.file("file") else { throw GatewayError.invalidRequest("Field `file` is required: a part with the file's bytes.") }
            let bytes = Data(buffer: part.body)
            let text = { (name: String) in form.parts.first { $0.name == name && $0.filename == nil }?.text }
            let declaration = FileLibrary.Declaration(
                mimeType: text("mime_type") ?? ImageProbe.format(of: bytes)?.mediaType ?? part.contentType ?? "",
                sizeBytes: bytes.count, filename: text("filename") ?? part.filename, purpose: text("purpose"), userID: text("user_id"),
                expiresAtMillis: try text("expires_at").map { try Self.millis($0, field: "expires_at") })
            let upload = try await files.upload(bytes, declaration: declaration, tokenID: token.id)
            return .json(
                .object([("id", .string(upload.id)), ("file", view.render(upload)), ("state", .string(upload.state.rawValue))]),
                status: .created)
        }
        let reservation = try await body.decode(ReservationBody.self, from: request)
        let declaration = FileLibrary.Declaration(
            mimeType: reservation.mime_type ?? "", sizeBytes: reservation.size_bytes, filename: reservation.filename,
            purpose: reservation.purpose, userID: reservation.user_id,
            expiresAtMillis: try reservation.expires_at.map { try Self.millis($0, field: "expires_at") })
        if reservation.mime_type == nil { throw GatewayError.invalidRequest("Field `mime_type` is required.") }
        let upload = try await files.reserve(declaration, tokenID: token.id)
        let envelope = JSONValue.object([
            ("method", .string("PUT")),
            ("url", .string("\(publicURL.base)/agents/uploads/\(upload.id)/\(upload.putSecret ?? "")")),
            ("headers", .object([("Content-Type", .string(upload.mimeType ?? "application/octet-stream"))])),
            ("expires_at", .string(RFC3339.timestamp(upload.createdAtMillis + Int64(FileLibrary.putLifetimeSeconds * 1000)))),
        ])
        return .json(
            .object([
                ("id", .string(upload.id)), ("file", view.render(upload)), ("state", .string(upload.state.rawValue)),
                ("upload", envelope),
            ]), status: .created)
    }

    @Sendable func put(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let secret = try context.parameters.require("secret")
        let bytes = Data(buffer: try await request.body.collect(upTo: files.maxBytes))
        try await files.receive(bytes, id: id, secret: secret)
        return Response(status: .ok)
    }

    @Sendable func complete(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let token = try context.requireToken()
        return .json(view.render(try await files.complete(id: try context.parameters.require("id"), tokenID: token.id)))
    }

    @Sendable func get(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let token = try context.requireToken()
        return .json(view.render(try await files.find(id: try context.parameters.require("id"), tokenID: token.id)))
    }

    @Sendable func delete(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let token = try context.requireToken()
        try await files.delete(id: try context.parameters.require("id"), tokenID: token.id)
        return Response(status: .noContent)
    }

    @Sendable func list(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let token = try context.requireToken()
        let query = request.uri.queryParameters
        let limit = try QueryParameters.integer(request, "limit", default: Self.defaultPageSize, range: 1...Self.maxPageSize)
        let purpose = query.get("purpose")
        let state = query.get("state")
        try FieldRules.check("purpose", purpose, in: FileLibrary.purposes)
        try FieldRules.check("state", state, in: ["pending", "ready", "failed", "deleted"])
        let (page, next) = try await files.page(tokenID: token.id, cursor: query.get("cursor"), limit: limit, purpose: purpose, state: state)
        var members: [(String, JSONValue)] = [("data", .array(page.map(view.render))), ("has_more", .bool(next != nil))]
        if let next { members.append(("next_cursor", .string(next))) }
        return .json(.object(members))
    }

    /// An ISO 8601 time, with or without fractional seconds.
    static func millis(_ text: String, field: String) throws -> Int64 {
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date.millis }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date.millis }
        throw GatewayError.invalidRequest("Field `\(field)` must be an ISO 8601 time, such as 2026-12-31T23:59:59Z.")
    }
}
