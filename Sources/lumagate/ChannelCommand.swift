import ArgumentParser
import AsyncHTTPClient
import Foundation
import LumaGate

struct ChannelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "channel",
        abstract: "Manage upstream channels (Luma accounts, other relays). `serve` reads them when it starts.",
        subcommands: [Add.self, List.self, SetRoute.self, Test.self, Enable.self, Disable.self, Remove.self])

    /// How new tasks are routed to a channel.
    struct RouteOptions: ParsableArguments {
        @Option(help: "Higher goes first (default 0).") var priority: Int?
        @Option(help: "Share of tasks among channels of equal priority (default 1).") var weight: Int?
        @Option(help: "Comma-separated official model names it serves, from the catalogue (default: all; \"all\" resets).") var models: String?
        @Option(help: "Its tasks at the upstream at once (default: no cap; 0 removes the cap).") var maxInFlight: Int?

        func applied(to route: ChannelRoute) throws -> ChannelRoute {
            var route = route
            if let priority { route.priority = priority }
            if let weight {
                guard weight >= 1 else { throw ValidationError("--weight must be at least 1.") }
                route.weight = weight
            }
            if let models { route.models = models == "all" ? [] : models.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
            if let maxInFlight { route.maxInFlight = maxInFlight > 0 ? maxInFlight : nil }
            return route
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Add a channel: `channel add dream-machine --name main --key luma-...`, `channel add luma-agents --name ray3 --key luma-api-...`, `channel add luma-relay --name backup --key TOKEN --base-url https://relay.example.com` or `channel add comfyui --name gpu1 --base-url http://gpu1:8188`.",
            discussion: "Kinds of upstream:\n"
                + ChannelKinds.descriptions.map { kind in
                    "  \(kind.name): \(kind.summary); base URL \(kind.defaultBaseURL ?? "required")"
                }.joined(separator: "\n"))
        @Argument(help: "The kind of upstream (listed below).") var kind: String
        @Option(help: "A unique name for the channel.") var name: String
        @Option(help: "The upstream's API key (a relay's token); a comfyui channel needs none.") var key: String?
        @Option(
            name: .customLong("comfyui-models"),
            help: "For comfyui: the folder of ComfyUI model files `serve` reads (the machine must run them). Env: LUMAGATE_COMFYUI_MODELS")
        var comfyUIModels: String?
        @Option(name: .customLong("base-url"), help: "The API's base URL (each kind's default is listed below).")
        var baseURL: String?
        @Flag(
            name: .customLong("keep-outputs"),
            help:
                "For kinds that keep outputs by choice (dream-machine): copy finished videos and images into the gateway's media store and show the gateway's URLs (Luma's expire)."
        )
        var keepOutputs = false
        @OptionGroup var route: RouteOptions
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let record: ChannelRecord
            do {
                record = try ChannelRecord.new(
                    kind: kind, name: name, key: key ?? "", baseURL: baseURL, route: try route.applied(to: ChannelRoute()),
                    keepOutputs: keepOutputs, at: Date().millis)
            } catch let invalid as ChannelRecord.Invalid {
                throw ValidationError(invalid.description)
            }
            // A ComfyUI machine must run the workflows it is to serve before it takes a task.
            if record.kind == .comfyUI {
                let directory = comfyUIModels ?? ProcessInfo.processInfo.environment["LUMAGATE_COMFYUI_MODELS"]
                do {
                    let workflows = try directory.map { try ComfyUIModels.builtIn.adding(directory: $0) } ?? .builtIn
                    print("channel \(name): \(try await record.check(using: HTTPClient.shared, comfyUI: workflows))")
                } catch {
                    throw ValidationError("channel \(name) not added: \(error)")
                }
            }
            try await withChannels(store) { channels in
                guard try await channels.add(record) else { throw ValidationError("A channel named \"\(name)\" already exists.") }
                print(
                    "added channel \(name) (\(record.kind.rawValue), \(record.apiKey.isEmpty ? "no key" : "key \(record.maskedKey)")); restart serve to use it"
                )
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List channels with their routing; keys are shown masked.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await withChannels(store) { channels in
                print("NAME\tKIND\tBASE URL\tKEY\tPRIORITY\tWEIGHT\tMODELS\tMAX IN FLIGHT\tSTATE")
                for channel in try await channels.all() {
                    let state = channel.enabled ? "enabled" : "disabled" + (channel.disabledReason.map { ": \($0)" } ?? "")
                    print(
                        "\(channel.name)\t\(channel.kind.rawValue)\t\(channel.baseURL)\t\(channel.maskedKey)\t\(channel.priority)\t"
                            + "\(channel.weight)\t\(channel.models.isEmpty ? "all" : channel.models.joined(separator: ","))\t"
                            + "\(channel.maxInFlight.map(String.init) ?? "-")\t\(state)")
                }
            }
        }
    }

    struct SetRoute: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set", abstract: "Change how new tasks are routed to a channel.")
        @Argument(help: "The channel's name.") var name: String
        @OptionGroup var route: RouteOptions
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await withChannels(store) { channels in
                guard let channel = try await channels.all().first(where: { $0.name == name }) else {
                    throw ValidationError("No channel is named \"\(name)\".")
                }
                let routing = try route.applied(to: channel.route)
                _ = try await channels.setRoute(routing, name: name)
                print(
                    "channel \(name): priority \(routing.priority), weight \(routing.weight), models "
                        + "\(routing.models.isEmpty ? "all" : routing.models.joined(separator: ",")), max in flight "
                        + "\(routing.maxInFlight.map(String.init) ?? "no cap"); running gateways follow within 5 s")
            }
        }
    }

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check a channel's key with a cheap call to its upstream.")
        @Argument(help: "The channel's name.") var name: String
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await withChannels(store) { channels in
                guard let channel = try await channels.all().first(where: { $0.name == name }) else {
                    throw ValidationError("No channel is named \"\(name)\".")
                }
                do {
                    // A ComfyUI machine is checked against the workflows `serve` runs.
                    let workflows = try ProcessInfo.processInfo.environment["LUMAGATE_COMFYUI_MODELS"].map {
                        try ComfyUIModels.builtIn.adding(directory: $0)
                    }
                    print("channel \(name): OK, \(try await channel.check(using: HTTPClient.shared, comfyUI: workflows ?? .builtIn))")
                } catch {
                    throw ValidationError("channel \(name): FAILED, \(error)")
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
        print("\(done) channel \(name); running gateways follow within 5 s")
    }
}
