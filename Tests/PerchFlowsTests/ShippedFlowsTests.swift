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
        var event = message("Testing webhook functionality.", platform: nil, channelID: "2ceefea7c1b8c79673215c42c1a6b916")
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
