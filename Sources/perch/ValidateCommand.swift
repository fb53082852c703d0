import ArgumentParser
import Foundation
import PerchFlows

/// `perch validate [PATH...]`: checks flow files and reports every problem at once.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check flow files; exit 1 when there is an error.",
        discussion: "Prints each problem as file:line:col: error|warning: message, with the line and a caret."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text
        case json
    }

    @Argument(help: "Flow files or directories (default: flows).")
    var paths: [String] = []

    @Option(help: "Output format: text or json.")
    var format: Format = .text

    func run() throws {
        let (sources, readProblems) = FlowSource.read(paths: paths.isEmpty ? ["flows"] : paths)
        let (set, found) = FlowSet.check(sources: sources)
        let diagnostics = readProblems + found
        let errors = diagnostics.filter { $0.severity == .error }.count
        let warnings = diagnostics.count - errors
        switch format {
        case .text:
            for diagnostic in diagnostics { print(diagnostic.rendered + "\n") }
            let flows = "\(sources.count) file\(sources.count == 1 ? "" : "s")"
            let rules = set.map { ", \($0.ruleCount) rule\($0.ruleCount == 1 ? "" : "s")" } ?? ""
            print(
                "\(flows)\(rules): \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")"
            )
        case .json:
            let report = Report(
                ok: errors == 0, files: sources.map(\.path), rules: set?.ruleCount, version: set?.version,
                diagnostics: diagnostics.map(Report.Item.init))
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        }
        if errors > 0 { throw ExitCode(1) }
    }

    /// The `--format json` output.
    struct Report: Encodable {
        struct Item: Encodable {
            var file: String
            var line: Int
            var column: Int
            var severity: String
            var message: String
            var suggestion: String?
            var source: String?

            init(_ diagnostic: Diagnostic) {
                file = diagnostic.file
                line = diagnostic.mark.line
                column = diagnostic.mark.column
                severity = diagnostic.severity.rawValue
                message = diagnostic.message
                suggestion = diagnostic.suggestion
                source = diagnostic.sourceLine
            }
        }
        var ok: Bool
        var files: [String]
        var rules: Int?
        var version: String?
        var diagnostics: [Item]
    }
}
