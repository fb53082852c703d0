import Curl
import Foundation
import Logging
import PerchBird
import PerchEvents
import PerchFlows
import PerchRuntime
import PerchStore
import PerchTesting
import Synchronization
import Testing

/// A memory store whose `recordDone` or conversation reads fail a chosen number of times: the store
/// failure that comes between two actions of one rule, or a store that is down for a while.
final class FlakyStore: Store {
    let inner = MemoryStore()
    let failingRecords = Mutex(0)
    let failingReads = Mutex(0)

    private func failReadIfAsked() throws(StoreError) {
        let fail = failingReads.withLock { count in
            guard count > 0 else { return false }
            count -= 1
            return true
        }
        if fail { throw StoreError(.busy, "the store is down (test)") }
    }

    func enqueue(_ entry: InboxEntry) async throws(StoreError) -> EnqueueResult { try await inner.enqueue(entry) }
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
        let fail = failingRecords.withLock { count in
            guard count > 0 else { return false }
            count -= 1
            return true
        }
        if fail { throw StoreError(.busy, "the store is busy (test)") }
        try await inner.recordDone(reference: reference, at: at)
    }
    func addToOutbox(_ item: OutboxItem) async throws(StoreError) -> Int64 { try await inner.addToOutbox(item) }
    func outbox(limit: Int) async throws(StoreError) -> [OutboxItem] { try await inner.outbox(limit: limit) }
    func removeFromOutbox(id: Int64) async throws(StoreError) { try await inner.removeFromOutbox(id: id) }
    func saveTrace(eventKey: String, trace: String, at: Date) async throws(StoreError) {
        try await inner.saveTrace(eventKey: eventKey, trace: trace, at: at)
    }
    func trace(eventKey: String) async throws(StoreError) -> String? { try await inner.trace(eventKey: eventKey) }
    func finish(
        sequence: Int64?, conversationKey: String, record: ConversationRecord?, eventKey: String, trace: String,
        doneReferences: [String], at: Date
    ) async throws(StoreError) {
        try await inner.finish(
            sequence: sequence, conversationKey: conversationKey, record: record, eventKey: eventKey, trace: trace,
            doneReferences: doneReferences, at: at)
    }
    func prune(now: Date, policy: RetentionPolicy) async throws(StoreError) -> PruneReport {
        try await inner.prune(now: now, policy: policy)
    }
    func check() async -> StoreError? {
        failingReads.withLock { $0 } > 0 ? StoreError(.busy, "the store is down (test)") : await inner.check()
    }
    func close() async { await inner.close() }
}

/// An event tried again after a store failure skips the actions it already did, but their effect on
/// the conversation is applied again: the hand-off stays active, so the bot does not talk over the agent.
@Test func aRetriedEventKeepsTheHandoffItAlreadyDid() async throws {
    let flows = try FlowSet.load(
        sources: [
            FlowSource(
                path: "inline.yaml",
                text: """
                    flow: desk
                    rules:
                      - id: human
                        when: { keywords: [agent] }
                        do:
                          - handoff: { team: support }
                          - set_state: { name: waiting }
                      - id: fallback
                        when: { otherwise: true }
                        reply: "bot here"
                    """)
        ])
    let store = FlakyStore()
    // The reference of the hand-off is recorded before `set_state` runs; that write fails once.
    store.failingRecords.withLock { $0 = 1 }
    let http = HTTPClient()
    let bird = BirdClient(configuration: BirdConfiguration(), http: http, logger: Logger(label: "test"))
    let runtime = Runtime(
        configuration: RuntimeConfiguration(workspaceID: "ws", flowID: "flow"), flows: FlowLibrary(flows),
        store: store, bird: bird, http: http, redecode: { _ in throw CancellationError() },
        logger: Logger(label: "test"))
    func message(_ id: String, _ text: String) -> Delivery {
        Delivery(
            event: Event(
                kind: .message, generation: .messagebird, name: "message.created", key: "messagebird:\(id)",
                messageID: id, conversationID: "c-desk", direction: .incoming, content: MessageContent(text: text),
                occurredAt: Date()),
            source: "messagebird", payload: [])
    }
    await withDiscardingTaskGroup { group in
        group.addTask { await runtime.run() }
        #expect(await runtime.ingest(message("m1", "agent please")) == .accepted)
        await runtime.dispatcher.waitUntilIdle()
        #expect(await runtime.ingest(message("m2", "hello?")) == .accepted)
        await runtime.dispatcher.waitUntilIdle()
        await runtime.finish()
    }
    #expect(store.failingRecords.withLock { $0 } == 0, "the store failure did not happen")
    let record = try await store.conversation("c-desk")
    #expect(record?.handoffActive == true)
    #expect(record?.handoffTeam == "support")
    #expect(record?.state == "waiting")
    #expect(bird.sandboxCalls.filter { $0.method == "POST" }.isEmpty, "\(bird.sandboxCalls)")
    await http.shutdown()
}

/// An acknowledged event whose processing gave up because the store was down runs again once the store
/// works, without a restart: the runtime's sweep queues it again.
@Test func anEventAbandonedWhileTheStoreWasDownRunsOnceItWorks() async throws {
    let flows = try FlowSet.load(
        sources: [
            FlowSource(
                path: "inline.yaml",
                text: "flow: echo\nrules:\n  - id: say\n    when: { otherwise: true }\n    reply: \"hello\"\n")
        ])
    let fake = FakeBirdAPI()
    try fake.start()
    let store = FlakyStore()
    // Down for every attempt of the event, and for the first sweep's check.
    store.failingReads.withLock { $0 = 1000 }
    let http = HTTPClient()
    let bird = BirdClient(
        configuration: BirdConfiguration(birdAPIURL: fake.birdURL, birdAccessKey: "test-key", workspaceID: "ws"),
        http: http, logger: Logger(label: "test"))
    var configuration = RuntimeConfiguration(workspaceID: "ws", flowID: "flow")
    configuration.storeSweepInterval = .milliseconds(50)
    let runtime = Runtime(
        configuration: configuration, flows: FlowLibrary(flows), store: store, bird: bird, http: http,
        redecode: { _ in throw CancellationError() }, logger: Logger(label: "test"))
    try await withThrowingDiscardingTaskGroup { group in
        group.addTask { await runtime.run() }
        let event = Event(
            kind: .message, generation: .bird, name: "conversation.updated", key: "bird:down", messageID: "down",
            conversationID: "c-down", direction: .incoming, content: MessageContent(text: "hi"), occurredAt: Date())
        #expect(await runtime.ingest(Delivery(event: event, source: "bird", payload: [])) == .accepted)
        await runtime.dispatcher.waitUntilIdle()
        #expect(try await store.unfinished(limit: 10).count == 1)
        #expect(fake.requests.isEmpty)
        store.failingReads.withLock { $0 = 0 }
        // Run as a recovered event: Perch asks Bird for the reply's reference (GET), then sends it.
        let requests = try await fake.waitForRequests(count: 2, timeout: .seconds(20))
        #expect(requests.filter { $0.method == "POST" }.count == 1, "\(requests)")
        await runtime.dispatcher.waitUntilIdle()
        await runtime.finish()
    }
    #expect(try await store.unfinished(limit: 10).isEmpty)
    await http.shutdown()
    await fake.shutdown()
}
