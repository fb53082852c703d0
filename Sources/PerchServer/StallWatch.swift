import Synchronization

/// Tells `/healthz` when the runtime is stuck: events are queued and none has finished for
/// `timeout` (a handler that never returns, a lane blocked on a lock). An orchestrator that sees
/// the failing health check restarts the process; the events stay in the inbox for the next run.
///
/// Progress is sampled when asked, so the time without progress is measured from the first check
/// that saw work queued.
final class StallWatch: Sendable {
    private struct Sample {
        var completed: Int
        var since: ContinuousClock.Instant
    }

    private let last = Mutex<Sample?>(nil)
    private let timeout: Duration
    private let progress: @Sendable () -> (queued: Int, completed: Int)
    private let now: @Sendable () -> ContinuousClock.Instant

    /// - Parameters:
    ///   - timeout: how long queued work may go without any event finishing (`PERCH_STALL_TIMEOUT`).
    ///   - progress: events queued or running now, and events finished since start.
    ///   - now: the clock.
    init(
        timeout: Duration, progress: @escaping @Sendable () -> (queued: Int, completed: Int),
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) {
        self.timeout = timeout
        self.progress = progress
        self.now = now
    }

    /// Why the runtime counts as stuck, or nil.
    func problem() -> String? {
        let (queued, completed) = progress()
        let instant = now()
        let waited = last.withLock { last -> Duration? in
            guard queued > 0 else {
                last = nil
                return nil
            }
            guard let sample = last, sample.completed == completed else {
                last = Sample(completed: completed, since: instant)
                return nil
            }
            return instant - sample.since
        }
        guard let waited, waited >= timeout else { return nil }
        return "\(queued) events queued and none finished for \(waited.components.seconds) s "
            + "(PERCH_STALL_TIMEOUT is \(timeout.components.seconds) s)"
    }
}
