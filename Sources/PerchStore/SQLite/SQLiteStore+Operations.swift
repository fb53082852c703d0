import Foundation
import GRDB

// The Store operations as SQL. Each runs as one write of a group commit or as one read.
extension SQLiteStore {
    public func enqueue(_ entry: InboxEntry) async throws(StoreError) -> EnqueueResult {
        let metadata = try Self.encodeMetadata(entry.metadata, path: path)
        let conversation = entry.conversationKey
        // Whether the conversation has a record yet, read here on the writer (no hop to a reader)
        // and cached on the writer right after the commit, before any later write of it can commit.
        // Not asked when the cache knows the conversation already (the usual case).
        let cached = records.withLock { $0.lookup(conversation) != nil }
        return try await write({ db -> (EnqueueResult, known: Bool, epoch: UInt64) in
            let epoch = self.records.withLock { $0.epoch }
            let receivedAt = entry.receivedAt.timeIntervalSinceReferenceDate
            try db.cachedStatement(
                sql: "INSERT INTO dedupe_keys (key, seen_at) VALUES (?, ?) ON CONFLICT(key) DO NOTHING"
            ).execute(arguments: [entry.key, receivedAt])
            guard db.changesCount == 1 else { return (EnqueueResult.duplicate, true, epoch) }
            // A key accepted again after its dedupe entry was pruned may have actions done already
            // (done references are kept longer): say so, so only such events pay for reading them.
            let prefix = DoneReference.prefix(ofEvent: entry.key)
            let doneBefore = try Bool.fetchOne(
                db.cachedStatement(
                    sql: "SELECT EXISTS (SELECT 1 FROM done_references WHERE reference >= ? AND reference < ?)"),
                arguments: [prefix, prefix + "\u{10FFFF}"]) ?? false
            try db.cachedStatement(
                sql: """
                    INSERT INTO inbox (key, conversation_key, source, payload, metadata, received_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                entry.key, entry.conversationKey, entry.source, Data(entry.payload), metadata, receivedAt,
            ])
            let known =
                try cached
                || Bool.fetchOne(
                    db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM conversations WHERE id = ?)"),
                    arguments: [conversation]) ?? false
            return (.accepted(sequence: db.lastInsertedRowID, actionsDoneBefore: doneBefore), known, epoch)
        }, committed: { result in
            if !result.known {
                self.records.withLock { $0.fill(conversation, .absent, ifUnchangedSince: result.epoch) }
            }
        }).0
    }

    public func markDone(sequence: Int64) async throws(StoreError) {
        try await write { db in try Self.markDone(sequence, in: db) }
    }

    public func unfinished(limit: Int) async throws(StoreError) -> [InboxEntry] {
        try await unfinished(after: 0, limit: limit)
    }

    public func unfinished(after sequence: Int64, limit: Int) async throws(StoreError) -> [InboxEntry] {
        let path = self.path
        return try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT sequence, key, conversation_key, source, payload, metadata, received_at
                    FROM inbox WHERE done_at IS NULL AND sequence > ? ORDER BY sequence LIMIT ?
                    """,
                arguments: [sequence, max(0, limit)]
            ).map { row in
                InboxEntry(
                    sequence: row["sequence"],
                    key: row["key"],
                    conversationKey: row["conversation_key"],
                    source: row["source"],
                    payload: [UInt8](row["payload"] as Data? ?? Data()),
                    metadata: try Self.decodeMetadata(row["metadata"], path: path),
                    receivedAt: Date(timeIntervalSinceReferenceDate: row["received_at"]))
            }
        }
    }

    public func oldestUnfinishedAge(now: Date) async throws(StoreError) -> Duration? {
        let oldest = try await read { db in
            try Double.fetchOne(
                db, sql: "SELECT received_at FROM inbox WHERE done_at IS NULL ORDER BY sequence LIMIT 1")
        }
        guard let oldest else { return nil }
        return Duration(timeInterval: now.timeIntervalSinceReferenceDate - oldest)
    }

    public func conversation(_ id: String) async throws(StoreError) -> ConversationRecord? {
        if let cached = records.withLock({ $0.lookup(id) }) { return cached.record }
        let epoch = records.withLock { $0.epoch }
        let json = try await read { db in
            try String.fetchOne(db, sql: "SELECT record FROM conversations WHERE id = ?", arguments: [id])
        }
        return try remember(decodeRecord(json, id: id), id: id, readAt: epoch)
    }

    public func conversation(_ id: String, doneReferencesWithPrefix prefix: String) async throws(StoreError)
        -> (record: ConversationRecord?, doneReferences: Set<String>)
    {
        let epoch = records.withLock { $0.epoch }
        let (json, references) = try await read { db in
            let json = try String.fetchOne(
                db, sql: "SELECT record FROM conversations WHERE id = ?", arguments: [id])
            // A range on the primary key: every reference that starts with `prefix` (none holds U+10FFFF).
            let references = try String.fetchSet(
                db, sql: "SELECT reference FROM done_references WHERE reference >= ? AND reference < ?",
                arguments: [prefix, prefix + "\u{10FFFF}"])
            return (json, references)
        }
        return (try remember(decodeRecord(json, id: id), id: id, readAt: epoch), references)
    }

    /// Keeps a record read from the file in the cache (unless a write made it stale meanwhile).
    private func remember(_ record: ConversationRecord?, id: String, readAt epoch: UInt64) -> ConversationRecord? {
        if let record { records.withLock { $0.fill(id, .record(record), ifUnchangedSince: epoch) } }
        return record
    }

    /// Runs a write that replaces `id`'s record, keeping the cache in step with what was committed.
    private func writeRecord(_ id: String, _ record: ConversationRecord, _ operation: @escaping @Sendable (Database) throws -> Void)
        async throws(StoreError)
    {
        do {
            // Cached on the writer right after the commit: in commit order, and before the caller
            // (or anyone) can read the conversation again.
            try await write(operation, committed: { _ in self.records.withLock { $0.stored(id, record) } })
        } catch {
            records.withLock { $0.forget(id) }
            throw error
        }
    }

    private func decodeRecord(_ json: String?, id: String) throws(StoreError) -> ConversationRecord? {
        guard let json else { return nil }
        do {
            return try ConversationRecord(storedJSON: json)
        } catch {
            throw StoreError(
                .corrupt, "the store at \(path) holds an unreadable record of conversation \(id): \(error)")
        }
    }

    public func saveConversation(_ id: String, _ record: ConversationRecord) async throws(StoreError) {
        let json = record.storedJSON()
        try await writeRecord(id, record) { db in try Self.upsertConversation(id, json: json, in: db) }
    }

    public func isDone(reference: String) async throws(StoreError) -> Bool {
        try await read { db in
            try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM done_references WHERE reference = ?)", arguments: [reference])
                ?? false
        }
    }

    public func recordDone(reference: String, at: Date) async throws(StoreError) {
        try await write { db in try Self.insertDone(reference, at: at, in: db) }
    }

    public func addToOutbox(_ item: OutboxItem) async throws(StoreError) -> Int64 {
        try await write { db in
            // Upsert keeps the id of an earlier item for the same reference.
            try Int64.fetchOne(
                db,
                sql: """
                    INSERT INTO outbox (reference, event_key, conversation_id, kind, request, last_error, attempts,
                        failed_at, first_failed_at, parked)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(reference) DO UPDATE SET
                        event_key = excluded.event_key, conversation_id = excluded.conversation_id,
                        kind = excluded.kind, request = excluded.request, last_error = excluded.last_error,
                        attempts = excluded.attempts, failed_at = excluded.failed_at,
                        first_failed_at = coalesce(outbox.first_failed_at, excluded.first_failed_at),
                        parked = excluded.parked
                    RETURNING id
                    """,
                arguments: [
                    item.reference, item.eventKey, item.conversationID, item.kind, item.request, item.lastError,
                    item.attempts, item.failedAt.timeIntervalSinceReferenceDate,
                    item.firstFailedAt?.timeIntervalSinceReferenceDate, item.parked,
                ])!
        }
    }

    public func outbox(limit: Int) async throws(StoreError) -> [OutboxItem] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM outbox ORDER BY id LIMIT ?", arguments: [max(0, limit)]).map {
                row in
                OutboxItem(
                    id: row["id"],
                    reference: row["reference"],
                    eventKey: row["event_key"],
                    conversationID: row["conversation_id"],
                    kind: row["kind"],
                    request: row["request"],
                    lastError: row["last_error"],
                    attempts: row["attempts"],
                    failedAt: Date(timeIntervalSinceReferenceDate: row["failed_at"]),
                    firstFailedAt: (row["first_failed_at"] as Double?).map(Date.init(timeIntervalSinceReferenceDate:)),
                    parked: row["parked"])
            }
        }
    }

    public func outboxSummary() async throws(StoreError) -> OutboxSummary {
        try await read { db in
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT COUNT(*) AS count, COUNT(parked) AS parked,
                           MIN(CASE WHEN parked IS NULL THEN coalesce(first_failed_at, failed_at) END) AS oldest
                    FROM outbox
                    """)
            return OutboxSummary(
                count: row?["count"] ?? 0, parked: row?["parked"] ?? 0,
                oldestRetriedSince: (row?["oldest"] as Double?).map(Date.init(timeIntervalSinceReferenceDate:)))
        }
    }

    public func removeFromOutbox(id: Int64) async throws(StoreError) {
        try await write { db in
            try db.execute(sql: "DELETE FROM outbox WHERE id = ?", arguments: [id])
        }
    }

    public func saveTrace(eventKey: String, trace: String, at: Date) async throws(StoreError) {
        try await write { db in try Self.upsertTrace(eventKey, trace: trace, at: at, in: db) }
    }

    public func finish(
        sequence: Int64?, conversationKey: String, record: ConversationRecord?, eventKey: String, trace: String,
        doneReferences: [String], at: Date
    ) async throws(StoreError) {
        let json = record?.storedJSON()
        let operation: @Sendable (Database) throws -> Void = { db in
            if let json { try Self.upsertConversation(conversationKey, json: json, in: db) }
            for reference in doneReferences { try Self.insertDone(reference, at: at, in: db) }
            try Self.upsertTrace(eventKey, trace: trace, at: at, in: db)
            if let sequence { try Self.markDone(sequence, in: db) }
        }
        if let record {
            try await writeRecord(conversationKey, record, operation)
        } else {
            try await write(operation)
        }
    }

    public func trace(eventKey: String) async throws(StoreError) -> String? {
        try await read { db in
            try String.fetchOne(db, sql: "SELECT trace FROM traces WHERE event_key = ?", arguments: [eventKey])
        }
    }

    public func prune(now: Date, policy: RetentionPolicy) async throws(StoreError) -> PruneReport {
        try await write { db in
            let now = now.timeIntervalSinceReferenceDate
            var report = PruneReport()
            try db.execute(
                sql: "DELETE FROM inbox WHERE done_at IS NOT NULL AND received_at < ?",
                arguments: [now - policy.finishedInboxAge.timeInterval])
            report.finishedInboxEntries = db.changesCount
            try db.execute(
                sql: """
                    DELETE FROM inbox WHERE done_at IS NOT NULL AND sequence NOT IN
                        (SELECT sequence FROM inbox WHERE done_at IS NOT NULL ORDER BY sequence DESC LIMIT ?)
                    """,
                arguments: [policy.maxFinishedInboxEntries])
            report.finishedInboxEntries += db.changesCount

            // A key whose event still waits for recovery stays, however old.
            try db.execute(
                sql: """
                    DELETE FROM dedupe_keys WHERE seen_at < ?
                        AND key NOT IN (SELECT key FROM inbox WHERE done_at IS NULL)
                    """,
                arguments: [now - policy.dedupeWindow.timeInterval])
            report.dedupeKeys = db.changesCount

            var referenceCutoff = now - policy.doneReferenceAge.timeInterval
            if let oldest = try Double.fetchOne(
                db, sql: "SELECT received_at FROM inbox WHERE done_at IS NULL ORDER BY sequence LIMIT 1")
            {
                referenceCutoff = min(referenceCutoff, oldest)
            }
            try db.execute(sql: "DELETE FROM done_references WHERE done_at < ?", arguments: [referenceCutoff])
            report.doneReferences = db.changesCount

            try db.execute(
                sql: "DELETE FROM traces WHERE saved_at < ?", arguments: [now - policy.traceAge.timeInterval])
            report.traces = db.changesCount
            try db.execute(
                sql: """
                    DELETE FROM traces WHERE event_key NOT IN
                        (SELECT event_key FROM traces ORDER BY saved_at DESC, rowid DESC LIMIT ?)
                    """,
                arguments: [policy.maxTraces])
            report.traces += db.changesCount
            return report
        }
    }

    private static func markDone(_ sequence: Int64, in db: Database) throws {
        try db.cachedStatement(sql: "UPDATE inbox SET done_at = ? WHERE sequence = ? AND done_at IS NULL")
            .execute(arguments: [Date().timeIntervalSinceReferenceDate, sequence])
    }

    private static func insertDone(_ reference: String, at: Date, in db: Database) throws {
        try db.cachedStatement(
            sql: "INSERT INTO done_references (reference, done_at) VALUES (?, ?) ON CONFLICT(reference) DO NOTHING"
        ).execute(arguments: [reference, at.timeIntervalSinceReferenceDate])
    }

    private static func upsertTrace(_ eventKey: String, trace: String, at: Date, in db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO traces (event_key, trace, saved_at) VALUES (?, ?, ?)
                ON CONFLICT(event_key) DO UPDATE SET trace = excluded.trace, saved_at = excluded.saved_at
                """
        ).execute(arguments: [eventKey, trace, at.timeIntervalSinceReferenceDate])
    }

    private static func upsertConversation(_ id: String, json: String, in db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO conversations (id, record, updated_at) VALUES (?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET record = excluded.record, updated_at = excluded.updated_at
                """
        ).execute(arguments: [id, json, Date().timeIntervalSinceReferenceDate])
    }

    private static func encodeMetadata(_ metadata: [String: String], path: String) throws(StoreError) -> String {
        if metadata.isEmpty { return "{}" }
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            return String(decoding: try encoder.encode(metadata), as: UTF8.self)
        } catch {
            throw StoreError(.other, "the metadata of an event cannot be encoded for the store at \(path): \(error)")
        }
    }

    private static func decodeMetadata(_ json: String, path: String) throws -> [String: String] {
        if json == "{}" { return [:] }
        do {
            return try JSONDecoder().decode([String: String].self, from: Data(json.utf8))
        } catch {
            throw StoreError(.corrupt, "the store at \(path) holds unreadable event metadata: \(error)")
        }
    }
}
