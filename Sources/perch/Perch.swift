import ArgumentParser

@main
struct Perch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "perch",
        abstract: "A self-hosted bot and flow runtime for Bird Conversations.",
        version: "0.1.0",
        subcommands: [
            Serve.self, ValidateCommand.self, SchemaCommand.self, ExplainCommand.self, ConfigCommand.self, Health.self,
            OutboxCommand.self, WebhooksCommand.self, SandboxCommand.self,
        ]
    )
}
