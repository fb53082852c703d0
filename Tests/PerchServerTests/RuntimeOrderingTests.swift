import Foundation
import PerchEvents
import PerchRuntime
import PerchTesting
import Testing

@Suite("Runtime: order within a conversation, parallel across conversations, push back when full")
struct RuntimeOrderingTests {
    @Test func hundredConcurrentEventsOfOneConversationAreHandledInArrivalOrder() async throws {
        let clock = TestClock()
        let harness = try await Harness.start(clock: clock)
        try await harness.run { harness in
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<100 {
                    group.addTask {
                        try await harness.post(
                            "/webhooks/messagebird",
                            json: LegacyPayload.message(
                                conversation: "lc-order", message: "lm-\(index)", text: "question \(index)",
                                at: clock.iso)
                        ).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses == Array(repeating: 200, count: 100))
            let replies = try await harness.bird.waitForRequests(count: 100)
            await harness.settle()

            // Arrival order is the order the store accepted them: the inbox sequence in each trace.
            var sequences: [Int64] = []
            for reply in replies {
                let reference = try #require(reply.reference)
                let key = try #require(reference.dropFirst("perch:".count).components(separatedBy: ":faq/").first)
                let trace = try #require(try await harness.trace(key))
                sequences.append(try #require(trace.sequence))
            }
            #expect(sequences.count == 100)
            #expect(Set(sequences).count == 100)
            #expect(sequences == sequences.sorted(), "replies reached Bird out of arrival order: \(sequences)")
        }
    }

    @Test func otherConversationsProgressWhileOneIsStuck() async throws {
        let clock = TestClock()
        let harness = try await Harness.start(clock: clock)
        try await harness.run { harness in
            // Conversation A's reply hangs at Bird; A's lane is blocked on it.
            harness.bird.inject(.hang)
            #expect(
                try await harness.deliverBird(
                    BirdPayload.contactMessage(conversation: "c-stuck", message: "m-a1", text: "hours", at: clock.iso))
                    == 200)
            _ = try await harness.bird.waitForRequests(count: 1)
            #expect(
                try await harness.deliverBird(
                    BirdPayload.contactMessage(conversation: "c-stuck", message: "m-a2", text: "hours", at: clock.iso))
                    == 200)

            // 99 other conversations, all at once, all answered while A is still stuck.
            try await withThrowingDiscardingTaskGroup { group in
                for index in 0..<99 {
                    group.addTask {
                        _ = try await harness.deliverBird(
                            BirdPayload.contactMessage(
                                conversation: "c-free-\(index)", message: "m-b\(index)", text: "hours", at: clock.iso))
                    }
                }
            }
            let requests = try await harness.bird.waitForRequests(count: 100)
            #expect(Set(requests.dropFirst().map(\.path)).count == 99)
            #expect(!requests.contains { $0.reference?.contains("m-a2") == true })
            #expect(try await harness.trace("bird:message:m-a1") == nil)
            await harness.bird.shutdown()  // lets A's request end, so the drain can finish
        }
    }

    @Test func fullQueueAnswers503WithRetryAfter() async throws {
        let clock = TestClock()
        let harness = try await Harness.start(clock: clock) { $0.runtime.queueLimit = 2 }
        try await harness.run { harness in
            harness.bird.inject(.hang)
            func post(_ id: String) async throws -> (Int, String?) {
                let response = try await harness.post(
                    "/webhooks/messagebird",
                    json: LegacyPayload.message(conversation: "lc-full", message: id, text: "hours", at: clock.iso))
                return (response.status, response.header("Retry-After"))
            }
            #expect(try await post("lm-1").0 == 200)
            _ = try await harness.bird.waitForRequests(count: 1)
            #expect(try await post("lm-2").0 == 200)
            let (status, retryAfter) = try await post("lm-3")
            #expect(status == 503)
            #expect(retryAfter == "5")
            await harness.bird.shutdown()
        }
    }
}
