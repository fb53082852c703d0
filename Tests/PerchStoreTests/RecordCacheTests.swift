import Foundation
import Synchronization
import Testing

@testable import PerchStore

@Suite struct RecordCacheTests {
    private func record(_ state: String) -> ConversationRecord { ConversationRecord(state: state) }
    private func cached(_ state: String) -> RecordCache.Entry { .record(record(state)) }

    @Test func keepsWhatWasStoredAndForgetsWhatFailed() {
        var cache = RecordCache(capacity: 10)
        #expect(cache.lookup("c1") == nil)
        cache.stored("c1", record("a"))
        #expect(cache.lookup("c1") == cached("a"))
        cache.stored("c1", record("b"))
        #expect(cache.lookup("c1") == cached("b"))
        cache.forget("c1")
        #expect(cache.lookup("c1") == nil)
    }

    @Test func aReadDoesNotOverwriteAWriteThatCameFirst() {
        var cache = RecordCache(capacity: 10)
        let epoch = cache.epoch
        cache.stored("c1", record("written"))  // committed while the read ran
        cache.fill("c1", cached("read before the write"), ifUnchangedSince: epoch)
        #expect(cache.lookup("c1") == cached("written"))
    }

    @Test func aReadDoesNotRefillAfterAFailedWriteOrAnEviction() {
        var cache = RecordCache(capacity: 4)
        var epoch = cache.epoch
        cache.forget("other")
        cache.fill("c1", cached("stale?"), ifUnchangedSince: epoch)
        #expect(cache.lookup("c1") == nil)

        epoch = cache.epoch
        for index in 0..<3 { cache.stored("k\(index)", record("\(index)")) }  // the third rotates
        cache.fill("c1", cached("stale?"), ifUnchangedSince: epoch)
        #expect(cache.lookup("c1") == nil)
        epoch = cache.epoch
        cache.fill("c1", cached("fresh"), ifUnchangedSince: epoch)
        #expect(cache.lookup("c1") == cached("fresh"))
    }

    @Test func staysWithinItsCapacityAndKeepsWhatIsUsed() {
        var cache = RecordCache(capacity: 100)
        for index in 0..<1_000 {
            cache.stored("c\(index)", record("\(index)"))
            #expect(cache.lookup("hot") == nil || cache.lookup("hot") == cached("hot"))
            if index == 0 { cache.stored("hot", record("hot")) }
            _ = cache.lookup("hot")
            #expect(cache.count <= 100)
        }
        #expect(cache.lookup("hot") == cached("hot"))
        #expect(cache.lookup("c999") == cached("999"))
        #expect(cache.lookup("c0") == nil)
    }

    @Test func capacityZeroKeepsNothing() {
        var cache = RecordCache(capacity: 0)
        cache.stored("c1", record("a"))
        #expect(cache.lookup("c1") == nil)
        #expect(cache.count == 0)
    }

    @Test func theFirstEventOfANewConversationFindsItsAbsenceCached() async throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteStore(path: directory.file("perch.sqlite"))
        try await store.saveConversation("known", record("kept"))
        _ = try await store.enqueue(Sample.entry("e1", conversation: "new"))
        _ = try await store.enqueue(Sample.entry("e2", conversation: "known"))
        #expect(store.records.withLock { $0.lookup("new") } == .absent)
        #expect(store.records.withLock { $0.lookup("known") } == cached("kept"))
        #expect(try await store.conversation("new") == nil)

        // The first write replaces the absence.
        try await store.finish(
            sequence: nil, conversationKey: "new", record: record("first"), eventKey: "e1", trace: "{}",
            doneReferences: [], at: Sample.start)
        #expect(try await store.conversation("new") == record("first"))
        await store.close()
    }

    /// A dropped connection may come back on another file (moved, restored from a backup): nothing
    /// cached from the old one survives it.
    @Test func aDroppedConnectionEmptiesTheCache() async throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteStore(path: directory.file("perch.sqlite"))
        try await store.saveConversation("c1", record("kept"))
        _ = try await store.enqueue(Sample.entry("e1", conversation: "new"))
        #expect(store.records.withLock { $0.count } == 2)
        try await store.write { db in try db.execute(sql: "PRAGMA query_only = ON") }
        await #expect(throws: StoreError.self) { try await store.enqueue(Sample.entry("e2")) }
        #expect(store.records.withLock { $0.count } == 0)
        #expect(try await store.conversation("c1") == record("kept"))
        await store.close()
    }

    @Test func aFailedFinishLeavesTheRecordTheFileHas() async throws {
        let directory = try TemporaryDirectory()
        let readOnly = Mutex(false)
        var configuration = SQLiteStoreConfiguration()
        configuration.writerSetupForTesting = { db in
            if readOnly.withLock({ $0 }) { try db.execute(sql: "PRAGMA query_only = ON") }
        }
        let store = try SQLiteStore(path: directory.file("perch.sqlite"), configuration: configuration)
        try await store.saveConversation("c1", record("committed"))
        #expect(try await store.conversation("c1") == record("committed"))

        readOnly.withLock { $0 = true }
        try await store.write { db in try db.execute(sql: "PRAGMA query_only = ON") }
        await #expect(throws: StoreError.self) {
            try await store.finish(
                sequence: nil, conversationKey: "c1", record: record("never committed"), eventKey: "e1", trace: "{}",
                doneReferences: [], at: Sample.start)
        }
        #expect(try await store.conversation("c1") == record("committed"))
        #expect(await store.check()?.kind == .unwritable)
        readOnly.withLock { $0 = false }
        #expect(await store.check() == nil)
        #expect(try await store.conversation("c1") == record("committed"))
        await store.close()

        // What the cache served is what the file holds.
        let reopened = try SQLiteStore(path: directory.file("perch.sqlite"))
        #expect(try await reopened.conversation("c1") == record("committed"))
        await reopened.close()
    }
}
