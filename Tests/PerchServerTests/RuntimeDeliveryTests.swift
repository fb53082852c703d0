import Foundation
import PerchEvents
import PerchRuntime
import PerchTesting
import Testing

@Suite("Runtime: duplicates, echoes and loops trigger nothing")
struct RuntimeDeliveryTests {
    @Test func theSameWebhookTwiceGetsOneReply() async throws {
        let clock = TestClock()
        let harness = try await Harness.start(clock: clock)
        try await harness.run { harness in
            let legacy = LegacyPayload.message(conversation: "lc-dup", message: "lm-dup", text: "hours?", at: clock.iso)
            let first = try await harness.post("/webhooks/messagebird", json: legacy)
            let second = try await harness.post("/webhooks/messagebird", json: legacy)
            #expect(first.status == 200)
            #expect(second.status == 200)
            #expect(String(decoding: second.body, as: UTF8.self).contains("duplicate"))

            let bird = BirdPayload.contactMessage(
                conversation: "c-dup", message: "m-dup", text: "hours?", at: clock.iso)
            #expect(try await harness.deliverBird(bird) == 200)
            #expect(try await harness.deliverBird(bird) == 200)
            await harness.settle()
            #expect(harness.bird.requests.count == 2)
            #expect(Set(harness.bird.requests.map(\.path)).count == 2)
        }
    }

    @Test func tenConcurrentDeliveriesGetOneReply() async throws {
        let clock = TestClock()
        let harness = try await Harness.start(clock: clock)
        try await harness.run { harness in
            let legacy = LegacyPayload.message(conversation: "lc-ten", message: "lm-ten", text: "price", at: clock.iso)
            let bird = BirdPayload.contactMessage(conversation: "c-ten", message: "m-ten", text: "price", at: clock.iso)
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<10 {
                    group.addTask { try await harness.post("/webhooks/messagebird", json: legacy).status }
                    group.addTask { try await harness.deliverBird(bird) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses == Array(repeating: 200, count: 20))
            await harness.settle()
            #expect(harness.bird.requests.count == 2)
            #expect(
                harness.bird.requests.compactMap(\.reference).sorted() == [
                    "perch:bird:message:m-ten:faq/pricing:0",
                    "perch:messagebird:message.created:lm-ten:received:faq/pricing:0",
                ])
        }
    }

    @Test func perchsOwnReplyEchoedBackTriggersNothing() async throws {
        let clock = TestClock()
        let harness = try await Harness.start(clock: clock)
        try await harness.run { harness in
            // Legacy: the reply comes back as message.created with direction sent.
            let echo = LegacyPayload.message(
                conversation: "lc-echo", message: "lm-echo", text: "Sorry, I didn't get that.", direction: "sent",
                at: clock.iso)
            #expect(try await harness.post("/webhooks/messagebird", json: echo).status == 200)
            // Bird: the conversation's last message was sent by participant flow with Perch's id...
            _ = try await harness.deliverBird(
                BirdPayload.flowMessage(
                    conversation: "c-echo", message: "m-echo", text: "We are open", flowID: "flow-1", at: clock.iso))
            // ...or carries Perch's reference.
            _ = try await harness.deliverBird(
                BirdPayload.contactMessage(
                    conversation: "c-echo2", message: "m-echo2", text: "hours", at: clock.iso,
                    reference: "perch:bird:message:m0:faq/opening-hours:0"))
            await harness.settle()
            #expect(harness.bird.requests.isEmpty)
            let legacyTrace = try #require(
                try await harness.trace("messagebird:message.created:lm-echo:sent"))
            #expect(legacyTrace.skipped?.contains("sent by the business") == true)
            #expect(try await harness.trace("bird:message:m-echo2")?.skipped?.contains("reference") == true)
            // The contact's own message in the same conversation does get an answer.
            _ = try await harness.deliverBird(
                BirdPayload.contactMessage(conversation: "c-echo", message: "m-real", text: "hours", at: clock.iso))
            _ = try await harness.bird.waitForRequests(count: 1)
        }
    }

    @Test func aChainOfAutomatedActionsIsCapped() async throws {
        let clock = TestClock()
        let harness = try await Harness.start(
            flows: ["Tests/PerchServerTests/Fixtures/runtime-rules.yaml"], clock: clock
        ) { $0.runtime.automationChainLimit = 3 }
        try await harness.run { harness in
            // Each PATCH would cause another conversation.updated in real Bird; five of them arrive.
            var last = ""
            for _ in 0..<5 {
                clock.advance(by: 1)
                last = clock.iso
                _ = try await harness.deliverBird(
                    BirdPayload.conversationUpdated(
                        conversation: "c-loop", status: "active", at: last, attributes: ["loop": "yes"]))
                await harness.settle()
            }
            #expect(harness.bird.requests.count == 3)
            let trace = try #require(try await harness.trace("bird:conversation.updated:c-loop:\(last)"))
            #expect(trace.actions.first?.detail?.contains("automation chain limit") == true)
            // A message from the customer starts a new chain.
            _ = try await harness.deliverBird(
                BirdPayload.contactMessage(conversation: "c-loop", message: "m1", text: "ping", at: clock.iso))
            _ = try await harness.bird.waitForRequests(count: 4)
        }
    }
}
