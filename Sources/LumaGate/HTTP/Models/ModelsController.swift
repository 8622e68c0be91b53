import Hummingbird

/// `GET /models`: the gateway's model catalogue as a client sees it, with the prices it is
/// charged (the operator's overrides included), so a client or the dashboard offers exactly
/// what the gateway takes.
struct ModelsController {
    let models: ModelCatalogue
    let pricing: Pricing

    func register(on router: RouterGroup<GatewayRequestContext>) {
        let list = ByteBuffer(bytes: render().bytes())
        router.get { _, _ in Response.json(list) }
    }

    func render() -> JSONValue {
        .object([
            ("object", .string("list")),
            ("data", .array(models.models.map(render))),
        ])
    }

    private func render(_ model: ModelSpec) -> JSONValue {
        let strings = { (values: [String]) in JSONValue.array(values.map(JSONValue.string)) }
        var members: [(String, JSONValue)] = [
            ("id", .string(model.name)),
            ("kind", .string(model.kind.rawValue)),
            ("aliases", strings(model.aliases)),
            ("faces", strings(model.faces.map(\.rawValue))),
            ("aspect_ratios", strings(model.aspectRatios)),
            ("options", strings(model.options)),
            ("operations", strings(model.operations)),
        ]
        if model.makesVideo {
            let prices = pricing.video[model.name] ?? [:]
            members += [
                ("resolutions", strings(model.resolutions)),
                ("default_resolution", .string(model.defaultResolution ?? pricing.defaultResolution)),
                ("durations", strings(model.durations)),
                ("loop_durations", strings(model.loopDurations)),
                ("framed_durations", strings(model.framedDurations)),
                ("prices", .object(model.resolutions.compactMap { resolution in prices[resolution].map { (resolution, .int(Int($0))) } })),
            ]
        } else {
            members.append(("price", pricing.image[model.name].map { .int(Int($0)) } ?? .null))
        }
        return .object(members)
    }
}
