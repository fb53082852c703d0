import Foundation
import PerchEvents
import PerchFlows
import Testing

/// The repository's root, found from this file's path (tests run from anywhere).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

let shippedFlowsPath = repositoryRoot + "/flows"

@Suite struct ShippedFlowsTests {
    @Test func shippedFlowsLoadWithoutWarnings() throws {
        let set = try FlowSet.load(paths: [shippedFlowsPath])
        #expect(set.warnings.map(\.description) == [])
        #expect(set.flowIDs.contains("faq"))
    }

    @Test func seedWebhookTextHitsTheConnectionTest() throws {
        let set = try FlowSet.load(paths: [shippedFlowsPath])
        // The legacy seed has no platform, only a channel id, and no contact name.
        var event = message(
            "Testing webhook functionality.", platform: nil, channelID: "2ceefea7c1b8c79673215c42c1a6b916")
        event.contact = nil
        let decision = set.decide(MatchInput(event: event, now: noon))
        #expect(decision.fired.map(\.key) == ["faq/connection-test"])
        #expect(
            replyText(set, event)
                == "Hi there! Perch is connected and answering. Try 'hours', 'price' or 'agent'.")
    }

    @Test func faqAnswersItsTopics() throws {
        let set = try FlowSet.load(paths: [shippedFlowsPath])
        #expect(set.fired("What are your opening times?") == ["faq/opening-hours"])
        #expect(set.fired("How much is it?") == ["faq/pricing"])
        #expect(set.fired("I want a refund, what was the price") == ["faq/refunds"])
        #expect(set.fired("Can I talk to an AGENT please") == ["faq/human"])
        #expect(set.fired("priceless") != ["faq/pricing"])
    }
}

@Suite struct LoadPathsTests {
    @Test func loadsYAMLFilesOfDirectoriesInPathOrderAndReportsMissingPaths() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "perch-flows-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: directory.path + "/sub", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let rule = "rules:\n  - id: r\n    when: { keywords: [x] }\n    reply: x\n"
        try ("flow: b\n" + rule).write(toFile: directory.path + "/b.yaml", atomically: true, encoding: .utf8)
        try ("flow: a\n" + rule.replacingOccurrences(of: "[x]", with: "[y]"))
            .write(toFile: directory.path + "/sub/a.yml", atomically: true, encoding: .utf8)
        try "not a flow".write(toFile: directory.path + "/notes.txt", atomically: true, encoding: .utf8)
        let set = try FlowSet.load(paths: [directory.path])
        #expect(set.flowIDs == ["b", "a"])
        #expect(set.ruleCount == 2)

        do {
            _ = try FlowSet.load(paths: [directory.path + "/missing"])
            Issue.record("expected an error")
        } catch {
            #expect(error.diagnostics.map(\.message) == ["no such file or directory"])
        }
    }
}
