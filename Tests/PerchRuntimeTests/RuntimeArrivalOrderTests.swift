import Curl
import Foundation
import Logging
import PerchBird
import PerchEvents
import PerchFlows
import PerchRuntime
import PerchStore
import Synchronization
import Testing

/// A store whose enqueue of one chosen key returns only when the test says so, after its sequence
/// was assigned: the race of two webhooks of one conversation, made to happen every time.
final class GatedStore: Store {
    let inner = MemoryStore()
    let heldKey: String
    /// Conversation reads that fail before the store answers again (a busy or broken store).
    let failingReads = Mutex(0)
    let failingFinishes = Mutex(0)
    private let gate: AsyncStream<Void>
    private let opener: AsyncStream<Void>.Continuation
    /// Yields once the held entry has its sequence.
    let held: AsyncStream<Void>
    private let holding: AsyncStream<Void>.Continuation

    init(holding key: String) {
        heldKey = key
        (gate, opener) = AsyncStream.makeStream(of: Void.self)
        (held, holding) = AsyncStream.makeStream(of: Void.self)
    }

    func open() { opener.yield() }

    func enqueue(_ entry: InboxEntry) async throws(StoreError) -> EnqueueResult {
        let result = try await inner.enqueue(entry)
        if entry.key == heldKey {
            holding.yield()
            for await _ in gate { break }
        }
        return result
    }
    func markDone(sequence: Int64) async throws(StoreError) { try await inner.markDone(sequence: sequence) }
    func unfinished(limit: Int) async throws(StoreError) -> [InboxEntry] { try await inner.unfinished(limit: limit) }
    func unfinished(after sequence: Int64, limit: Int) async throws(StoreError) -> [InboxEntry] {
        try await inner.unfinished(after: sequence, limit: limit)
    }
    func oldestUnfinishedAge(now: Date) async throws(StoreError) -> Duration? {
        try await inner.oldestUnfinishedAge(now: now)
    }
    func conversation(_ id: String) async throws(StoreError) -> ConversationRecord? {
        try failReadIfAsked()
        return try await inner.conversation(id)
    }
    private func failReadIfAsked() throws(StoreError) {
        let fail = failingReads.withLock { count in
            defer { count = max(0, count - 1) }
            return count > 0
        }
        if fail { throw StoreError(.busy, "the store is busy (test)") }
    }
    func conversation(_ id: String, doneReferencesWithPrefix prefix: String) async throws(StoreError)
        -> (record: ConversationRecord?, doneReferences: Set<String>)
    {
        try failReadIfAsked()
        return try await inner.conversation(id, doneReferencesWithPrefix: prefix)
    }
    func saveConversation(_ id: String, _ record: ConversationRecord) async throws(StoreError) {
        try await inner.saveConversation(id, record)
    }
    func isDone(reference: String) async throws(StoreError) -> Bool { try await inner.isDone(reference: reference) }
    func recordDone(reference: String, at: Date) async throws(StoreError) {
        try await inner.recordDone(reference: reference, at: at)
    }
    func addToOutbox(_ item: OutboxItem) async throws(StoreError) -> Int64 { try await inner.addToOutbox(item) }
    func outbox(limit: Int) async throws(StoreError) -> [OutboxItem] { try await inner.outbox(limit: limit) }
    func removeFromOutbox(id: Int64) async throws(StoreError) { try await inner.removeFromOutbox(id: id) }
    func saveTrace(eventKey: String, trace: String, at: Date) async throws(StoreError) {
        try await inner.saveTrace(eventKey: eventKey, trace: trace, at: at)
    }
    func finish(
        sequence: Int64?, conversationKey: String, record: ConversationRecord?, eventKey: String, trace: String,
        doneReferences: [String], at: Date
    ) async throws(StoreError) {
        let fail = failingFinishes.withLock { count in
            defer { count = max(0, count - 1) }
            return count > 0
        }
        if fail { throw StoreError(.busy, "the store is busy (test)") }
        try await inner.finish(
            sequence: sequence, conversationKey: conversationKey, record: record, eventKey: eventKey, trace: trace,
            doneReferences: doneReferences, at: at)
    }
    func trace(eventKey: String) async throws(StoreError) -> String? { try await inner.trace(eventKey: eventKey) }
    func prune(now: Date, policy: RetentionPolicy) async throws(StoreError) -> PruneReport {
        try await inner.prune(now: now, policy: policy)
    }
    func check() async -> StoreError? { await inner.check() }
    func close() async { await inner.close() }
}

@Test func theEarlierArrivalRunsFirstEvenWhenItFinishesStoringLast() async throws {
    let flows = try FlowSet.load(
        sources: [
            FlowSource(
                path: "inline.yaml",
                text:
                    "flow: echo\nrules:\n  - id: say\n    when: { otherwise: true }\n    reply: \"{{ message.text }}\"\n"
            )
        ])
    let store = GatedStore(holding: "bird:first")
    let http = HTTPClient()
    let bird = BirdClient(configuration: BirdConfiguration(), http: http, logger: Logger(label: "test"))
    let runtime = Runtime(
        configuration: RuntimeConfiguration(workspaceID: "ws", flowID: "flow"), flows: FlowLibrary(flows),
        store: store, bird: bird, http: http, redecode: { _ in throw CancellationError() },
        logger: Logger(label: "test"))
    func delivery(_ key: String, _ text: String) -> Delivery {
        Delivery(
            event: Event(
                kind: .message, generation: .bird, name: "conversation.updated", key: key, messageID: key,
                conversationID: "c1", direction: .incoming, content: MessageContent(text: text)),
            source: "bird", payload: [])
    }
    await withDiscardingTaskGroup { group in
        group.addTask { await runtime.run() }
        // `first` gets sequence 1 but its enqueue returns late; `second` (sequence 2) is submitted first.
        group.addTask { #expect(await runtime.ingest(delivery("bird:first", "one")) == .accepted) }
        for await _ in store.held { break }
        #expect(await runtime.ingest(delivery("bird:second", "two")) == .accepted)
        store.open()
        await runtime.dispatcher.waitUntilIdle()
        await runtime.finish()
    }
    #expect(bird.sandboxCalls.compactMap { $0.body?["body"]?["text"]?["text"]?.stringValue } == ["one", "two"])
    await http.shutdown()
}

/// Runs one "hi" message (event key `bird:<id>`) through a runtime with an echo flow on `store`,
/// until the dispatcher is idle; returns how many replies reached Bird (the sandbox).
private func runOneEvent(id: String, on store: GatedStore) async throws -> Int {
    let flows = try FlowSet.load(
        sources: [
            FlowSource(
                path: "inline.yaml",
                text: "flow: echo\nrules:\n  - id: say\n    when: { otherwise: true }\n    reply: \"hello\"\n")
        ])
    let http = HTTPClient()
    let bird = BirdClient(configuration: BirdConfiguration(), http: http, logger: Logger(label: "test"))
    let runtime = Runtime(
        configuration: RuntimeConfiguration(workspaceID: "ws", flowID: "flow"), flows: FlowLibrary(flows),
        store: store, bird: bird, http: http, redecode: { _ in throw CancellationError() },
        logger: Logger(label: "test"))
    await withDiscardingTaskGroup { group in
        group.addTask { await runtime.run() }
        let event = Event(
            kind: .message, generation: .bird, name: "conversation.updated", key: "bird:\(id)", messageID: id,
            conversationID: "c1", direction: .incoming, content: MessageContent(text: "hi"))
        #expect(await runtime.ingest(Delivery(event: event, source: "bird", payload: [])) == .accepted)
        await runtime.dispatcher.waitUntilIdle()
        await runtime.finish()
    }
    await http.shutdown()
    return bird.sandboxCalls.filter { $0.method == "POST" }.count
}

/// A finishing write that fails is tried again: the event ends done, with its reply's reference
/// recorded, so a restart would neither run it again nor repeat the reply.
@Test func aFailingFinishIsTriedAgain() async throws {
    let store = GatedStore(holding: "nothing-held")
    store.failingFinishes.withLock { $0 = 2 }
    #expect(try await runOneEvent(id: "finish", on: store) == 1)
    #expect(try await store.unfinished(limit: 10).isEmpty)
    #expect(try await store.isDone(reference: "perch:bird:finish:echo/say:0"))
}

/// A store that fails while an event runs must not cost the event: it is tried again, and when the
/// store keeps failing it stays unfinished in the inbox (never marked done without its actions).
@Test(arguments: [(failures: 2, replies: 1, unfinished: 0), (failures: 100, replies: 0, unfinished: 1)])
func aFailingStoreNeverDropsAnAcknowledgedEvent(failures: Int, replies: Int, unfinished: Int) async throws {
    let store = GatedStore(holding: "nothing-held")
    store.failingReads.withLock { $0 = failures }
    #expect(try await runOneEvent(id: "busy", on: store) == replies)
    #expect(try await store.unfinished(limit: 10).count == unfinished)
}
