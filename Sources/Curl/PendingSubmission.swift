import Synchronization

/// Hands the submission from `execute`'s operation to its cancellation handler, which may run
/// before, during or after the submission exists.
final class PendingSubmission: Sendable {
    private struct State: Sendable {
        var submission: Submission?
        var cancelled = false
    }

    private let state = Mutex(State())

    /// Stores the submission; true if the task was already cancelled.
    func set(_ submission: Submission) -> Bool {
        state.withLock { state in
            state.submission = submission
            return state.cancelled
        }
    }

    /// Records the cancellation; returns the submission if it already exists.
    func cancel() -> Submission? {
        state.withLock { state in
            state.cancelled = true
            return state.submission
        }
    }
}
