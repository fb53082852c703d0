import Dispatch
import Foundation
import GRDB
import Synchronization
import Testing

@testable import PerchStore

@Suite struct SQLiteStoreTests {
    @Test(arguments: Durability.allCases)
    func reopeningTheFileKeepsEverything(durability: Durability) async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("perch.sqlite")
        let record = ConversationRecord(state: "step-2", lastInboundAt: Sample.start, messagesSeen: 3)
        var entries: [InboxEntry] = []
        do {
            let store = try SQLiteStore(path: path, durability: durability)
            for index in 0..<5 {
                var entry = Sample.entry("k\(index)", at: Double(index), size: 700)
                entry.sequence = try await store.enqueue(entry).sequence
                #expect(entry.sequence != nil)
                entries.append(entry)
            }
            try await store.markDone(sequence: entries[0].sequence!)
            try await store.saveConversation("c1", record)
            try await store.recordDone(reference: "k1:reply:0", at: Sample.start)
            _ = try await store.addToOutbox(Sample.outboxItem("k2:reply:0"))
            try await store.saveTrace(eventKey: "k1", trace: #"{"rule":"hours"}"#, at: Sample.start)
            await store.close()
        }
        let reopened = try SQLiteStore(path: path, durability: durability)
        #expect(try await reopened.unfinished(limit: 10) == Array(entries.dropFirst()))
        #expect(try await reopened.enqueue(Sample.entry("k0")) == .duplicate)
        #expect(try await reopened.conversation("c1") == record)
        #expect(try await reopened.isDone(reference: "k1:reply:0"))
        #expect(try await reopened.outbox(limit: 10).map(\.reference) == ["k2:reply:0"])
        #expect(try await reopened.trace(eventKey: "k1") == #"{"rule":"hours"}"#)
        // Sequences keep growing across restarts, also after the newest rows were pruned.
        let next = try #require(try await reopened.enqueue(Sample.entry("k9")).sequence)
        #expect(next > entries.last!.sequence!)
        await reopened.close()
    }

    @Test(arguments: [(Durability.full, 2), (.normal, 1), (.off, 0)])
    func theWriterCommitsAtTheConfiguredDurability(durability: Durability, synchronous: Int) async throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteStore(path: directory.file("perch.sqlite"), durability: durability)
        let setting = try await store.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        #expect(setting == synchronous)
        await store.close()
    }

    @Test func concurrentEnqueuesShareCommitsAndAreAllDurable() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("perch.sqlite")
        let store = try SQLiteStore(path: path, durability: .full)

        // Hold the writer inside a transaction so that all 200 writers wait together, then let go:
        // they must go into one commit, not 200.
        let gate = DispatchSemaphore(value: 0)
        let holding = Mutex(false)
        async let held: Void = store.write { _ in
            holding.withLock { $0 = true }
            gate.wait()
        }
        await waitUntil("the writer holds its transaction") { holding.withLock { $0 } }
        let before = store.statistics

        let results = try await withThrowingTaskGroup(of: EnqueueResult.self) { group in
            for index in 0..<200 {
                group.addTask {
                    try await store.enqueue(Sample.entry("e\(index)", conversation: "c\(index % 9)", size: 700))
                }
            }
            await waitUntil("200 writers wait") { store.waitingWriteCount == 200 }
            gate.signal()
            return try await group.reduce(into: []) { $0.append($1) }
        }
        try await held
        let after = store.statistics
        #expect(results.compactMap(\.sequence).count == 200)
        #expect(after.commits - before.commits == 2)  // the held one, then all 200 together
        #expect(after.writes - before.writes == 201)
        await store.close()

        let reopened = try SQLiteStore(path: path)
        let kept = try await reopened.unfinished(limit: 1000)
        #expect(kept.count == 200)
        #expect(kept.map(\.sequence!) == results.compactMap(\.sequence).sorted())
        await reopened.close()
    }

    /// Closing while writers race: every write either committed (and is in the file afterwards) or
    /// was refused as closed; none is lost or left hanging, and a second close returns too.
    @Test func closingWhileWritesArriveKeepsEveryAcceptedOne() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("perch.sqlite")
        let store = try SQLiteStore(path: path)
        let accepted = await withTaskGroup(of: [String].self) { group in
            for writer in 0..<8 {
                group.addTask {
                    var mine: [String] = []
                    for index in 0..<200 {
                        let key = "w\(writer)-\(index)"
                        do {
                            _ = try await store.enqueue(Sample.entry(key, conversation: "c\(writer)"))
                            mine.append(key)
                        } catch {
                            #expect((error as? StoreError)?.kind == .closed)
                            break
                        }
                    }
                    return mine
                }
            }
            group.addTask {
                while store.statistics.writes < 100 { await Task.yield() }
                async let first: Void = store.close()
                async let second: Void = store.close()
                _ = await (first, second)
                return []
            }
            return await group.reduce(into: Set<String>()) { $0.formUnion($1) }
        }
        let reopened = try SQLiteStore(path: path)
        let kept = Set(try await reopened.unfinished(limit: 10_000).map(\.key))
        #expect(kept == accepted)
        #expect(kept.count >= 100)
        await reopened.close()
    }

    /// Writes still queued when `close()` is called are committed, not refused: close waits for the
    /// running drain. The writer is held inside a transaction until every write is queued and close
    /// has begun.
    @Test func closeCommitsTheWritesStillQueued() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("perch.sqlite")
        let store = try SQLiteStore(path: path)
        let entered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        async let held: Void = store.write { _ in
            entered.signal()
            release.wait()
        }
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                entered.wait()
                continuation.resume()
            }
        }
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<32 {
                group.addTask { (try? await store.enqueue(Sample.entry("q\(index)"))) != nil }
            }
            while store.waitingWriteCount < 32 { await Task.yield() }
            async let closed: Void = store.close()
            while !store.isClosing { await Task.yield() }
            release.signal()
            await closed
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        try await held
        #expect(outcomes.count == 32)
        #expect(outcomes.allSatisfy { $0 })
        let reopened = try SQLiteStore(path: path)
        #expect(Set(try await reopened.unfinished(limit: 100).map(\.key)) == Set((0..<32).map { "q\($0)" }))
        await reopened.close()
    }

    @Test func oneCommitPerWriteWhenGroupCommitIsOff() async throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteStore(
            path: directory.file("perch.sqlite"), configuration: SQLiteStoreConfiguration(maximumBatchSize: 1))
        let before = store.statistics
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<50 { group.addTask { _ = try await store.enqueue(Sample.entry("e\(index)")) } }
            try await group.waitForAll()
        }
        #expect(store.statistics.commits - before.commits == 50)
        await store.close()
    }

    @Test func aFailingWriteDoesNotTakeItsBatchDown() async throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteStore(path: directory.file("perch.sqlite"))
        let gate = DispatchSemaphore(value: 0)
        let holding = Mutex(false)
        async let held: Void = store.write { _ in
            holding.withLock { $0 = true }
            gate.wait()
        }
        await waitUntil("the writer holds its transaction") { holding.withLock { $0 } }
        async let good = store.enqueue(Sample.entry("good"))
        async let bad: Void = store.write { db in try db.execute(sql: "INSERT INTO no_such_table VALUES (1)") }
        async let alsoGood = store.enqueue(Sample.entry("also-good"))
        await waitUntil("three writers wait") { store.waitingWriteCount == 3 }
        gate.signal()
        try await held
        #expect(try await good.sequence != nil)
        #expect(try await alsoGood.sequence != nil)
        do {
            try await bad
            Issue.record("a write into a missing table succeeded")
        } catch {
            #expect((error as? StoreError)?.kind == .other)
        }
        #expect(try await store.unfinished(limit: 10).map(\.key).sorted() == ["also-good", "good"])
        await store.close()
    }

    @Test func aFullStoreFailsWritesAndRecoversWhenRoomIsFreed() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("perch.sqlite")
        // A size limit stands in for a full disk: SQLite reports both as SQLITE_FULL.
        let store = try SQLiteStore(
            path: path, configuration: SQLiteStoreConfiguration(maximumSize: 256 * 1024))
        var accepted: [Int64] = []
        var failure: StoreError?
        for index in 0..<10_000 {
            do {
                let result = try await store.enqueue(Sample.entry("e\(index)", size: 700))
                guard let sequence = result.sequence else { Issue.record("unexpected duplicate"); break }
                accepted.append(sequence)
            } catch {
                failure = error
                break
            }
        }
        let error = try #require(failure)
        #expect(error.kind == .diskFull)
        #expect(error.message.contains(path))
        #expect(error.message.contains("disk full"))
        #expect(accepted.count > 50)
        #expect(await store.check()?.kind == .diskFull)

        // Nothing half-written: exactly the accepted entries wait.
        #expect(try await store.unfinished(limit: 20_000).map(\.sequence!) == accepted)

        // Finishing and pruning frees pages; the store works again by itself.
        for sequence in accepted { try await store.markDone(sequence: sequence) }
        _ = try await store.prune(now: Sample.start.addingTimeInterval(1e7), policy: RetentionPolicy())
        #expect(await store.check() == nil)
        #expect(try await store.enqueue(Sample.entry("after", size: 700)).sequence != nil)
        await store.close()
    }

    @Test func anUnwritableConnectionIsReplacedOnceTheFileIsWritableAgain() async throws {
        let directory = try TemporaryDirectory()
        // Root ignores file permissions, so the test makes the connection itself read-only
        // (`PRAGMA query_only`): SQLite then fails writes with SQLITE_READONLY, as it does for a file
        // it could only open read-only. The store must drop that connection and open a new one.
        let readOnly = Mutex(false)
        var configuration = SQLiteStoreConfiguration()
        configuration.writerSetupForTesting = { db in
            if readOnly.withLock({ $0 }) { try db.execute(sql: "PRAGMA query_only = ON") }
        }
        let store = try SQLiteStore(path: directory.file("perch.sqlite"), configuration: configuration)
        #expect(try await store.enqueue(Sample.entry("before")).sequence != nil)

        readOnly.withLock { $0 = true }
        try await store.write { db in try db.execute(sql: "PRAGMA query_only = ON") }  // the file "became" read-only
        let error = await #expect(throws: StoreError.self) { try await store.enqueue(Sample.entry("during")) }
        #expect(error?.kind == .unwritable)
        #expect(error?.message.contains("not writable") == true)
        #expect(await store.check()?.kind == .unwritable)  // still: the reopened connection is read-only too

        readOnly.withLock { $0 = false }
        #expect(await store.check() == nil)
        #expect(try await store.enqueue(Sample.entry("after")).sequence != nil)
        #expect(try await store.enqueue(Sample.entry("during")).sequence != nil)  // it was never kept
        #expect(try await store.unfinished(limit: 10).map(\.key) == ["before", "after", "during"])
        await store.close()
    }

    @Test(.enabled(if: geteuid() != 0, "root ignores file permissions"))
    func aReadOnlyFileIsReportedAndRecovered() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("perch.sqlite")
        let store = try SQLiteStore(path: path)
        #expect(try await store.enqueue(Sample.entry("before")).sequence != nil)
        await store.close()
        for file in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: file) {
            try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: file)
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: directory.path)
        let reopened = try? SQLiteStore(path: path)
        if let reopened { #expect(await reopened.check() != nil) }
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory.path)
        for file in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: file) {
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file)
        }
        let store2 = try reopened ?? SQLiteStore(path: path)
        #expect(await store2.check() == nil)
        #expect(try await store2.enqueue(Sample.entry("after")).sequence != nil)
        await store2.close()
    }

    @Test func aMissingDirectoryIsACannotOpenError() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("missing/perch.sqlite")
        #expect {
            _ = try SQLiteStore(path: path)
        } throws: { error in
            guard let error = error as? StoreError else { return false }
            return error.kind == .cannotOpen && error.message.contains(path)
        }
    }
}
