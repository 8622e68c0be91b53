import Hummingbird

/// One API face as the gateway mounts it, declared in one place by the face itself: where its
/// routes are, the routes, its OpenAPI file and the shape of its errors. The gateway lists its
/// faces once (`Gateway+Routes.swift`); `/openapi.json`, the error middleware and the mounting all
/// read that list.
protocol APIFace: Sendable {
    /// The path its routes are under (`luma`, `dream-machine/v1`); errors under it take its shape.
    var prefix: String { get }
    /// Its OpenAPI file: its paths and the components it owns (`OpenAPIDocument` merges them).
    var openAPI: [UInt8] { get }
    /// How it writes errors, when not as `{detail, code}`.
    var errorShape: any ErrorShape { get }
    /// Its clients send the token as `x-api-key: <token>` (as well as `Authorization: Bearer`).
    var acceptsAPIKeyHeader: Bool { get }
    /// Its routes, on a group at its prefix that already requires a token.
    func register(on group: RouterGroup<GatewayRequestContext>)
    /// Routes outside its prefix or without a token (a presigned upload URL), if it has any.
    func registerPublic(on router: Router<GatewayRequestContext>)
}

extension APIFace {
    var errorShape: any ErrorShape { DetailErrorShape() }

    var acceptsAPIKeyHeader: Bool { false }

    func registerPublic(on router: Router<GatewayRequestContext>) {}
}
