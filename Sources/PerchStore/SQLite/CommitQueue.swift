/// The decisions of group commit, without I/O: writers wait here, and one drain at a time takes
/// everything that waits (up to a batch size) into one transaction.
///
/// Batches form by themselves: while one transaction commits (and flushes), new writers queue up and
/// all go into the next. There is no timer, so a lone writer is never delayed.
struct CommitQueue<Write> {
    /// What the caller of ``submit(_:)`` must do next.
    enum SubmitAction {
        /// Start a drain (none is running).
        case startDrain
        /// A drain is running and will take this write.
        case none
        /// The store is closed; fail the write.
        case rejectClosed
    }

    private var waiting: [Write] = []
    private var draining = false
    private(set) var isClosed = false

    /// Number of writes waiting for a transaction.
    var waitingCount: Int { waiting.count }

    /// Queues a write.
    mutating func submit(_ write: Write) -> SubmitAction {
        if isClosed { return .rejectClosed }
        waiting.append(write)
        if draining { return .none }
        draining = true
        return .startDrain
    }

    /// The next batch for the running drain, oldest first, or `nil` when nothing waits (the drain then stops).
    mutating func nextBatch(maximumSize: Int) -> [Write]? {
        precondition(draining, "nextBatch called without a drain")
        if waiting.isEmpty {
            draining = false
            return nil
        }
        let count = min(max(1, maximumSize), waiting.count)
        let batch = Array(waiting.prefix(count))
        waiting.removeFirst(count)
        return batch
    }

    /// Refuses new writes from now on; writes already queued still run.
    mutating func close() {
        isClosed = true
    }

    /// Whether a drain is running or writes wait.
    var isIdle: Bool { !draining && waiting.isEmpty }
}
