import Foundation
import PerchEvents
import PerchRuntime
import PerchTesting
import Testing

@Suite("Runtime: conversation state with an injected clock")
struct RuntimeStateTests {
    static let rules = "Tests/PerchServerTests/Fixtures/runtime-rules.yaml"

    /// Texts of the replies sent so far, in order.
    static func replies(_ bird: FakeBirdAPI) -> [String] {
        bird.requests.compactMap { $0.json?["body"]?["text"]?["text"]?.stringValue }
    }

    @Test func cooldownHoldsTheRuleBackUntilItHasPassed() async throws {
        let clock = TestClock()
        let harness = try await Harness.start(flows: [Self.rules], clock: clock)
        try await harness.run { harness in
            func say(_ id: String) async throws {
                _ = try await harness.deliverBird(
                    BirdPayload.contactMessage(conversation: "c-cool", message: id, text: "ping", at: clock.iso))
                await harness.settle()
            }
            try await say("m1")
            clock.advance(by: 9 * 60)
            try await say("m2")
            clock.advance(by: 61)
            try await say("m3")
            #expect(Self.replies(harness.bird) == ["pong", "fallback", "pong"])
            let held = try #require(try await harness.trace("bird:message:m2"))
            #expect(held.explanation?.contains("runtime/ping: skipped: cooldown") == true)
        }
    }

    @Test func oncePerConversationFiresOnlyOnceInEachConversation() async throws {
        let clock = TestClock()
        let harness = try await Harness.start(flows: [Self.rules], clock: clock)
        try await harness.run { harness in
            for (conversation, message) in [("c-once", "m1"), ("c-once", "m2"), ("c-other", "m3")] {
                _ = try await harness.deliverBird(
                    BirdPayload.contactMessage(
                        conversation: conversation, message: message, text: "hello", at: clock.iso))
                await harness.settle()
                clock.advance(by: 3600)
            }
            #expect(Self.replies(harness.bird) == ["Welcome!", "fallback", "Welcome!"])
        }
    }

    @Test func dialogStateExpires() async throws {
        let clock = TestClock()
        let harness = try await Harness.start(flows: [Self.rules], clock: clock)
        try await harness.run { harness in
            func say(_ id: String, _ text: String) async throws {
                _ = try await harness.deliverBird(
                    BirdPayload.contactMessage(conversation: "c-state", message: id, text: text, at: clock.iso))
                await harness.settle()
            }
            try await say("m1", "menu")
            clock.advance(by: 29 * 60)
            try await say("m2", "1")  // within 30 minutes: the state holds
            try await say("m3", "menu")
            clock.advance(by: 31 * 60)
            try await say("m4", "1")  // past the expiry: the state is gone
            #expect(Self.replies(harness.bird) == ["Pick 1 or 2.", "You picked 1.", "Pick 1 or 2.", "fallback"])
        }
    }

    @Test func whatsappWindowBlocksFreeTextAfter24HoursUnlessThereIsAFallbackTemplate() async throws {
        let clock = TestClock()
        let channel = "wa-channel-1"
        let harness = try await Harness.start(flows: [Self.rules], clock: clock) {
            $0.runtime.whatsappChannelIDs = [channel]
        }
        try await harness.run { harness in
            _ = try await harness.deliverBird(
                BirdPayload.contactMessage(
                    conversation: "c-wa", message: "m1", text: "ping", at: clock.iso, channel: channel))
            await harness.settle()
            clock.advance(by: 23 * 3600)
            _ = try await harness.deliverBird(
                BirdPayload.conversationUpdated(
                    conversation: "c-wa", status: "active", at: clock.iso, attributes: ["nudge": "plain"],
                    channel: channel))
            await harness.settle()
            #expect(Self.replies(harness.bird) == ["pong", "Are you still there?"])

            clock.advance(by: 2 * 3600)  // 25 hours after the customer wrote
            let late = clock.iso
            _ = try await harness.deliverBird(
                BirdPayload.conversationUpdated(
                    conversation: "c-wa", status: "active", at: late, attributes: ["nudge": "plain"], channel: channel))
            await harness.settle()
            #expect(harness.bird.requests.count == 2)
            let trace = try #require(try await harness.trace("bird:conversation.updated:c-wa:\(late)"))
            #expect(trace.actions.first?.result == .skipped)
            #expect(trace.actions.first?.detail?.contains("WhatsApp's 24-hour window closed") == true)

            clock.advance(by: 60)
            _ = try await harness.deliverBird(
                BirdPayload.conversationUpdated(
                    conversation: "c-wa", status: "active", at: clock.iso, attributes: ["nudge": "template"],
                    channel: channel))
            let requests = try await harness.bird.waitForRequests(count: 3)
            let template = try #require(requests.last?.json?["template"])
            #expect(template["projectId"] == .string("7e1f0000-0000-4000-8000-000000000001"))
            #expect(requests.last?.json?["body"] == nil)
        }
    }

    @Test func afterHandoffTheBotIsQuietUntilTheConversationIsClosedAndReopened() async throws {
        let clock = TestClock()
        let harness = try await Harness.start(clock: clock)
        try await harness.run { harness in
            let conversation = "c-handoff"
            func say(_ id: String, _ text: String) async throws {
                _ = try await harness.deliverBird(
                    BirdPayload.contactMessage(conversation: conversation, message: id, text: text, at: clock.iso))
                await harness.settle()
                clock.advance(by: 60)
            }
            try await say("m1", "I want to talk to a human")
            // The reply, then the routing call: conversation attributes with the team and the note.
            let routing = harness.bird.requests
            #expect(routing.map(\.method) == ["POST", "PATCH"])
            #expect(routing.last?.path == "/workspaces/ws-1/conversations/\(conversation)")
            #expect(routing.last?.json?["attributes"]?["team"] == .string("support"))
            #expect(
                routing.last?.json?["attributes"]?["handoff"]?["note"]
                    == .string("Customer asked for a person: I want to talk to a human"))

            try await say("m2", "hello? what are your opening hours")
            try await say("m3", "price")
            #expect(harness.bird.requests.count == 2)
            let quiet = try #require(try await harness.trace("bird:message:m3"))
            #expect(quiet.skipped?.contains("paused") == true)

            let closedAt = clock.iso
            _ = try await harness.deliverBird(
                BirdPayload.conversationUpdated(conversation: conversation, status: "closed", at: closedAt))
            await harness.settle()
            clock.advance(by: 60)
            _ = try await harness.deliverBird(
                BirdPayload.conversationUpdated(conversation: conversation, status: "active", at: clock.iso))
            await harness.settle()
            clock.advance(by: 60)
            try await say("m4", "what are your opening hours")
            #expect(harness.bird.requests.count == 3)
            #expect(Self.replies(harness.bird).last?.hasPrefix("We are open") == true)
        }
    }

    @Test func theBotAnswersAgainOnceTheHandoffPauseHasPassed() async throws {
        let clock = TestClock()
        let harness = try await Harness.start(clock: clock) { $0.runtime.handoffPause = .seconds(3600) }
        try await harness.run { harness in
            func say(_ id: String, _ text: String) async throws {
                _ = try await harness.deliverBird(
                    BirdPayload.contactMessage(conversation: "c-pause", message: id, text: text, at: clock.iso))
                await harness.settle()
            }
            try await say("m1", "agent")
            #expect(harness.bird.requests.count == 2)
            clock.advance(by: 3599)
            try await say("m2", "hours")
            #expect(harness.bird.requests.count == 2)
            clock.advance(by: 2)
            try await say("m3", "hours")
            #expect(harness.bird.requests.count == 3)
        }
    }
}
