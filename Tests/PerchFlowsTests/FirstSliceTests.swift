import Foundation
import PerchEvents
import PerchFlows
import Testing

@Suite struct FirstSliceTests {
    let yaml = """
        flow: faq
        rules:
          - id: hello
            when: { keywords: [hello, hi] }
            reply: "Hello {{ contact.name | default: 'there' }}!"
          - id: fallback
            when: { otherwise: true }
            reply: "Sorry?"
        """

    @Test func keywordRuleFiresAndRendersItsReply() throws {
        let set = try flowSet(yaml)
        #expect(set.ruleCount == 2)
        #expect(set.fired("Hi!") == ["faq/hello"])
        #expect(replyText(set, message("hello", contactName: "Ana")) == "Hello Ana!")
        #expect(replyText(set, message("hello")) == "Hello there!")
    }

    @Test func otherwiseCatchesTheRest() throws {
        let set = try flowSet(yaml)
        #expect(set.fired("something else") == ["faq/fallback"])
        let input = MatchInput(event: message("something else"), now: noon)
        // The index never shows `hello` to an event without its keywords...
        let decision = set.decide(input)
        #expect(decision.trace.map(\.description) == ["faq/fallback: fired"])
        #expect(decision.notConsidered == 1)
        // ...but its explanation still names the condition that rules it out.
        #expect(decision.explanation.contains("faq/hello: no match: keywords: none of ['hello', 'hi']"))
        // ...while explain tries every rule and says why each did not fire.
        #expect(
            set.explain(input).trace.map(\.description) == [
                "faq/hello: no match: keywords: none of ['hello', 'hi'] in the text (phrase)",
                "faq/fallback: fired",
            ])
    }

    @Test func outgoingMessagesDoNotFireByDefault() throws {
        let set = try flowSet(yaml)
        #expect(set.fired(message("hello", direction: .outgoing)) == [])
    }

    @Test func versionIsStableAndShort() throws {
        let a = try flowSet(yaml)
        let b = try flowSet(yaml)
        let c = try flowSet(yaml + "\n")
        #expect(a.version == b.version)
        #expect(a.version != c.version)
        #expect(a.version.count == 12)
    }
}
