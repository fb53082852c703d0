import PerchEvents
import PerchTesting
import Testing

@Suite("A reply Bird refuses: not retried, explained, kept in the outbox")
struct BirdFailureEndToEndTests {
    @Test func aClosedConversationsErrorReachesTheTraceAndTheOutbox() async throws {
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

            // One attempt only: a 422 is final.
            #expect(harness.bird.requests.count == 1)
            let store = harness.application.runtime.store
            let trace = try #require(try await store.trace(eventKey: key))
            #expect(trace.contains("the conversation is archived"))
            let outbox = try await store.outbox(limit: 10)
            #expect(outbox.count == 1)
            #expect(outbox.first?.lastError.contains("Bird answered 422 (code 21)") == true)
        }
    }
}
