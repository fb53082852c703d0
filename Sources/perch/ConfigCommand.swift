import ArgumentParser

/// `perch config`: the effective configuration, secrets masked, and every problem with it.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Print the effective configuration (secrets masked) and check it.")

    func run() throws {
        let settings = Settings(environment: Environment())
        let width = settings.printable.map(\.0.count).max() ?? 0
        for (name, value) in settings.printable {
            print(name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value)
        }
        if !settings.problems.isEmpty {
            print("")
            for problem in settings.problems { print("error: \(problem)") }
            throw ExitCode(2)
        }
    }
}
