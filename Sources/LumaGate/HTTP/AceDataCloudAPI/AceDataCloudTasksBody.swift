/// AceDataCloud's `POST /luma/tasks` body: `{action: "retrieve", id}` or `{action:
/// "retrieve_batch", ids}`. The relay format's `{ids}` batch shares the path; `action` or `id`
/// is what makes a body this dialect's.
struct AceDataCloudTasksBody: Decodable {
    var action: String?
    var id: String?
    var ids: [String]?

    var isAceDataCloud: Bool { action != nil || id != nil }

    enum Query {
        case one(String)
        case batch([String])
    }

    func validated(maxBatch: Int) throws -> Query {
        try FieldRules.check("action", action, in: ["retrieve", "retrieve_batch"])
        if action == "retrieve_batch" {
            guard let ids, !ids.isEmpty else {
                throw GatewayError.invalidRequest("Field `ids` is required for `retrieve_batch`: an array of task ids.")
            }
            guard ids.count <= maxBatch else {
                throw GatewayError.invalidRequest("Field `ids` has \(ids.count) ids; at most \(maxBatch) can be asked at once.")
            }
            return .batch(ids)
        }
        guard let id, !id.isEmpty else { throw GatewayError.invalidRequest("Field `id` is required for `retrieve`: a task id.") }
        return .one(id)
    }
}
