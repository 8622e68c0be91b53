import ArgumentParser

@main
struct LumaGateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lumagate",
        abstract: "A self-hosted gateway for Luma video generation.",
        subcommands: [
            ServeCommand.self, TokenCommand.self, ChannelCommand.self, TaskCommand.self, MediaCommand.self, GenerateCommand.self, TasksCommand.self,
        ],
        defaultSubcommand: ServeCommand.self
    )
}
