/// PiAPI's envelope for a refusal: `{"code": <the HTTP status>, "data": null, "message"}`, as its
/// clients check `code` and report `message`.
struct PiAPIErrorShape: ErrorShape {
    func body(for error: GatewayError) -> JSONValue {
        .object([("code", .int(Int(error.status.code))), ("data", .null), ("message", .string(error.detail))])
    }
}
