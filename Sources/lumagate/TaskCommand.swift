import ArgumentParser
import Foundation
import LumaGate

struct TaskCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "task", abstract: "Work with stored tasks.", subcommands: [Seed.self])

    /// Fills a store with copies of one finished task, so query speed can be measured against a
    /// store of realistic size. Used by `bench/`.
    struct Seed: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Store COUNT copies of a completed task under new ids (for benchmarks).")
        @Option(help: "Id of the completed task to copy.") var like: String
        @Option(help: "How many copies to store.") var count: Int
        @Option(name: .customLong("ids-file"), help: "Write the new ids here, one per line.") var idsFile: String?
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let database = try await store.openDatabase()
            let tasks = TaskRepository(database: database)
            guard let template = try await tasks.find(id: like), template.state == .completed else {
                await database.close()
                throw ValidationError("No completed task has the id \(like).")
            }
            var ids: [String] = []
            ids.reserveCapacity(count)
            let chunk = 5_000
            for start in stride(from: 0, to: count, by: chunk) {
                let copies = (start..<min(start + chunk, count)).map { index in
                    var copy = template
                    copy.id = UUID().uuidString.lowercased()
                    copy.createdAtMillis = template.createdAtMillis - Int64(index) * 1000
                    copy.updatedAtMillis = copy.createdAtMillis
                    return copy
                }
                try await tasks.insertBatch(copies)
                ids += copies.map(\.id)
            }
            await database.close()
            if let idsFile {
                try (ids.joined(separator: "\n") + "\n").write(toFile: idsFile, atomically: true, encoding: .utf8)
            }
            print("stored \(count) copies of \(like)")
        }
    }
}
