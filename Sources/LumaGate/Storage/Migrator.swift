import Foundation
import SQLKit

/// Applies the migrations a database has not seen yet and records each in `schema_migrations`.
struct Migrator {
    let migrations: [any Migration]

    func migrate(_ database: Database) async throws {
        try await database.write { sql in
            try await sql.lockForMigration()
            try await sql.create(table: "schema_migrations")
                .ifNotExists()
                .column("version", type: .bigint, .primaryKey(autoIncrement: false))
                .column("name", type: .text, .notNull)
                .column("applied_at", type: .bigint, .notNull)
                .run()
        }
        for migration in migrations.sorted(by: { $0.version < $1.version }) {
            try await database.write { sql in
                try await sql.lockForMigration()
                // Checked inside the transaction: another process may have just applied it.
                let applied = try await sql.raw("SELECT version FROM schema_migrations WHERE version = \(bind: migration.version)").first()
                guard applied == nil else { return }
                try await migration.prepare(on: sql)
                try await sql.raw(
                    """
                    INSERT INTO schema_migrations (version, name, applied_at)
                    VALUES (\(bind: migration.version), \(bind: migration.name), \(bind: Int64(Date().timeIntervalSince1970 * 1000)))
                    """
                ).run()
            }
        }
    }
}
