import Foundation
import PerchEvents
import PerchFlows
import Testing

/// The explanation names the failing condition of every rule, also of those the index ruled out
/// without evaluating them.
@Test func theExplanationNamesWhyEachRuledOutRuleDoesNotMatch() throws {
    let flows = try FlowSet.load(
        sources: [
            FlowSource(
                path: "inline.yaml",
                text: """
                    flow: mixed
                    rules:
                      - id: sms-only
                        when: { channel: [sms], keywords: [hours] }
                        reply: "sms hours"
                      - id: pricing
                        when: { keywords: [price] }
                        reply: "prices"
                      - id: closing
                        when: { event: conversation }
                        reply: "bye"
                      - id: hours
                        when: { keywords: [hours] }
                        reply: "open"
                    """)
        ])
    let event = Event(
        kind: .message, generation: .bird, name: "whatsapp.inbound", key: "k", messageID: "m", channelID: "ch-1",
        platform: "whatsapp", direction: .incoming, content: MessageContent(text: "what are your hours"))
    let decision = flows.decide(MatchInput(event: event, now: Date()))
    #expect(decision.fired.map(\.key) == ["mixed/hours"])
    let explanation = decision.explanation
    #expect(!explanation.contains("could not match this event"), "\(explanation)")
    #expect(explanation.contains("mixed/sms-only: no match: channel"), "\(explanation)")
    #expect(explanation.contains("mixed/pricing: no match: keywords"), "\(explanation)")
    #expect(explanation.contains("mixed/closing: no match: event"), "\(explanation)")
}
