import Foundation
import GRDB
import Testing

@testable import PerchStore

@Suite struct MigrationTests {
    /// The schema as Perch's first version wrote it, by hand, so that a change to the migrations
    /// in the source cannot quietly change what this test starts from.
    static let version1 = """
        CREATE TABLE schema_version (version INTEGER NOT NULL);
        INSERT INTO schema_version (version) VALUES (1);
        CREATE TABLE inbox (
            sequence INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL, conversation_key TEXT NOT NULL,
            source TEXT NOT NULL, payload BLOB NOT NULL, metadata TEXT NOT NULL, received_at REAL NOT NULL, done_at REAL);
        CREATE TABLE dedupe_keys (key TEXT PRIMARY KEY NOT NULL, seen_at REAL NOT NULL) WITHOUT ROWID;
        CREATE TABLE conversations (id TEXT PRIMARY KEY NOT NULL, record TEXT NOT NULL, updated_at REAL NOT NULL) WITHOUT ROWID;
        CREATE TABLE done_references (reference TEXT PRIMARY KEY NOT NULL, done_at REAL NOT NULL) WITHOUT ROWID;
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY AUTOINCREMENT, reference TEXT NOT NULL, event_key TEXT NOT NULL, conversation_id TEXT,
            kind TEXT NOT NULL, request TEXT NOT NULL, last_error TEXT NOT NULL, attempts INTEGER NOT NULL,
            failed_at REAL NOT NULL);
        CREATE TABLE traces (event_key TEXT PRIMARY KEY NOT NULL, trace TEXT NOT NULL, saved_at REAL NOT NULL);
        """

    @Test func aVersion1FileIsMigratedWithItsData() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("old.sqlite")
        let t = Sample.start.timeIntervalSinceReferenceDate
        do {
            let old = try DatabaseQueue(path: path)
            try await old.write { db in
                try db.execute(sql: Self.version1)
                try db.execute(
                    sql: """
                        INSERT INTO inbox (key, conversation_key, source, payload, metadata, received_at, done_at)
                            VALUES ('done', 'c1', 'bird', x'7b7d', '{}', ?, ?),
                                   ('waiting', 'c1', 'messagebird', x'7b2261223a317d', '{"request.id":"r7"}', ?, NULL);
                        INSERT INTO dedupe_keys VALUES ('done', ?), ('waiting', ?);
                        INSERT INTO conversations VALUES ('c1', '{"state":"asked","handoffActive":true}', ?);
                        INSERT INTO done_references VALUES ('done:reply:0', ?);
                        INSERT INTO outbox (reference, event_key, conversation_id, kind, request, last_error, attempts, failed_at)
                            VALUES ('r1', 'done', 'c1', 'reply', '{}', 'HTTP 500', 3, ?),
                                   ('r1', 'done', 'c1', 'reply', '{}', 'HTTP 502', 4, ?),
                                   ('r2', 'done', NULL, 'handoff', '{}', 'HTTP 422', 1, ?);
                        """,
                    arguments: [t, t + 1, t + 2, t, t + 2, t, t, t, t + 5, t])
            }
            try old.close()
        }

        let store = try SQLiteStore(path: path)
        let version = try await store.read { db in try Schema.version(db) }
        #expect(version == Schema.currentVersion)

        let waiting = try #require(try await store.unfinished(limit: 10).first)
        #expect(waiting.key == "waiting")
        #expect(waiting.payload == Array(#"{"a":1}"#.utf8))
        #expect(waiting.metadata == ["request.id": "r7"])
        #expect(waiting.receivedAt == Sample.start.addingTimeInterval(2))
        #expect(try await store.enqueue(Sample.entry("done")) == .duplicate)
        #expect(try await store.isDone(reference: "done:reply:0"))

        // A record written before later fields existed decodes with their defaults.
        let record = try #require(try await store.conversation("c1"))
        #expect(record == ConversationRecord(state: "asked", handoffActive: true))

        // Version 2 keeps one outbox item per reference: the newest of the duplicates.
        let outbox = try await store.outbox(limit: 10)
        #expect(outbox.map(\.reference) == ["r1", "r2"])
        #expect(outbox.first?.lastError == "HTTP 502")
        let id = try await store.addToOutbox(Sample.outboxItem("r1"))
        #expect(id == outbox.first?.id)

        #expect(await store.check() == nil)
        await store.close()
    }

    @Test func aFileFromANewerPerchIsRefused() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("new.sqlite")
        do {
            let store = try SQLiteStore(path: path)
            try await store.write { db in try db.execute(sql: "UPDATE schema_version SET version = 99") }
            await store.close()
        }
        #expect {
            _ = try SQLiteStore(path: path)
        } throws: { error in
            (error as? StoreError)?.kind == .incompatible && "\(error)".contains("99")
        }
    }

    @Test func aNewFileStartsAtTheCurrentVersion() async throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteStore(path: directory.file("fresh.sqlite"))
        #expect(try await store.read { db in try Schema.version(db) } == Schema.currentVersion)
        let journal = try await store.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(journal == "wal")
        await store.close()
    }
}
