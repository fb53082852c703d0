import Foundation

/// A ``Store`` in memory with the same semantics as ``SQLiteStore``; for tests and for trying Perch out.
/// Nothing survives the process.
public actor MemoryStore: Store {
    private struct InboxRow {
        var entry: InboxEntry
        var done: Bool
    }

    private var nextSequence: Int64 = 1
    private var inbox: [Int64: InboxRow] = [:]
    private var dedupeKeys: [String: Date] = [:]
    private var conversations: [String: ConversationRecord] = [:]
    private var doneReferences: [String: Date] = [:]
    private var nextOutboxID: Int64 = 1
    private var outboxItems: [Int64: OutboxItem] = [:]
    private var traces: [String: (trace: String, at: Date)] = [:]
    private var isClosed = false

    /// Creates an empty store.
    public init() {}

    private func ensureOpen() throws(StoreError) {
        if isClosed { throw StoreError(.closed, "the in-memory store is closed") }
    }

    public func enqueue(_ entry: InboxEntry) throws(StoreError) -> EnqueueResult {
        try ensureOpen()
        if dedupeKeys[entry.key] != nil { return .duplicate }
        let sequence = nextSequence
        nextSequence += 1
        var kept = entry
        kept.sequence = sequence
        inbox[sequence] = InboxRow(entry: kept, done: false)
        dedupeKeys[entry.key] = entry.receivedAt
        let prefix = DoneReference.prefix(ofEvent: entry.key)
        return .accepted(sequence: sequence, actionsDoneBefore: doneReferences.keys.contains { $0.hasPrefix(prefix) })
    }

    public func markDone(sequence: Int64) throws(StoreError) {
        try ensureOpen()
        inbox[sequence]?.done = true
    }

    public func unfinished(limit: Int) throws(StoreError) -> [InboxEntry] {
        try unfinished(after: 0, limit: limit)
    }

    public func unfinished(after sequence: Int64, limit: Int) throws(StoreError) -> [InboxEntry] {
        try ensureOpen()
        return inbox.values.filter { !$0.done && $0.entry.sequence! > sequence }.map(\.entry)
            .sorted { $0.sequence! < $1.sequence! }
            .prefix(max(0, limit)).map { $0 }
    }

    public func oldestUnfinishedAge(now: Date) throws(StoreError) -> Duration? {
        try ensureOpen()
        guard let oldest = oldestUnfinishedReceivedAt() else { return nil }
        return Duration(timeInterval: now.timeIntervalSince(oldest))
    }

    private func oldestUnfinishedReceivedAt() -> Date? {
        inbox.values.filter { !$0.done }.min { $0.entry.sequence! < $1.entry.sequence! }?.entry.receivedAt
    }

    public func conversation(_ id: String) throws(StoreError) -> ConversationRecord? {
        try ensureOpen()
        return conversations[id]
    }

    public func conversation(_ id: String, doneReferencesWithPrefix prefix: String) throws(StoreError)
        -> (record: ConversationRecord?, doneReferences: Set<String>)
    {
        try ensureOpen()
        return (conversations[id], Set(doneReferences.keys.filter { $0.hasPrefix(prefix) }))
    }

    public func saveConversation(_ id: String, _ record: ConversationRecord) throws(StoreError) {
        try ensureOpen()
        conversations[id] = record
    }

    public func isDone(reference: String) throws(StoreError) -> Bool {
        try ensureOpen()
        return doneReferences[reference] != nil
    }

    public func recordDone(reference: String, at: Date) throws(StoreError) {
        try ensureOpen()
        if doneReferences[reference] == nil { doneReferences[reference] = at }
    }

    public func addToOutbox(_ item: OutboxItem) throws(StoreError) -> Int64 {
        try ensureOpen()
        let id =
            outboxItems.values.first { $0.reference == item.reference }?.id
            ?? {
                defer { nextOutboxID += 1 }; return nextOutboxID
            }()
        var kept = item
        kept.id = id
        kept.firstFailedAt = outboxItems[id]?.firstFailedAt ?? item.firstFailedAt
        outboxItems[id] = kept
        return id
    }

    public func outbox(limit: Int) throws(StoreError) -> [OutboxItem] {
        try ensureOpen()
        return outboxItems.values.sorted { $0.id! < $1.id! }.prefix(max(0, limit)).map { $0 }
    }

    public func outboxSummary() throws(StoreError) -> OutboxSummary {
        try ensureOpen()
        return OutboxSummary(items: outboxItems.values)
    }

    public func removeFromOutbox(id: Int64) throws(StoreError) {
        try ensureOpen()
        outboxItems[id] = nil
    }

    public func saveTrace(eventKey: String, trace: String, at: Date) throws(StoreError) {
        try ensureOpen()
        traces[eventKey] = (trace, at)
    }

    public func finish(
        sequence: Int64?, conversationKey: String, record: ConversationRecord?, eventKey: String, trace: String,
        doneReferences references: [String], at: Date
    ) throws(StoreError) {
        try ensureOpen()
        if let record { conversations[conversationKey] = record }
        for reference in references where doneReferences[reference] == nil { doneReferences[reference] = at }
        traces[eventKey] = (trace, at)
        if let sequence { inbox[sequence]?.done = true }
    }

    public func trace(eventKey: String) throws(StoreError) -> String? {
        try ensureOpen()
        return traces[eventKey]?.trace
    }

    public func prune(now: Date, policy: RetentionPolicy) throws(StoreError) -> PruneReport {
        try ensureOpen()
        var report = PruneReport()

        let inboxCutoff = now.addingTimeInterval(-policy.finishedInboxAge.timeInterval)
        var finished = inbox.values.filter(\.done).map(\.entry).sorted { $0.sequence! > $1.sequence! }
        for (index, entry) in finished.enumerated()
        where entry.receivedAt < inboxCutoff || index >= policy.maxFinishedInboxEntries {
            inbox[entry.sequence!] = nil
            report.finishedInboxEntries += 1
        }
        finished.removeAll()

        let unfinishedKeys = Set(inbox.values.filter { !$0.done }.map(\.entry.key))
        let dedupeCutoff = now.addingTimeInterval(-policy.dedupeWindow.timeInterval)
        for (key, seenAt) in dedupeKeys where seenAt < dedupeCutoff && !unfinishedKeys.contains(key) {
            dedupeKeys[key] = nil
            report.dedupeKeys += 1
        }

        var referenceCutoff = now.addingTimeInterval(-policy.doneReferenceAge.timeInterval)
        if let oldest = oldestUnfinishedReceivedAt() { referenceCutoff = min(referenceCutoff, oldest) }
        for (reference, at) in doneReferences where at < referenceCutoff {
            doneReferences[reference] = nil
            report.doneReferences += 1
        }

        let traceCutoff = now.addingTimeInterval(-policy.traceAge.timeInterval)
        let newestFirst = traces.sorted { $0.value.at > $1.value.at }
        for (index, (key, value)) in newestFirst.enumerated()
        where value.at < traceCutoff || index >= policy.maxTraces {
            traces[key] = nil
            report.traces += 1
        }
        return report
    }

    public func check() -> StoreError? {
        isClosed ? StoreError(.closed, "the in-memory store is closed") : nil
    }

    public func close() {
        isClosed = true
    }
}
