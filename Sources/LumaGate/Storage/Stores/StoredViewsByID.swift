import PostgresNIO

/// The poll path's read on PostgreSQL as a prepared statement: parsed and planned once per
/// connection instead of with every query.
struct StoredViewsByID: PostgresPreparedStatement {
    static let sql = "SELECT id, token_id, luma_view FROM tasks WHERE id = ANY($1) AND kind = 'video' AND deleted_at IS NULL"
    typealias Row = (String, String, String)

    var ids: [String]

    func makeBindings() -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(ids)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        try row.decode(Row.self)
    }
}
