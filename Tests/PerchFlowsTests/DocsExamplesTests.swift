import Foundation
import PerchFlows
import Testing

/// Every YAML example of docs/flow-language.md loads without errors, so the guide never rots.
@Suite struct DocsExamplesTests {
    static let calendar = "calendars:\n  office: { timezone: Europe/Amsterdam, weekly: { mon-fri: \"09:00-17:30\" } }\n"

    /// The examples as loadable flows: rule fragments are wrapped into a flow with an `office` calendar.
    static func examples() throws -> [String] {
        let text = try String(contentsOfFile: repositoryRoot + "/docs/flow-language.md", encoding: .utf8)
        var blocks: [String] = []
        var current: [Substring]?
        var indent = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.drop { $0 == " " }
            if current == nil, trimmed == "```yaml" {
                current = []
                indent = line.count - trimmed.count  // a block inside a list item is indented
            } else if current != nil, trimmed == "```" {
                blocks.append(current!.joined(separator: "\n") + "\n")
                current = nil
            } else {
                current?.append(line.dropFirst(min(indent, line.count - line.drop { $0 == " " }.count)))
            }
        }
        return blocks.compactMap { block in
            if block.contains("\nflow: ") || block.hasPrefix("flow: ") { return block }
            if block.hasPrefix("rules:") { return "flow: doc\n" + calendar + block }
            if block.hasPrefix("calendars:") {
                return "flow: doc\n" + block + "rules:\n  - id: r\n    when: { business_hours: office }\n    reply: x\n"
            }
            if block.hasPrefix("- id:") {
                let indented = block.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }
                return "flow: doc\n" + calendar + "rules:\n" + indented.joined(separator: "\n")
            }
            return nil  // a one-line snippet such as `reply: "..."`
        }
    }

    @Test func guideHasManyExamples() throws {
        #expect(try Self.examples().count >= 22)
    }

    @Test func everyExampleLoads() throws {
        for (index, example) in try Self.examples().enumerated() {
            let (_, found) = FlowSet.check(sources: [FlowSource(path: "example-\(index).yaml", text: example)])
            let errors = found.filter { $0.severity == .error }
            #expect(errors.isEmpty, "example \(index):\n\(example)\n\(errors.map(\.rendered).joined(separator: "\n"))")
        }
    }
}
