import Synchronization

/// A request handed from a calling task to the loop thread, with the continuation that the loop
/// resumes exactly once (with the response, an error, or `CancellationError`).
final class Submission: Sendable {
    let request: ClientRequest
    let continuation: CheckedContinuation<ClientResponse, any Error>
    /// Set by the task's cancellation handler; the loop reads it before starting the transfer,
    /// which covers a cancellation that arrives before the submission is queued.
    private let cancelled = Atomic<Bool>(false)

    init(request: ClientRequest, continuation: CheckedContinuation<ClientResponse, any Error>) {
        self.request = request
        self.continuation = continuation
    }

    var isCancelled: Bool { cancelled.load(ordering: .acquiring) }

    func markCancelled() { cancelled.store(true, ordering: .releasing) }
}
