import Curl
import Foundation
import Logging
import PerchBird
import PerchEvents
import PerchRuntime
import PerchStore
import PerchTesting
import Testing

@Suite("perch outbox retry")
struct OutboxReplayTests {
    static func with(_ body: (FakeBirdAPI, BirdClient) async throws -> Void) async throws {
        let fake = FakeBirdAPI()
        try fake.start()
        let http = HTTPClient()
        var configuration = BirdConfiguration(
            birdAPIURL: fake.birdURL, messageBirdAPIURL: fake.messageBirdURL, birdAccessKey: "key",
            workspaceID: "ws", flowID: "flow-1")
        configuration.retry = RetryPolicy(maxAttempts: 2)
        let client = BirdClient(
            configuration: configuration, http: http, logger: Logger(label: "test"), clock: VirtualClock())
        do {
            try await body(fake, client)
        } catch {
            await http.shutdown()
            await fake.shutdown()
            throw error
        }
        await http.shutdown()
        await fake.shutdown()
    }

    static func failedReply(_ store: any Store) async throws -> Int64 {
        let request = BirdRequest.sendText(
            OutgoingText(text: "We open at 9"), conversationID: "c-1", generation: .bird, workspaceID: "ws",
            flowID: "flow-1", reference: "perch:evt-1:faq.hours:0")
        return try await store.addToOutbox(
            OutboxItem(
                reference: "perch:evt-1:faq.hours:0", eventKey: "evt-1", conversationID: "c-1", kind: "reply",
                request: BirdRequestRecord(request).json(), lastError: "Bird answered 503", attempts: 5,
                failedAt: Date()))
    }

    @Test func aSuccessfulRetrySendsTheSameReferenceAndEmptiesTheItem() async throws {
        try await Self.with { fake, client in
            let store = MemoryStore()
            let id = try await Self.failedReply(store)
            let outcome = try await OutboxReplay(store: store, client: client).retry(id: id)
            guard case .sent(let status) = outcome else {
                Issue.record("expected the retry to be sent, got \(outcome)")
                return
            }
            #expect(status == 201)
            #expect(fake.deliveredMessages.map { $0["reference"] } == [.string("perch:evt-1:faq.hours:0")])
            #expect(try await store.outbox(limit: 10).isEmpty)
            #expect(try await store.isDone(reference: "perch:evt-1:faq.hours:0"))
        }
    }

    @Test func aFailedRetryKeepsTheItemWithItsNewError() async throws {
        try await Self.with { fake, client in
            let store = MemoryStore()
            let id = try await Self.failedReply(store)
            // The look-up of the reference (the item failed before) and the send.
            fake.inject(.closedConversation, .closedConversation)
            let outcome = try await OutboxReplay(store: store, client: client).retry(id: id)
            guard case .failed(let item) = outcome else {
                Issue.record("expected the retry to fail, got \(outcome)")
                return
            }
            #expect(item.id == id)
            #expect(item.attempts == 6)
            #expect(item.lastError.contains("the conversation is closed"))
            let kept = try await store.outbox(limit: 10)
            #expect(kept.count == 1)
            #expect(kept.first?.attempts == 6)
            #expect(try await !store.isDone(reference: "perch:evt-1:faq.hours:0"))
        }
    }

    @Test func unknownItemsAreReported() async throws {
        try await Self.with { _, client in
            await #expect(throws: OutboxError.self) {
                try await OutboxReplay(store: MemoryStore(), client: client).retry(id: 42)
            }
        }
    }
}
