import Synchronization

/// The conversations that have an action waiting in the outbox. While one waits, a later action of the
/// same conversation joins the outbox behind it instead of going to Bird first: a reply never overtakes
/// an earlier one, and a close never comes before the reply it follows.
///
/// The runtime adds a conversation after it stored an item; the ``OutboxRetrier`` drops it only when a
/// read of the outbox that began after the last addition shows nothing waiting for it, so the set never
/// forgets an item that is stored.
package final class OutboxOrder: Sendable {
    private struct State {
        var waiting: Set<String> = []
        /// Bumped by every addition; a reconciliation that began before one keeps the conversation.
        var additions: [String: Int] = [:]
    }

    private let state = Mutex(State())

    package init() {}

    /// Whether the conversation has an action waiting in the outbox.
    package func isWaiting(_ conversationID: String) -> Bool {
        state.withLock { $0.waiting.contains(conversationID) }
    }

    /// Notes that an item of the conversation was stored in the outbox.
    package func added(_ conversationID: String) {
        state.withLock { state in
            state.waiting.insert(conversationID)
            state.additions[conversationID, default: 0] += 1
        }
    }

    /// A mark to take before reading the outbox, for ``reconcile(waiting:since:)``.
    package func mark() -> [String: Int] { state.withLock { $0.additions } }

    /// Sets the waiting conversations from a read of the outbox that began after `mark`: those with
    /// an item waiting; a conversation added since the mark stays.
    package func reconcile(waiting: Set<String>, since mark: [String: Int]) {
        state.withLock { state in
            let addedSince = state.waiting.filter { state.additions[$0] != mark[$0] }
            state.waiting = waiting.union(addedSince)
        }
    }
}
