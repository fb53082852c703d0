import Testing

@testable import PerchStore

@Suite struct CommitQueueTests {
    @Test func theFirstWriterStartsADrainAndLaterOnesJoinIt() {
        var queue = CommitQueue<Int>()
        #expect(queue.isIdle)
        guard case .startDrain = queue.submit(1) else { Issue.record("expected a drain"); return }
        guard case .none = queue.submit(2) else { Issue.record("expected no second drain"); return }
        guard case .none = queue.submit(3) else { Issue.record("expected no second drain"); return }
        #expect(queue.nextBatch(maximumSize: 10) == [1, 2, 3])
        guard case .none = queue.submit(4) else { Issue.record("the drain still runs"); return }
        #expect(queue.nextBatch(maximumSize: 10) == [4])
        #expect(queue.nextBatch(maximumSize: 10) == nil)
        #expect(queue.isIdle)
        guard case .startDrain = queue.submit(5) else { Issue.record("expected a new drain"); return }
    }

    @Test func batchesAreCappedAndKeepOrder() {
        var queue = CommitQueue<Int>()
        for value in 0..<7 { _ = queue.submit(value) }
        #expect(queue.nextBatch(maximumSize: 3) == [0, 1, 2])
        #expect(queue.nextBatch(maximumSize: 3) == [3, 4, 5])
        #expect(queue.nextBatch(maximumSize: 0) == [6])  // a batch always takes at least one
        #expect(queue.nextBatch(maximumSize: 3) == nil)
    }

    @Test func aClosedQueueRejectsNewWritesButFinishesQueuedOnes() {
        var queue = CommitQueue<Int>()
        _ = queue.submit(1)
        queue.close()
        guard case .rejectClosed = queue.submit(2) else { Issue.record("expected a rejection"); return }
        #expect(queue.nextBatch(maximumSize: 10) == [1])
        #expect(queue.nextBatch(maximumSize: 10) == nil)
    }
}
