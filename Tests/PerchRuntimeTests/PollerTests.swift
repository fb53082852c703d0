import Curl
import Foundation
import Logging
import PerchBird
import PerchEvents
import PerchRuntime
import PerchStore
import PerchTesting
import Synchronization
import Testing

/// An event sink that does what the runtime's intake does (store with dedupe) and remembers what it took.
final class StoreSink: EventSink {
    let store: any Store
    private let taken = Mutex<[Delivery]>([])

    init(store: any Store) { self.store = store }

    var accepted: [Delivery] { taken.withLock { $0 } }

    func ingest(_ delivery: Delivery) async -> IngestOutcome {
        let entry = InboxEntry(
            sequence: nil, key: delivery.event.key, conversationKey: delivery.event.conversationID ?? "",
            source: delivery.source, payload: delivery.payload, metadata: delivery.metadata, receivedAt: Date())
        do {
            switch try await store.enqueue(entry) {
            case .duplicate: return .duplicate
            case .accepted:
                taken.withLock { $0.append(delivery) }
                return .accepted
            }
        } catch {
            return .unavailable(reason: "\(error)")
        }
    }
}

@Suite("Polling ingress against the fake Bird API")
struct PollerTests {
    struct Fixture {
        let fake: FakeBirdAPI
        let client: BirdClient
        let http: HTTPClient
        let directory: URL

        func poller(_ generation: Generation, store: any Store, sink: any EventSink, pageSize: Int = 2) -> Poller {
            Poller(
                configuration: PollerConfiguration(
                    interval: .seconds(1), generation: generation, workspaceID: generation == .bird ? "ws" : "",
                    pageSize: pageSize),
                client: client, sink: sink, store: store, logger: Logger(label: "test"))
        }

        func openStore() throws -> SQLiteStore {
            try SQLiteStore(path: directory.appendingPathComponent("perch.sqlite").path)
        }
    }

    static func with(_ body: (Fixture) async throws -> Void) async throws {
        let fake = FakeBirdAPI()
        try fake.start()
        let http = HTTPClient()
        var configuration = BirdConfiguration(
            birdAPIURL: fake.birdURL, messageBirdAPIURL: fake.messageBirdURL, birdAccessKey: "key",
            workspaceID: "ws", flowID: "flow-1")
        configuration.rateLimits = .unlimited
        let client = BirdClient(
            configuration: configuration, http: http, logger: Logger(label: "test"), clock: VirtualClock())
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("perch-poll-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let fixture = Fixture(fake: fake, client: client, http: http, directory: directory)
        do {
            try await body(fixture)
        } catch {
            await http.shutdown()
            await fake.shutdown()
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
        await http.shutdown()
        await fake.shutdown()
        try? FileManager.default.removeItem(at: directory)
    }

    @Test(arguments: [Generation.bird, .messagebird])
    func picksUpNewMessagesAcrossPages(generation: Generation) async throws {
        try await Self.with { fixture in
            // 3 conversations (2 pages of 2) and 5 messages in one of them (3 pages of 2).
            for index in 0..<5 {
                fixture.fake.addInboundMessage(
                    conversationID: "c-a", messageID: "a-\(index)", text: "question \(index)", generation: generation)
            }
            fixture.fake.addInboundMessage(
                conversationID: "c-b", messageID: "b-0", text: "hours?", generation: generation)
            fixture.fake.addInboundMessage(
                conversationID: "c-c", messageID: "c-0", text: "price?", generation: generation)
            let store = MemoryStore()
            let sink = StoreSink(store: store)
            let report = await fixture.poller(generation, store: store, sink: sink).pollOnce()
            #expect(report.problem == nil)
            #expect(report.conversationsListed == 3)
            #expect(report.accepted == 7)
            let events = sink.accepted.map(\.event)
            #expect(Set(events.compactMap(\.messageID)) == Set(["a-0", "a-1", "a-2", "a-3", "a-4", "b-0", "c-0"]))
            // Oldest first, with the customer's text and the webhook endpoint's source.
            #expect(events.filter { $0.conversationID == "c-a" }.compactMap(\.text) == (0..<5).map { "question \($0)" })
            #expect(sink.accepted.allSatisfy { $0.source == generation.rawValue })
            #expect(events.allSatisfy { $0.direction == .incoming || $0.sender?.type == "contact" })
            let messagePages = fixture.fake.requests.filter { $0.path.hasSuffix("/c-a/messages") }
            #expect(messagePages.count == 3)
        }
    }

    @Test(arguments: [Generation.bird, .messagebird])
    func skipsWhatPerchAndAgentsSent(generation: Generation) async throws {
        try await Self.with { fixture in
            fixture.fake.addInboundMessage(conversationID: "c-1", messageID: "in-1", text: "hi", generation: generation)
            _ = try await fixture.client.perform(
                .sendText(
                    OutgoingText(text: "hello!"), conversationID: "c-1", generation: generation, workspaceID: "ws",
                    flowID: "flow-1", reference: "perch:x:y:0"))
            let store = MemoryStore()
            let sink = StoreSink(store: store)
            let report = await fixture.poller(generation, store: store, sink: sink).pollOnce()
            #expect(report.accepted == 1)
            #expect(sink.accepted.map(\.event.messageID) == ["in-1"])
        }
    }

    @Test func doesNotProcessAMessageAgainAfterARestart() async throws {
        try await Self.with { fixture in
            fixture.fake.addInboundMessage(conversationID: "c-1", messageID: "m-1", text: "one", generation: .bird)
            var store = try fixture.openStore()
            var sink = StoreSink(store: store)
            #expect(await fixture.poller(.bird, store: store, sink: sink).pollOnce().accepted == 1)
            await store.close()

            // A new process: new store handle, new poller; one new message arrived meanwhile.
            fixture.fake.addInboundMessage(conversationID: "c-1", messageID: "m-2", text: "two", generation: .bird)
            store = try fixture.openStore()
            sink = StoreSink(store: store)
            let poller = fixture.poller(.bird, store: store, sink: sink)
            let report = await poller.pollOnce()
            #expect(report.accepted == 1)
            #expect(report.duplicates == 1)
            #expect(sink.accepted.map(\.event.messageID) == ["m-2"])
            // The cursor is kept in the store.
            #expect(try await store.conversation(poller.cursorKey)?.stateData["since"] != nil)
            #expect(await poller.pollOnce().accepted == 0)
            await store.close()
        }
    }

    @Test func quietConversationsStopCostingMessageReads() async throws {
        try await Self.with { fixture in
            fixture.fake.addInboundMessage(conversationID: "c-1", messageID: "m-1", text: "hi", generation: .bird)
            let store = MemoryStore()
            let sink = StoreSink(store: store)
            let clock = Mutex(Date())
            let poller = Poller(
                configuration: PollerConfiguration(generation: .bird, workspaceID: "ws"), client: fixture.client,
                sink: sink, store: store, now: { clock.withLock { $0 } }, logger: Logger(label: "test"))
            #expect(await poller.pollOnce().conversationsRead == 1)
            // An hour later: this poll still looks back to the last one, the next one no longer does.
            clock.withLock { $0 = $0.addingTimeInterval(3600) }
            #expect(await poller.pollOnce().conversationsRead == 1)
            let third = await poller.pollOnce()
            #expect(third.conversationsListed == 1)
            #expect(third.conversationsRead == 0)
            #expect(sink.accepted.count == 1)
        }
    }

    @Test func aMessageThatArrivedByWebhookIsNotProcessedAgain() async throws {
        try await Self.with { fixture in
            let message = fixture.fake.addInboundMessage(
                conversationID: "c-1", messageID: "m-1", text: "hours?", generation: .messagebird)
            let store = MemoryStore()
            let sink = StoreSink(store: store)
            // The webhook Bird sent for it, as the seeds show it.
            let webhook = JSONValue.object([
                "type": .string("message.created"),
                "conversation": .object([
                    "id": .string("c-1"), "contactId": .string("contact-1"), "status": .string("active"),
                ]),
                "message": message,
            ])
            let body = Array(webhook.serialized().utf8)
            let delivered = try WebhookDecoder.messageBird(body)
            #expect(await sink.ingest(Delivery(event: delivered, source: "messagebird", payload: body)) == .accepted)

            let report = await fixture.poller(.messagebird, store: store, sink: sink).pollOnce()
            #expect(report.messagesFound == 1)
            #expect(report.accepted == 0)
            #expect(report.duplicates == 1)
        }
    }

    @Test func birdPollKeyEqualsTheConversationUpdatedWebhookKey() async throws {
        try await Self.with { fixture in
            fixture.fake.addInboundMessage(
                conversationID: "c-7", messageID: "msg-7", text: "agent please", generation: .bird)
            let store = MemoryStore()
            let sink = StoreSink(store: store)
            #expect(await fixture.poller(.bird, store: store, sink: sink).pollOnce().accepted == 1)
            let polled = try #require(sink.accepted.first?.event)

            // The quickstart's webhook for the same customer message (reference 1d), written out by hand.
            let webhook = """
                {"service":"conversations","event":"conversation.updated","payload":{"id":"c-7","status":"active",
                "channelId":"channel-1","updatedAt":"2026-01-01T10:00:01.000Z",
                "featuredParticipants":[{"id":"contact-c-7","type":"contact","displayName":"Jane"}],
                "lastMessage":{"id":"msg-7","type":"text","preview":{"text":"agent please"},
                "sender":{"id":"contact-c-7","type":"contact"},"status":"delivered","createdAt":"2026-01-01T10:00:00.000Z"}}}
                """
            let delivered = try WebhookDecoder.bird(Array(webhook.utf8), requestID: "req-1")
            #expect(polled.key == delivered.key)
            #expect(polled.text == "agent please")
            #expect(polled.conversationID == "c-7")
            #expect(
                await sink.ingest(Delivery(event: delivered, source: "bird", payload: Array(webhook.utf8)))
                    == .duplicate)
        }
    }

    @Test func aPolledEventDecodesAgainFromItsStoredPayload() async throws {
        // Recovery after a crash decodes the stored payload with the webhook decoder of its source.
        try await Self.with { fixture in
            fixture.fake.addInboundMessage(
                conversationID: "c-1", messageID: "m-1", text: "hello", generation: .messagebird)
            let store = MemoryStore()
            let sink = StoreSink(store: store)
            _ = await fixture.poller(.messagebird, store: store, sink: sink).pollOnce()
            let delivery = try #require(sink.accepted.first)
            #expect(delivery.source == "messagebird")
            #expect(try WebhookDecoder.messageBird(delivery.payload).key == delivery.event.key)
        }
    }

    @Test func parsesIntervals() {
        #expect(PollerConfiguration.parseInterval("30s") == .seconds(30))
        #expect(PollerConfiguration.parseInterval("2m") == .seconds(120))
        #expect(PollerConfiguration.parseInterval("500ms") == .milliseconds(500))
        #expect(PollerConfiguration.parseInterval("15") == .seconds(15))
        #expect(PollerConfiguration.parseInterval("soon") == nil)
        #expect(PollerConfiguration.parseInterval("-5s") == nil)
    }
}
