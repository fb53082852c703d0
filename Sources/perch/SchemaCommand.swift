import ArgumentParser
import PerchFlows

/// `perch schema`: prints the JSON Schema of flow files (committed at schema/flow.schema.json).
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema of flow files, for editors.",
        discussion: "Reference it from a flow file with `# yaml-language-server: $schema=<path or URL>`."
    )

    func run() throws {
        print(FlowSchema.json)
    }
}
