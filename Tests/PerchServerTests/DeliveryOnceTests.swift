import Foundation
import PerchEvents
import PerchStore
import PerchTesting
import Testing

/// One decision per customer message, whichever event brings it, over real HTTP.
@Suite("One answer per customer message")
struct DeliveryOnceTests {
    static let flow = """
        flow: once
        rules:
          - id: seen-update
            when: { event: message.updated, keywords: [hours] }
            continue: true
            reply: "update seen"
          - id: hours
            when: { keywords: [hours] }
            reply: "We are open"
        """

    /// A legacy message webhook of the given type for one customer message.
    static func legacy(_ type: String, message: String, at: String) throws -> String {
        let created = LegacyPayload.message(conversation: "c-once", message: message, text: "hours?", at: at)
        guard case .object(var root) = try JSONValue(parsing: created) else { return created }
        root["type"] = .string(type)
        return JSONValue.object(root).serialized()
    }

    /// Legacy `message.created` then `message.updated` of the same message: one reply from the rule
    /// about received messages; the rule that names `message.updated` still sees the update.
    @Test func legacyCreatedThenUpdatedIsAnsweredOnce() async throws {
        let clock = TestClock(Date())
        let flowPath = try Harness.writeFlow(Self.flow)
        defer { try? FileManager.default.removeItem(atPath: flowPath) }
        let harness = try await Harness.start(clock: clock) { $0.flowsPaths = [flowPath] }
        try await harness.run { (harness: Harness) async throws in
            let created = try await harness.post(
                "/webhooks/messagebird", json: try Self.legacy("message.created", message: "m-1", at: clock.iso))
            #expect(created.status == 200)
            _ = try await harness.bird.waitForRequests(count: 1)
            let updated = try await harness.post(
                "/webhooks/messagebird", json: try Self.legacy("message.updated", message: "m-1", at: clock.iso))
            #expect(updated.status == 200)
            await harness.settle()
            let texts = harness.bird.requests.filter { $0.method == "POST" }.compactMap {
                $0.json?["content"]?["text"]?.stringValue
            }
            #expect(texts == ["We are open", "update seen"], "\(harness.bird.requests)")
        }
    }

    /// An agent closes a handed-off conversation without writing: Bird sends `conversation.updated`
    /// with the same `lastMessage` and status `closed`. It is a new event, and it ends the pause.
    @Test func aCloseWithAnUnchangedLastMessageClearsTheHandoff() async throws {
        let clock = TestClock(Date())
        let harness = try await Harness.start(clock: clock)
        try await harness.run { (harness: Harness) async throws in
            let asked = clock.iso
            #expect(
                try await harness.deliverBird(
                    BirdPayload.contactMessage(conversation: "c-close", message: "m-agent", text: "agent", at: asked))
                    == 200)
            await harness.settle()
            let record = try await harness.application.runtime.store.conversation("c-close")
            #expect(record?.handoffActive == true)

            clock.advance(by: 60)
            var closed = BirdPayload.contactMessage(
                conversation: "c-close", message: "m-agent", text: "agent", at: asked, status: "closed")
            // The update's own time moves; the last message (and its time) does not.
            closed = closed.replacingOccurrences(
                of: "\"updatedAt\":\"\(asked)\"", with: "\"updatedAt\":\"\(clock.iso)\"")
            #expect(closed.contains(clock.iso))
            let answer = try await harness.post("/webhooks/bird", json: closed)
            #expect(answer.status == 200)
            #expect(String(decoding: answer.body, as: UTF8.self).contains("accepted"))
            await harness.settle()
            let after = try await harness.application.runtime.store.conversation("c-close")
            #expect(after?.handoffActive == false)
            #expect(after?.status == "closed")
        }
    }
}

/// A flow with its own `participant_id` sends as that participant: Bird's update about that message
/// is Perch's own echo, and must not trigger rules.
@Test func theEchoGuardKnowsEachFlowsParticipantID() async throws {
    let clock = TestClock(Date())
    let flowPath = try Harness.writeFlow(
        """
        flow: own-participant
        participant_id: flow-own
        rules:
          - id: on-update
            when: { event: conversation }
            reply: "the conversation changed"
        """)
    defer { try? FileManager.default.removeItem(atPath: flowPath) }
    let harness = try await Harness.start(clock: clock) { $0.flowsPaths = [flowPath] }
    try await harness.run { (harness: Harness) async throws in
        let status = try await harness.deliverBird(
            BirdPayload.flowMessage(
                conversation: "c-echo", message: "m-own", text: "hello from the flow", flowID: "flow-own",
                at: clock.iso))
        #expect(status == 200)
        await harness.settle()
        #expect(harness.bird.requests.filter { $0.method == "POST" }.isEmpty, "\(harness.bird.requests)")
    }
}
