import PerchBird
import PerchEvents
import PerchRuntime
import PerchTesting
import Testing

@Suite("A reply Bird refuses: a 4xx is final and explained, a lasting 5xx is kept in the outbox")
struct BirdFailureEndToEndTests {
    @Test func aClosedConversationsErrorIsNotRetriedAndReachesTheTrace() async throws {
        let harness = try await Harness.start()
        try await harness.run { harness in
            harness.bird.inject(
                .status(
                    422,
                    body: #"{"errors":[{"code":21,"description":"the conversation is archived","parameter":"id"}]}"#))
            let seed = SeedPayloads.messageCreated()
            let key = try WebhookDecoder.messageBird(Array(seed.utf8)).key
            #expect(try await harness.post("/webhooks/messagebird", json: seed).status == 200)
            _ = try await harness.bird.waitForRequests(count: 1)
            await harness.application.runtime.dispatcher.waitUntilIdle()

            #expect(harness.bird.requests.count == 1)
            let trace = try #require(try await harness.application.runtime.store.trace(eventKey: key))
            #expect(trace.contains("Bird answered 422 (code 21): the conversation is archived"))
        }
    }

    @Test func serverErrorsPastTheRetriesLandInTheOutbox() async throws {
        let harness = try await Harness.start { configuration in
            configuration.bird.retry = RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(5))
            // The outbox's own replays come later than this test looks.
            configuration.runtime.outbox = OutboxSchedule(minimumBackoff: .seconds(3600))
        }
        try await harness.run { harness in
            // The send, the look-up of its reference before the second attempt, the second attempt.
            harness.bird.inject(.serverError, .serverError, .serverError)
            #expect(try await harness.post("/webhooks/messagebird", json: SeedPayloads.messageCreated()).status == 200)
            _ = try await harness.bird.waitForRequests(count: 3)
            await harness.application.runtime.dispatcher.waitUntilIdle()

            #expect(harness.bird.requests.map(\.method) == ["POST", "GET", "POST"])
            let outbox = try await harness.application.runtime.store.outbox(limit: 10)
            #expect(outbox.count == 1)
            #expect(outbox.first?.lastError.contains("Bird answered 500") == true)
            #expect(outbox.first?.kind == "reply")
        }
    }
}
