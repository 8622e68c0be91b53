import HTTPTypes

/// How one API face writes a `GatewayError`: the error itself is face-neutral (a status, a stable
/// code, a sentence naming the field), each face answers it in the shape its clients' SDKs read.
protocol ErrorShape: Sendable {
    /// The status the face answers with; the error's own unless the face's clients expect another.
    func status(for error: GatewayError) -> HTTPResponse.Status
    func body(for error: GatewayError) -> JSONValue
    /// The body, for a shape that names the request (its `X-Request-Id`) in it.
    func body(for error: GatewayError, requestID: String?) -> JSONValue
}

extension ErrorShape {
    func status(for error: GatewayError) -> HTTPResponse.Status { error.status }

    func body(for error: GatewayError, requestID: String?) -> JSONValue { body(for: error) }
}

/// `{"detail", "code"}`: the relay format's errors, and Luma's official API's (whose SDK reads
/// `detail`; `code` adds a stable value to branch on). The admin API and unmatched paths use it too.
struct DetailErrorShape: ErrorShape {
    func body(for error: GatewayError) -> JSONValue {
        .object([("detail", .string(error.detail)), ("code", .string(error.code))])
    }
}
