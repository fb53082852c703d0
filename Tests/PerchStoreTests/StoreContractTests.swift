import Foundation
import Testing

@testable import PerchStore

/// The semantics every Store implementation must have, run against each of them.
@Suite struct StoreContractTests {
    @Test(arguments: StoreKind.allCases)
    func enqueueAssignsIncreasingSequencesAndDedupes(kind: StoreKind) async throws {
        let directory = try TemporaryDirectory()
        let store = try kind.make(in: directory)
        let first = try await store.enqueue(Sample.entry("a"))
        let second = try await store.enqueue(Sample.entry("b", at: 1))
        let again = try await store.enqueue(Sample.entry("a", at: 2))
        let firstSequence = try #require(first.sequence)
        let secondSequence = try #require(second.sequence)
        #expect(secondSequence > firstSequence)
        #expect(again == .duplicate)
        #expect(try await store.unfinished(limit: 10).map(\.key) == ["a", "b"])
        await store.close()
    }

    @Test(arguments: StoreKind.allCases)
    func unfinishedKeepsArrivalOrderAndEverything(kind: StoreKind) async throws {
        let directory = try TemporaryDirectory()
        let store = try kind.make(in: directory)
        var expected: [InboxEntry] = []
        for index in 0..<20 {
            var entry = Sample.entry("k\(index)", conversation: "c\(index % 3)", at: Double(index))
            entry.sequence = try await store.enqueue(entry).sequence
            #expect(entry.sequence != nil)
            expected.append(entry)
        }
        try await store.markDone(sequence: expected[3].sequence!)
        try await store.markDone(sequence: expected[10].sequence!)
        try await store.markDone(sequence: expected[10].sequence!)  // twice is harmless
        try await store.markDone(sequence: 999_999)  // unknown is ignored
        expected.remove(at: 10)
        expected.remove(at: 3)
        #expect(try await store.unfinished(limit: 100) == expected)
        #expect(try await store.unfinished(limit: 5) == Array(expected.prefix(5)))
        #expect(try await store.unfinished(limit: 0) == [])
        // Paging: the next page starts after the last sequence of the previous one.
        let firstPage = try await store.unfinished(limit: 7)
        let secondPage = try await store.unfinished(after: firstPage.last!.sequence!, limit: 7)
        let thirdPage = try await store.unfinished(after: secondPage.last!.sequence!, limit: 7)
        #expect(firstPage + secondPage + thirdPage == expected)
        #expect(thirdPage.count == 4)
        await store.close()
    }

    @Test(arguments: StoreKind.allCases)
    func keyIsStillDuplicateAfterItsEntryFinished(kind: StoreKind) async throws {
        let directory = try TemporaryDirectory()
        let store = try kind.make(in: directory)
        let first = try await store.enqueue(Sample.entry("once"))
        #expect(first == .accepted(sequence: try #require(first.sequence), actionsDoneBefore: false))
        let sequence = try #require(first.sequence)
        try await store.recordDone(reference: "perch:once:reply:0", at: Sample.start)
        // A reference of another event that shares the start of the key does not count.
        try await store.recordDone(reference: "perch:once-more:reply:0", at: Sample.start)
        try await store.markDone(sequence: sequence)
        #expect(try await store.unfinished(limit: 10).isEmpty)
        #expect(try await store.enqueue(Sample.entry("once", at: 3600)) == .duplicate)

        // Pruned within the window: the key stays (the finished row may go).
        let policy = RetentionPolicy(dedupeWindow: .seconds(48 * 3600), finishedInboxAge: .seconds(60))
        let early = try await store.prune(now: Sample.start.addingTimeInterval(47 * 3600), policy: policy)
        #expect(early.finishedInboxEntries == 1)
        #expect(early.dedupeKeys == 0)
        #expect(try await store.enqueue(Sample.entry("once", at: 47 * 3600)) == .duplicate)

        // Past the window and pruned: the same key is a new event again.
        let late = try await store.prune(now: Sample.start.addingTimeInterval(49 * 3600), policy: policy)
        #expect(late.dedupeKeys == 1)
        // ... whose reply was done before and is still remembered: the store says so.
        let again = try await store.enqueue(Sample.entry("once", at: 49 * 3600))
        #expect(again == .accepted(sequence: try #require(again.sequence), actionsDoneBefore: true))
        #expect(try await store.enqueue(Sample.entry("once-", at: 49 * 3600)).sequence != nil)
        let other = try await store.enqueue(Sample.entry("onc", at: 49 * 3600))
        #expect(other == .accepted(sequence: try #require(other.sequence), actionsDoneBefore: false))
        await store.close()
    }

    @Test(arguments: StoreKind.allCases)
    func oldestUnfinishedAgeIsTheInboxLag(kind: StoreKind) async throws {
        let directory = try TemporaryDirectory()
        let store = try kind.make(in: directory)
        let now = Sample.start.addingTimeInterval(100)
        #expect(try await store.oldestUnfinishedAge(now: now) == nil)
        let first = try #require(try await store.enqueue(Sample.entry("a", at: 10)).sequence)
        _ = try await store.enqueue(Sample.entry("b", at: 40))
        let lag = try #require(try await store.oldestUnfinishedAge(now: now))
        #expect(abs(lag.timeInterval - 90) < 0.001)
        try await store.markDone(sequence: first)
        let lagAfter = try #require(try await store.oldestUnfinishedAge(now: now))
        #expect(abs(lagAfter.timeInterval - 60) < 0.001)
        await store.close()
    }

    @Test(arguments: StoreKind.allCases)
    func conversationRecordsRoundTrip(kind: StoreKind) async throws {
        let directory = try TemporaryDirectory()
        let store = try kind.make(in: directory)
        #expect(try await store.conversation("c1") == nil)
        let record = ConversationRecord(
            state: "ask-order-number",
            stateExpiresAt: Sample.start.addingTimeInterval(600.25),
            stateData: ["order": "A-17"],
            lastInboundAt: Sample.start,
            handoffAt: Sample.start.addingTimeInterval(1),
            handoffActive: true,
            handoffTeam: "support",
            ruleLastFired: ["pricing": Sample.start.addingTimeInterval(0.5), "hours": Sample.start],
            status: "active",
            automatedChain: 2,
            messagesSeen: 7,
            updatedAt: Sample.start.addingTimeInterval(2))
        try await store.saveConversation("c1", record)
        #expect(try await store.conversation("c1") == record)
        #expect(try await store.conversation("c2") == nil)

        var changed = record
        changed.handoffActive = false
        changed.state = nil
        try await store.saveConversation("c1", changed)
        #expect(try await store.conversation("c1") == changed)
        await store.close()
    }

    @Test(arguments: StoreKind.allCases)
    func referencesAreRemembered(kind: StoreKind) async throws {
        let directory = try TemporaryDirectory()
        let store = try kind.make(in: directory)
        #expect(try await store.isDone(reference: "ev1:reply:0") == false)
        try await store.recordDone(reference: "ev1:reply:0", at: Sample.start)
        try await store.recordDone(reference: "ev1:reply:0", at: Sample.start.addingTimeInterval(5))
        #expect(try await store.isDone(reference: "ev1:reply:0"))
        #expect(try await store.isDone(reference: "ev1:reply:1") == false)
        await store.close()
    }

    @Test(arguments: StoreKind.allCases)
    func conversationComesWithTheDoneReferencesOfOnePrefix(kind: StoreKind) async throws {
        let directory = try TemporaryDirectory()
        let store = try kind.make(in: directory)
        let empty = try await store.conversation("c1", doneReferencesWithPrefix: "perch:ev1:")
        #expect(empty.record == nil)
        #expect(empty.doneReferences.isEmpty)
        let record = ConversationRecord(state: "asked", messagesSeen: 2)
        try await store.saveConversation("c1", record)
        for reference in [
            "perch:ev1:faq/hours:0", "perch:ev1:faq/hours:1", "perch:ev10:faq/hours:0", "perch:ev2:faq/hours:0",
            "perch:ev0:faq/hours:0", "perch:ev1", "perch:ev1;x",
        ] {
            try await store.recordDone(reference: reference, at: Sample.start)
        }
        let found = try await store.conversation("c1", doneReferencesWithPrefix: "perch:ev1:")
        #expect(found.record == record)
        #expect(found.doneReferences == ["perch:ev1:faq/hours:0", "perch:ev1:faq/hours:1"])
        #expect(try await store.conversation("c2", doneReferencesWithPrefix: "perch:ev2:").doneReferences == [
            "perch:ev2:faq/hours:0"
        ])
        await store.close()
    }

    @Test(arguments: StoreKind.allCases)
    func outboxKeepsFailedActionsOnePerReference(kind: StoreKind) async throws {
        let directory = try TemporaryDirectory()
        let store = try kind.make(in: directory)
        let first = try await store.addToOutbox(Sample.outboxItem("r1"))
        let second = try await store.addToOutbox(Sample.outboxItem("r2"))
        #expect(second > first)
        let replaced = try await store.addToOutbox(Sample.outboxItem("r1", error: "HTTP 422", attempts: 6))
        #expect(replaced == first)

        var expectedFirst = Sample.outboxItem("r1", error: "HTTP 422", attempts: 6)
        expectedFirst.id = first
        var expectedSecond = Sample.outboxItem("r2")
        expectedSecond.id = second
        #expect(try await store.outbox(limit: 10) == [expectedFirst, expectedSecond])
        #expect(try await store.outbox(limit: 1) == [expectedFirst])

        try await store.removeFromOutbox(id: first)
        try await store.removeFromOutbox(id: 12_345)
        #expect(try await store.outbox(limit: 10) == [expectedSecond])
        await store.close()
    }

    @Test(arguments: StoreKind.allCases)
    func outboxSummaryCountsParkedItemsAndDatesTheOldestRetriedOne(kind: StoreKind) async throws {
        let directory = try TemporaryDirectory()
        let store = try kind.make(in: directory)
        #expect(try await store.outboxSummary() == OutboxSummary(count: 0, parked: 0, oldestRetriedSince: nil))
        let start = Date(timeIntervalSinceReferenceDate: 800_000_000)
        var parked = Sample.outboxItem("r1")
        parked.firstFailedAt = start
        parked.parked = "retries ran out"
        var retried = Sample.outboxItem("r2")
        retried.firstFailedAt = start.addingTimeInterval(60)
        var older = Sample.outboxItem("r3")
        older.firstFailedAt = nil
        older.failedAt = start.addingTimeInterval(30)
        for item in [parked, retried, older] { _ = try await store.addToOutbox(item) }
        // The parked item is older than both, but only retried items date the gauge; an item from an
        // older Perch (no first failure) counts from its last one.
        #expect(
            try await store.outboxSummary()
                == OutboxSummary(count: 3, parked: 1, oldestRetriedSince: start.addingTimeInterval(30)))
        await store.close()
    }

    @Test(arguments: StoreKind.allCases)
    func tracesAreKeptAndReplaced(kind: StoreKind) async throws {
        let directory = try TemporaryDirectory()
        let store = try kind.make(in: directory)
        #expect(try await store.trace(eventKey: "e1") == nil)
        try await store.saveTrace(eventKey: "e1", trace: #"{"fired":"hours"}"#, at: Sample.start)
        try await store.saveTrace(eventKey: "e1", trace: #"{"fired":"pricing"}"#, at: Sample.start)
        #expect(try await store.trace(eventKey: "e1") == #"{"fired":"pricing"}"#)
        await store.close()
    }

    @Test(arguments: StoreKind.allCases)
    func finishSavesTheRecordAndTheTraceAndMarksTheEntryDone(kind: StoreKind) async throws {
        let directory = try TemporaryDirectory()
        let store = try kind.make(in: directory)
        let first = try #require(try await store.enqueue(Sample.entry("e1")).sequence)
        let second = try #require(try await store.enqueue(Sample.entry("e2", at: 1)).sequence)
        let record = ConversationRecord(state: "asked", ruleLastFired: ["hours": Sample.start], messagesSeen: 1)
        try await store.finish(
            sequence: first, conversationKey: "c1", record: record, eventKey: "e1", trace: #"{"fired":"hours"}"#,
            doneReferences: [], at: Sample.start)
        #expect(try await store.conversation("c1") == record)
        #expect(try await store.trace(eventKey: "e1") == #"{"fired":"hours"}"#)
        #expect(try await store.unfinished(limit: 10).map(\.sequence) == [second])

        // No record leaves the stored one as it is; no sequence (an event not stored) marks nothing.
        try await store.finish(
            sequence: nil, conversationKey: "c1", record: nil, eventKey: "e3", trace: "{}", doneReferences: [],
            at: Sample.start)
        #expect(try await store.conversation("c1") == record)
        #expect(try await store.trace(eventKey: "e3") == "{}")
        #expect(try await store.unfinished(limit: 10).map(\.sequence) == [second])
        try await store.finish(
            sequence: second, conversationKey: "c2", record: nil, eventKey: "e2", trace: "{}",
            doneReferences: ["perch:e2:r:0"], at: Sample.start)
        #expect(try await store.isDone(reference: "perch:e2:r:0"))
        #expect(try await store.conversation("c2") == nil)
        #expect(try await store.unfinished(limit: 10).isEmpty)
        await store.close()
    }

    @Test(arguments: StoreKind.allCases)
    func pruneDeletesByAgeAndCountAndKeepsWhatRecoveryNeeds(kind: StoreKind) async throws {
        let directory = try TemporaryDirectory()
        let store = try kind.make(in: directory)
        let hour: TimeInterval = 3600
        // 10 finished entries an hour apart, and one unfinished entry from the start.
        let waiting = try #require(try await store.enqueue(Sample.entry("waiting", at: 0)).sequence)
        for index in 0..<10 {
            let sequence = try #require(
                try await store.enqueue(Sample.entry("f\(index)", at: Double(index) * hour)).sequence)
            try await store.markDone(sequence: sequence)
        }
        try await store.recordDone(reference: "old", at: Sample.start.addingTimeInterval(-hour))
        try await store.recordDone(reference: "new", at: Sample.start.addingTimeInterval(9 * hour))
        for index in 0..<6 {
            try await store.saveTrace(
                eventKey: "t\(index)", trace: "{}", at: Sample.start.addingTimeInterval(Double(index) * hour))
        }

        let now = Sample.start.addingTimeInterval(10 * hour)
        let policy = RetentionPolicy(
            dedupeWindow: .seconds(24 * 3600),
            finishedInboxAge: .seconds(5 * 3600 + 1),  // keeps f5...f9 by age
            maxFinishedInboxEntries: 3,  // then only f7...f9 by count
            doneReferenceAge: .seconds(3600),
            traceAge: .seconds(7 * 3600 + 1),  // keeps t3...t5 by age
            maxTraces: 2)  // then only t4, t5
        let report = try await store.prune(now: now, policy: policy)
        #expect(report == PruneReport(finishedInboxEntries: 7, dedupeKeys: 0, doneReferences: 1, traces: 4))
        #expect(try await store.unfinished(limit: 10).map(\.sequence) == [waiting])
        // "new" is newer than the cutoff; "old" is older than the oldest unfinished entry, so it goes.
        #expect(try await store.isDone(reference: "old") == false)
        #expect(try await store.isDone(reference: "new"))
        #expect(try await store.trace(eventKey: "t3") == nil)
        #expect(try await store.trace(eventKey: "t4") == "{}")
        #expect(try await store.trace(eventKey: "t5") == "{}")

        // Long after: dedupe keys of finished entries go, the key of the waiting entry stays.
        let later = try await store.prune(now: now.addingTimeInterval(100 * hour), policy: policy)
        #expect(later.dedupeKeys == 10)
        #expect(try await store.enqueue(Sample.entry("waiting", at: 200 * hour)) == .duplicate)
        #expect(try await store.enqueue(Sample.entry("f0", at: 200 * hour)).sequence != nil)
        await store.close()
    }

    @Test(arguments: StoreKind.allCases)
    func referencesOfAnUnfinishedEntryOutliveTheirAge(kind: StoreKind) async throws {
        let directory = try TemporaryDirectory()
        let store = try kind.make(in: directory)
        _ = try await store.enqueue(Sample.entry("stuck", at: 0))
        try await store.recordDone(reference: "stuck:reply:0", at: Sample.start.addingTimeInterval(1))
        let report = try await store.prune(
            now: Sample.start.addingTimeInterval(30 * 24 * 3600),
            policy: RetentionPolicy(doneReferenceAge: .seconds(60)))
        #expect(report.doneReferences == 0)
        #expect(try await store.isDone(reference: "stuck:reply:0"))
        await store.close()
    }

    @Test(arguments: StoreKind.allCases)
    func twoHundredConcurrentEnqueuesAreAllAccepted(kind: StoreKind) async throws {
        let directory = try TemporaryDirectory()
        let store = try kind.make(in: directory)
        let results = try await withThrowingTaskGroup(of: EnqueueResult.self) { group in
            for index in 0..<200 {
                group.addTask {
                    try await store.enqueue(Sample.entry("e\(index)", conversation: "c\(index % 7)", size: 700))
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let sequences = results.compactMap(\.sequence)
        #expect(sequences.count == 200)
        #expect(Set(sequences).count == 200)
        let kept = try await store.unfinished(limit: 1000)
        #expect(kept.count == 200)
        #expect(kept.map(\.sequence!) == sequences.sorted())
        #expect(Set(kept.map(\.key)) == Set((0..<200).map { "e\($0)" }))
        await store.close()
    }

    @Test(arguments: StoreKind.allCases)
    func checkPassesAndAClosedStoreRefuses(kind: StoreKind) async throws {
        let directory = try TemporaryDirectory()
        let store = try kind.make(in: directory)
        #expect(await store.check() == nil)
        await store.close()
        let error = await store.check()
        #expect(error?.kind == .closed)
        await #expect(throws: StoreError.self) { try await store.enqueue(Sample.entry("late")) }
    }
}
