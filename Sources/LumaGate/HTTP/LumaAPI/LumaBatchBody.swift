/// `POST /luma/tasks`: the ids of the tasks wanted. A body with `action` or `id` is
/// AceDataCloud's query (`AceDataCloudTasksBody`), which shares the path.
struct LumaBatchBody: ScannedJSONBody {
    var ids: [String]?
    var action: JSONValue?
    var id: JSONValue?

    var isAceDataCloud: Bool { action != nil || id != nil }

    /// `{"ids": ["…", …]}`, the shape every client sends, with plain ids.
    static func scan(_ bytes: UnsafeRawBufferPointer) -> LumaBatchBody? {
        var cursor = JSONScanCursor(bytes)
        guard cursor.take("{"), cursor.take("\"ids\""), cursor.take(":"), cursor.take("[") else { return nil }
        var ids: [String] = []
        if !cursor.take("]") {
            repeat {
                guard let id = cursor.plainString() else { return nil }
                ids.append(id)
            } while cursor.take(",")
            guard cursor.take("]") else { return nil }
        }
        guard cursor.take("}") else { return nil }
        cursor.skipWhitespace()
        return cursor.atEnd ? LumaBatchBody(ids: ids) : nil
    }
}
