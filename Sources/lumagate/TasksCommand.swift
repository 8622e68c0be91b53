import ArgumentParser
import Foundation
import LumaGateClient

/// `lumagate tasks`: a client's view of its own tasks on a running gateway, over HTTP with its
/// token. (`lumagate task seed` is something else: it writes to a store, for benchmarks.)
struct TasksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tasks", abstract: "List, show and watch your tasks on a running gateway.",
        subcommands: [List.self, Show.self, Watch.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List your tasks, newest first: id, state, created, prompt.")
        @Option(help: "How many (1-100).") var limit: Int = 20
        @Option(help: "How many of the newest to skip.") var offset: Int = 0
        @OptionGroup var client: ClientOptions

        func run() async throws {
            try await client.withClient { client in
                let tasks = try await client.tasks(offset: offset, limit: limit)
                let rows = tasks.map { task in
                    [task.id, task.state.rawValue, Self.created(task), Self.oneLine(task.request.prompt, max: 60)]
                }
                for line in Self.table(header: ["ID", "STATE", "CREATED", "PROMPT"], rows: rows) { Output.line(line) }
            }
        }

        /// Seconds are enough to tell tasks apart in a table; `tasks show` has the milliseconds.
        static func created(_ task: LumaTask) -> String {
            guard let date = task.createdDate else { return task.createdAt }
            return ISO8601DateFormatter().string(from: date)
        }

        static func oneLine(_ text: String, max: Int) -> String {
            let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ")
            return flat.count > max ? String(flat.prefix(max - 1)) + "…" : flat
        }

        /// Columns padded to their widest cell; the last one is left ragged.
        static func table(header: [String], rows: [[String]]) -> [String] {
            let all = [header] + rows
            let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
            return all.map { row in
                row.enumerated().map { column, cell in
                    column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
                }.joined(separator: "  ")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print one task as pretty JSON, in the relay format.")
        @Argument(help: "The task's id.") var id: String
        @OptionGroup var client: ClientOptions

        func run() async throws {
            try await client.withClient { client in
                let task = try await client.task(id: id)
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .withoutEscapingSlashes]
                Output.line(String(decoding: try encoder.encode(task), as: UTF8.self))
            }
        }
    }

    struct Watch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a line for each change of your tasks as it happens (one task's, until it finishes, if given).",
            discussion: """
                Follows the gateway's event streams instead of polling. Each line is the event's id, the task's \
                id, its state and its prompt; `--from` with an event id (or 0, for every task) first prints what \
                changed since, so a watch that was stopped can go on where it was.
                """)
        @Argument(help: "A task's id: follow it alone, and stop when it is finished.") var id: String?
        @Option(help: "Start after this event id (0: every task first).") var from: String?
        @OptionGroup var client: ClientOptions

        func run() async throws {
            try await client.withClient { client in
                if let id {
                    let finished = try await client.waitUntilFinished(id: id, timeout: .seconds(365 * 86400)) { progress in
                        if progress.stateChanged { Output.line(Self.line(progress.task, event: nil)) }
                    }
                    if finished.state == .failed { throw ExitCode.failure }
                    return
                }
                try await client.watchTasks(from: from) { task, event in
                    Output.line(Self.line(task, event: event))
                    return true
                }
            }
        }

        static func line(_ task: LumaTask, event: String?) -> String {
            [event, task.id, task.state.rawValue, List.oneLine(task.request.prompt, max: 60)].compactMap { $0 }.joined(separator: "  ")
        }
    }
}
