import Foundation
import PerchEvents
import PerchFlows
import Testing

@Suite struct CalendarTests {
    let set: FlowSet

    init() throws {
        set = try flowSet(
            """
            flow: f
            calendars:
              office:
                timezone: Europe/Amsterdam
                weekly: { mon-fri: "09:00-17:30", sat: ["10:00-12:00", "13:00-14:00"], sun: closed }
                closed: ["2026-12-25"]
            rules:
              - id: open
                when: { business_hours: { calendar: office, is: open } }
                reply: open
              - id: closed
                when: { business_hours: { calendar: office, is: closed } }
                reply: closed
            """)
    }

    func state(_ iso: String) -> String? {
        let date = ISO8601DateFormatter().date(from: iso)!
        return set.fired(message("hi"), now: date).first
    }

    /// Europe/Amsterdam moves from UTC+1 to UTC+2 on Sunday 29 March 2026, and back on 25 October.
    @Test func followsLocalTimeAcrossDaylightSavingChanges() {
        // Friday before the change: 09:00 local is 08:00 UTC.
        #expect(state("2026-03-27T07:59:00Z") == "f/closed")
        #expect(state("2026-03-27T08:00:00Z") == "f/open")
        #expect(state("2026-03-27T16:29:00Z") == "f/open")
        #expect(state("2026-03-27T16:30:00Z") == "f/closed")
        // Monday after the change: 09:00 local is 07:00 UTC.
        #expect(state("2026-03-30T06:59:00Z") == "f/closed")
        #expect(state("2026-03-30T07:00:00Z") == "f/open")
        #expect(state("2026-03-30T15:29:00Z") == "f/open")
        #expect(state("2026-03-30T15:30:00Z") == "f/closed")
        // And back in autumn: Monday 26 October 2026, 09:00 local is 08:00 UTC again.
        #expect(state("2026-10-26T07:30:00Z") == "f/closed")
        #expect(state("2026-10-26T08:00:00Z") == "f/open")
    }

    @Test func severalRangesADayAndClosedDays() {
        // Saturday 28 March 2026 (UTC+1): open 10-12 and 13-14 local.
        #expect(state("2026-03-28T09:30:00Z") == "f/open")
        #expect(state("2026-03-28T11:30:00Z") == "f/closed")
        #expect(state("2026-03-28T12:30:00Z") == "f/open")
        // Sunday.
        #expect(state("2026-03-29T10:00:00Z") == "f/closed")
    }

    @Test func closedDatesWin() {
        // Friday 25 December 2026, 11:00 local.
        #expect(state("2026-12-25T10:00:00Z") == "f/closed")
        #expect(state("2026-12-24T10:00:00Z") == "f/open")
    }
}

@Suite struct TemplateTests {
    @Test func rendersVariablesWithDefaultsForMissingAndEmptyValues() throws {
        let template = try TextTemplate(parsing: "Hi {{ contact.name | default: 'there' }}, re {{message.text}}!")
        #expect(template.render(message("price?", contactName: "Ana")) == "Hi Ana, re price?!")
        #expect(template.render(message("price?", contactName: nil)) == "Hi there, re price?!")
        #expect(template.render(message("price?", contactName: "")) == "Hi there, re price?!")
        // No default: a missing value renders as nothing.
        #expect(template.render(message(nil, contactName: "Ana")) == "Hi Ana, re !")
    }

    @Test func readsAttributesRawEventAndExtra() throws {
        let template = try TextTemplate(
            parsing: "{{ contact.attributes.tier }}/{{ conversation.attributes.topic | default: \"none\" }}/"
                + "{{ event.message.channelId }}/{{ state }}/{{ conversation.id }}")
        let event = message(
            "x", contactAttributes: ["tier": .string("gold")],
            raw: .object(["message": .object(["channelId": .string("abc")])]))
        #expect(template.render(event, extra: ["state": "menu"]) == "gold/none/abc/menu/c1")
    }

    @Test func literalTextIsNotEscaped() throws {
        let template = try TextTemplate(parsing: "Tom & Jerry <b>{{ message.text }}</b>")
        #expect(template.render(message("a&b")) == "Tom & Jerry <b>a&b</b>")
        #expect(template.variables == ["message.text"])
    }

    @Test(arguments: ["{{ contact.name", "{{ }}", "{{ contact.name | upcase }}", "{{ a | default: there }}"])
    func syntaxErrorsAreRejected(_ text: String) {
        #expect(throws: (any Error).self) { try TextTemplate(parsing: text) }
    }
}

@Suite struct SafetyTests {
    let set: FlowSet

    init() throws {
        set = try flowSet(
            """
            flow: f
            rules:
              - id: agent
                when: { keywords: [agent] }
                cooldown: 10m
                reply: connecting
              - id: welcome
                when: { keywords: [hi] }
                once_per_conversation: true
                reply: welcome
              - id: fallback
                when: { otherwise: true }
                reply: sorry
            """)
    }

    @Test func cooldownSkipsTheRuleUntilItHasPassed() {
        let fired = ConversationSnapshot(ruleLastFired: ["f/agent": noon])
        #expect(set.fired(message("agent"), now: noon.addingTimeInterval(599), conversation: fired) == ["f/fallback"])
        #expect(set.fired(message("agent"), now: noon.addingTimeInterval(600), conversation: fired) == ["f/agent"])
        let decision = set.decide(
            MatchInput(event: message("agent"), now: noon.addingTimeInterval(300), conversation: fired))
        #expect(decision.trace.first?.description == "f/agent: skipped: cooldown 10m: fired 300s ago, 5m left")
    }

    @Test func oncePerConversation() {
        #expect(set.fired(message("hi")) == ["f/welcome"])
        let fired = ConversationSnapshot(ruleLastFired: ["f/welcome": noon.addingTimeInterval(-86_400 * 30)])
        #expect(set.fired(message("hi"), conversation: fired) == ["f/fallback"])
    }
}

@Suite struct ActionTests {
    @Test func everyActionCompilesWithItsValues() throws {
        let set = try flowSet(
            """
            flow: f
            participant_id: bot-7
            rules:
              - id: all
                when: { keywords: [go] }
                do:
                  - reply: { text: "Hi {{ contact.name }}", buttons: [Yes, No],
                             fallback_template: { namespace: ns, name: hello, language: en, params: ["{{ contact.name }}"] } }
                  - send_template: { project: p-1, locale: en, parameters: { name: "{{ contact.name | default: 'you' }}" } }
                  - update_conversation: { status: archived, name: "Case {{ conversation.id }}", attributes: { topic: sales } }
                  - handoff: { agent: ana, note: "{{ message.text }}" }
                  - set_state: { name: waiting, expiry: 1h30m }
                  - http: { url: "https://example.com/hook", body: { text: "{{ message.text }}", n: 3, ok: true, none: ~ }, timeout: 5s }
                  - set_state: ~
                  - stop
            """)
        let decision = set.decide(MatchInput(event: message("go", contactName: "Ana"), now: noon))
        let fired = try #require(decision.fired.first)
        #expect(fired.participantID == "bot-7")
        #expect(
            fired.actions.map(\.name) == [
                "reply", "send_template", "update_conversation", "handoff", "set_state", "http", "set_state", "stop",
            ])
        let event = message("go", contactName: nil)
        guard case .reply(let reply) = fired.actions[0], case .legacy(let legacy) = reply.fallbackTemplate,
            case .sendTemplate(.bird(let bird)) = fired.actions[1],
            case .updateConversation(let update) = fired.actions[2],
            case .handoff(let handoff) = fired.actions[3], case .setState(let state) = fired.actions[4],
            case .http(let http) = fired.actions[5], case .setState(let cleared) = fired.actions[6]
        else {
            Issue.record("unexpected actions \(fired.actions)")
            return
        }
        #expect(reply.buttons == ["Yes", "No"])
        #expect(legacy.name == "hello" && legacy.params.count == 1)
        #expect(bird.version == "latest" && bird.parameters["name"]?.render(event) == "you")
        #expect(update.status == "archived" && update.name?.render(event) == "Case c1")
        #expect(handoff.agent == "ana" && handoff.team == nil)
        #expect(state.name == "waiting" && state.expiry == .seconds(5400))
        #expect(cleared.name == nil)
        #expect(http.method == "POST" && http.timeout == .seconds(5))
        #expect(
            http.body?.render(event)
                == .object(["text": .string("go"), "n": .number(3), "ok": .bool(true), "none": .null]))
    }

    @Test func shortForms() throws {
        let set = try flowSet(
            "flow: f\nrules:\n  - id: h\n    when: { keywords: [x] }\n    handoff: support\n"
                + "  - id: s\n    when: { keywords: [y] }\n    set_state: menu\n")
        guard
            case .handoff(let handoff) = set.decide(MatchInput(event: message("x"), now: noon)).fired.first?.actions
                .first
        else {
            Issue.record("no handoff")
            return
        }
        #expect(handoff.team == "support")
    }
}
