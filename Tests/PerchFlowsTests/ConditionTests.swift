import Foundation
import PerchEvents
import PerchFlows
import Testing

@Suite struct ConditionTests {
    @Test func eventDefaultsToReceivedMessages() throws {
        let set = try flowSet("flow: f\nrules:\n  - id: any-text\n    when: { regex: \".\" }\n    reply: x\n")
        #expect(set.fired(message("hi")) == ["f/any-text"])
        #expect(set.fired(message("hi", direction: .outgoing)) == [])
        #expect(set.fired(message("hi", kind: .conversation, name: "conversation.created")) == [])
    }

    @Test func eventKindsAndNames() throws {
        let set = try flowSet(
            """
            flow: f
            rules:
              - id: created
                when: { event: conversation.created }
                reply: welcome
              - id: conv
                when: { event: conversation }
                reply: conv
              - id: sent
                when: { event: message, direction: outgoing }
                reply: sent
              - id: everything
                when: { event: any, direction: any }
                reply: any
            """)
        #expect(set.fired(message(nil, kind: .conversation, name: "conversation.created")) == ["f/created"])
        #expect(set.fired(message(nil, kind: .conversation, name: "conversation.updated")) == ["f/conv"])
        #expect(set.fired(message("x", direction: .outgoing)) == ["f/sent"])
        #expect(set.fired(message(nil, kind: .smsStatus, name: "sms.status")) == ["f/everything"])
    }

    @Test func channelByPlatformOrIDAndFlowDefault() throws {
        let set = try flowSet(
            """
            flow: f
            channels: [whatsapp]
            rules:
              - id: sms-only
                when: { channel: [SMS, chan-9], keywords: [hi] }
                reply: sms
              - id: default-scope
                when: { keywords: [hi] }
                reply: wa
            """)
        #expect(set.fired(message("hi", platform: "sms")) == ["f/sms-only"])
        #expect(set.fired(message("hi", platform: nil, channelID: "chan-9")) == ["f/sms-only"])
        #expect(set.fired(message("hi", platform: "whatsapp")) == ["f/default-scope"])
        #expect(set.fired(message("hi", platform: "telegram")) == [])
    }

    @Test func conversationStatusAndMessageType() throws {
        let set = try flowSet(
            """
            flow: f
            rules:
              - id: image
                when: { message_type: [image, video] }
                reply: nice picture
              - id: archived
                when: { conversation_status: archived }
                reply: welcome back
            """)
        #expect(set.fired(message(nil, messageType: "image")) == ["f/image"])
        #expect(set.fired(message("x", conversationStatus: "archived")) == ["f/archived"])
        #expect(set.fired(message("x", conversationStatus: "active")) == [])
    }

    @Test func keywordsAnyAllNone() throws {
        let set = try flowSet(
            """
            flow: f
            rules:
              - id: r
                when: { keywords: { any: [price, cost], all: [plan], none: [refund] } }
                reply: x
            """)
        #expect(set.fired("price of the plan") == ["f/r"])
        #expect(set.fired("cost plan") == ["f/r"])
        #expect(set.fired("price") == [])
        #expect(set.fired("refund the plan price") == [])
        #expect(set.fired(message(nil, messageType: "image")) == [])
    }

    @Test func textIsTheWholeMessageNormalized() throws {
        let set = try flowSet("flow: f\nrules:\n  - id: r\n    when: { text: [Yes please, ok] }\n    reply: x\n")
        #expect(set.fired("yes, PLEASE!") == ["f/r"])
        #expect(set.fired("OK") == ["f/r"])
        #expect(set.fired("ok then") == [])
    }

    @Test func regexOnTheTextAsWritten() throws {
        let set = try flowSet(
            "flow: f\nrules:\n  - id: r\n    when: { regex: \"order #?[0-9]{5}\" }\n    reply: x\n")
        #expect(set.fired("Where is ORDER #12345?") == ["f/r"])
        #expect(set.fired("order 12") == [])
    }

    @Test func firstMessage() throws {
        let set = try flowSet("flow: f\nrules:\n  - id: r\n    when: { first_message: true }\n    reply: x\n")
        #expect(set.fired(message("hi"), conversation: .init(isFirstMessage: true)) == ["f/r"])
        #expect(set.fired(message("hi"), conversation: .init(isFirstMessage: false)) == [])
    }

    @Test func stateIncludingNoState() throws {
        let set = try flowSet(
            """
            flow: f
            rules:
              - id: in-menu
                when: { state: [menu, menu.more] }
                reply: x
              - id: no-state
                when: { state: ~ }
                set_state: menu
            """)
        #expect(set.fired(message("1"), conversation: .init(state: "menu")) == ["f/in-menu"])
        #expect(set.fired(message("1"), conversation: .init(state: "menu.more")) == ["f/in-menu"])
        #expect(set.fired(message("1"), conversation: .init(state: nil)) == ["f/no-state"])
        #expect(set.fired(message("1"), conversation: .init(state: "other")) == [])
    }

    @Test func attributesOfContactAndConversation() throws {
        let set = try flowSet(
            """
            flow: f
            rules:
              - id: vip
                when: { attributes: { contact: { tier: [gold, platinum], vip: true } } }
                reply: x
              - id: topic
                when: { attributes: { conversation: { topic: ~ } } }
                reply: y
            """)
        #expect(set.fired(message("a", contactAttributes: ["tier": .string("gold"), "vip": .bool(true)])) == ["f/vip"])
        #expect(set.fired(message("a", contactAttributes: ["tier": .string("silver"), "vip": .bool(true)])) == [])
        #expect(set.fired(message("a", conversationAttributes: ["topic": .string("x")])) == ["f/topic"])
        #expect(set.fired(message("a")) == [])
    }

    @Test func anyAllNot() throws {
        let set = try flowSet(
            """
            flow: f
            rules:
              - id: r
                when:
                  any:
                    - keywords: [help]
                    - all:
                        - keywords: [need]
                        - not: { keywords: [nothing] }
                reply: x
            """)
        #expect(set.fired("help") == ["f/r"])
        #expect(set.fired("I need a thing") == ["f/r"])
        #expect(set.fired("I need nothing") == [])
        let reason = set.explain(MatchInput(event: message("I need nothing"), now: noon)).trace[0].description
        #expect(
            reason
                == "f/r: no match: any: none held (keywords: none of ['help'] in the text (phrase); all: not: the inner condition held)"
        )
    }

    @Test func otherwiseHoldsOnlyWhenNothingFiredYet() throws {
        let set = try flowSet(
            """
            flow: f
            rules:
              - id: log
                when: { keywords: [hi] }
                continue: true
                set_state: greeted
              - id: fallback
                when: { otherwise: true }
                reply: sorry
            """)
        #expect(set.fired("hi") == ["f/log"])
        #expect(set.fired("what") == ["f/fallback"])
    }

    @Test func fallbacksComeAfterEveryFlowsMainRules() throws {
        let set = try FlowSet.load(sources: [
            FlowSource(
                path: "a.yaml", text: "flow: a\nrules:\n  - id: fb\n    when: { otherwise: true }\n    reply: a\n"),
            FlowSource(
                path: "b.yaml", text: "flow: b\nrules:\n  - id: hi\n    when: { keywords: [hi] }\n    reply: b\n"),
        ])
        #expect(set.fired("hi") == ["b/hi"])
        #expect(set.fired("what") == ["a/fb"])
    }

    @Test func continueAndStop() throws {
        let set = try flowSet(
            """
            flow: f
            rules:
              - id: one
                when: { keywords: [hi] }
                continue: true
                reply: one
              - id: two
                when: { keywords: [hi] }
                continue: true
                do: [stop]
              - id: three
                when: { keywords: [hi] }
                reply: three
            """)
        let decision = set.decide(MatchInput(event: message("hi"), now: noon))
        #expect(decision.fired.map(\.key) == ["f/one", "f/two"])
        #expect(decision.trace.last?.description == "f/three: skipped: f/two fired first")
    }
}
