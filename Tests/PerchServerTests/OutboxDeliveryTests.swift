import Foundation
import PerchBird
import PerchEvents
import PerchRuntime
import PerchStore
import PerchTesting
import Testing

/// Sends that fail or may have reached Bird, and the outbox that replays them by itself, over real HTTP.
@Suite("Outbox and retried sends")
struct OutboxDeliveryTests {
    static let conversation = "0e07df52-3a5b-47e0-a8cb-1cf1754df147"

    /// Texts of the messages Bird took (sent by Perch), in the order it took them.
    static func delivered(_ bird: FakeBirdAPI) -> [String] {
        bird.deliveredMessages.compactMap {
            $0["body"]?["text"]?["text"]?.stringValue ?? $0["content"]?["text"]?.stringValue
        }
    }

    /// Waits until Bird took `count` messages from Perch, or the deadline passes.
    static func waitForDelivered(_ bird: FakeBirdAPI, count: Int, within seconds: Double = 20) async throws {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while delivered(bird).count < count, ContinuousClock.now < deadline {
            // Each request to the fake wakes this up; the outbox's replays are such requests.
            let seen = bird.requests.count
            _ = try? await bird.waitForRequests(count: seen + 1, timeout: .seconds(1))
        }
    }

    /// Bird took the send but answered 502: the retry asks Bird for the reference first and does not
    /// send the message a second time.
    @Test func aSendRetriedAfterA5xxAsksBirdFirst() async throws {
        let clock = TestClock(Date())
        let harness = try await Harness.start(clock: clock) { configuration in
            configuration.bird.retry = RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(10))
        }
        try await harness.run { (harness: Harness) async throws in
            harness.bird.inject(.takeThenStatus(502))
            #expect(
                try await harness.deliverBird(
                    BirdPayload.contactMessage(
                        conversation: Self.conversation, message: "m-hours", text: "opening hours?", at: clock.iso))
                    == 200)
            await harness.settle()
            let requests = harness.bird.requests
            #expect(requests.filter { $0.method == "POST" }.count == 1, "\(requests)")
            #expect(requests.contains { $0.method == "GET" && $0.path.hasSuffix("/messages") })
            #expect(harness.bird.deliveredMessages.count == 1)
            #expect(try await harness.application.runtime.store.outbox(limit: 10).isEmpty)
        }
    }

    /// Bird answers 503 until the client gives up; the outbox sends the reply by itself once Bird
    /// recovers, and the customer's next reply waits behind it instead of overtaking it.
    @Test func theOutboxRetriesByItselfAndKeepsTheConversationInOrder() async throws {
        let clock = TestClock(Date())
        let harness = try await Harness.start(clock: clock) { configuration in
            configuration.bird.retry = RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(10))
            configuration.runtime.outbox = OutboxSchedule(
                minimumBackoff: .seconds(10), maximumBackoff: .seconds(10))
        }
        try await harness.run { (harness: Harness) async throws in
            // Bird is down for sends: the first reply goes to the outbox, due 10 s later (test clock).
            harness.bird.outage(for: .seconds(3600))
            #expect(
                try await harness.deliverBird(
                    BirdPayload.contactMessage(
                        conversation: Self.conversation, message: "m-1", text: "opening hours?", at: clock.iso))
                    == 200)
            await harness.settle()
            // Bird works again, but the first reply still waits in the outbox (not due yet): the second
            // must not overtake it.
            harness.bird.outage(for: .zero)
            #expect(
                try await harness.deliverBird(
                    BirdPayload.contactMessage(
                        conversation: Self.conversation, message: "m-2", text: "what about the price", at: clock.iso))
                    == 200)
            await harness.settle()
            #expect(harness.bird.deliveredMessages.isEmpty)
            #expect(try await harness.application.runtime.store.outbox(limit: 10).count == 2)
            clock.advance(by: 11)
            try await Self.waitForDelivered(harness.bird, count: 2)
            let texts = Self.delivered(harness.bird)
            #expect(texts.count == 2, "\(harness.bird.requests)")
            #expect(texts.first?.hasPrefix("We are open") == true, "\(texts)")
        }
    }

    /// An item whose time ran out is parked with the reason and not sent.
    @Test func anExpiredItemIsParkedWithTheReason() async throws {
        let clock = TestClock(Date())
        let harness = try await Harness.start(clock: clock) { configuration in
            configuration.bird.retry = RetryPolicy(maxAttempts: 1)
            configuration.runtime.outbox = OutboxSchedule(retryFor: .zero, minimumBackoff: .milliseconds(10))
        }
        try await harness.run { (harness: Harness) async throws in
            harness.bird.inject(.status(503))
            #expect(
                try await harness.deliverBird(
                    BirdPayload.contactMessage(
                        conversation: Self.conversation, message: "m-1", text: "opening hours?", at: clock.iso))
                    == 200)
            await harness.settle()
            await harness.application.runtime.replayOutbox()
            let items = try await harness.application.runtime.store.outbox(limit: 10)
            #expect(items.count == 1)
            #expect(items.first?.parked?.contains("PERCH_OUTBOX_RETRY_FOR") == true, "\(items)")
            #expect(harness.bird.deliveredMessages.isEmpty)
        }
    }
}
