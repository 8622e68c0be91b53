import SQLKit

/// Rate-limited tokens' request schedules in SQL, for processes that share the store (see
/// `RequestRateLimiter` for the rule).
struct RequestScheduleRepository: Sendable {
    let database: Database

    /// Books a request of `tokenID` at `now` (all in microseconds) if its schedule allows it, in one
    /// statement whichever process asks. Returns nil when booked, else how long until it could be.
    func book(tokenID: String, now: Int64, interval: Int64, window: Int64) async throws -> Int64? {
        try await database.write { sql in
            let next = "(CASE WHEN request_schedules.booked_until > \(now) THEN request_schedules.booked_until ELSE \(now) END) + \(interval)"
            let booked = try await sql.raw(
                """
                INSERT INTO request_schedules (token_id, booked_until) VALUES (\(bind: tokenID), \(bind: now + interval))
                ON CONFLICT (token_id) DO UPDATE SET booked_until = \(unsafeRaw: next)
                WHERE \(unsafeRaw: next) - \(bind: now) <= \(bind: window)
                RETURNING booked_until
                """
            ).first()
            guard booked == nil else { return nil }
            let bookedUntil =
                try await sql.raw("SELECT booked_until FROM request_schedules WHERE token_id = \(bind: tokenID)")
                .first()?.decode(column: "booked_until", as: Int64.self) ?? now
            return bookedUntil + interval - now - window
        }
    }
}
