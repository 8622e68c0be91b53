import ArgumentParser
import Foundation
import LumaGate

struct ChannelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "channel",
        abstract: "Manage upstream channels (Luma accounts). `serve` reads them when it starts.",
        subcommands: [Add.self, List.self, Enable.self, Disable.self, Remove.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a channel, e.g. `channel add dream-machine --name main --key luma-...`.")
        @Argument(help: "The kind of upstream: dream-machine.") var kind: String
        @Option(help: "A unique name for the channel.") var name: String
        @Option(help: "The upstream's API key.") var key: String
        @Option(name: .customLong("base-url"), help: "The API's base URL. Default: https://api.lumalabs.ai/dream-machine/v1")
        var baseURL: String = "https://api.lumalabs.ai/dream-machine/v1"
        @OptionGroup var store: StoreOptions

        func run() async throws {
            guard let kind = ChannelRecord.Kind(rawValue: kind) else {
                throw ValidationError("Unknown channel kind \(kind); known: \(ChannelRecord.Kind.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            guard let url = URL(string: baseURL), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                throw ValidationError("--base-url must be an http(s) URL.")
            }
            guard !key.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--key must not be empty.") }
            let record = ChannelRecord(name: name, kind: kind, apiKey: key, baseURL: baseURL, createdAtMillis: Date().millis)
            try await withChannels(store) { channels in
                guard try await channels.add(record) else { throw ValidationError("A channel named \"\(name)\" already exists.") }
                print("added channel \(name) (\(kind.rawValue), key \(record.maskedKey)); restart serve to use it")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List channels; keys are shown masked.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await withChannels(store) { channels in
                print("NAME\tKIND\tBASE URL\tKEY\tSTATE")
                for channel in try await channels.all() {
                    print("\(channel.name)\t\(channel.kind.rawValue)\t\(channel.baseURL)\t\(channel.maskedKey)\t\(channel.enabled ? "enabled" : "disabled")")
                }
            }
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a channel.")
        @Argument(help: "The channel's name.") var name: String
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await change(name, in: store, done: "enabled") { try await $0.setEnabled(true, name: name) }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable a channel: no new tasks go to it.")
        @Argument(help: "The channel's name.") var name: String
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await change(name, in: store, done: "disabled") { try await $0.setEnabled(false, name: name) }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a channel. Its unfinished tasks fail with a reason saying so.")
        @Argument(help: "The channel's name.") var name: String
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await change(name, in: store, done: "removed") { try await $0.remove(name: name) }
        }
    }
}

/// Runs `body` with the channels of the store.
private func withChannels(_ store: StoreOptions, _ body: (ChannelRepository) async throws -> Void) async throws {
    try await store.withDatabase { try await body(ChannelRepository(database: $0)) }
}

/// Applies `apply` to the channel `name` (false: no such channel) and says what was done.
private func change(_ name: String, in store: StoreOptions, done: String, _ apply: (ChannelRepository) async throws -> Bool) async throws {
    try await withChannels(store) { channels in
        guard try await apply(channels) else { throw ValidationError("No channel is named \"\(name)\".") }
        print("\(done) channel \(name); restart serve to apply")
    }
}
