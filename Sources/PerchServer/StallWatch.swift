import Foundation
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
        var since: Date
    }

    private let last = Mutex<Sample?>(nil)
    private let timeout: Duration
    private let progress: @Sendable () -> (queued: Int, completed: Int)
    private let now: @Sendable () -> Date

    /// - Parameters:
    ///   - timeout: how long queued work may go without any event finishing (`PERCH_STALL_TIMEOUT`).
    ///   - progress: events queued or running now, and events finished since start.
    ///   - now: the application's clock (tests inject one).
    init(
        timeout: Duration, progress: @escaping @Sendable () -> (queued: Int, completed: Int),
        now: @escaping @Sendable () -> Date
    ) {
        self.timeout = timeout
        self.progress = progress
        self.now = now
    }

    /// Why the runtime counts as stuck, or nil.
    func problem() -> String? {
        let (queued, completed) = progress()
        let instant = now()
        let waited = last.withLock { last -> TimeInterval? in
            guard queued > 0 else {
                last = nil
                return nil
            }
            guard let sample = last, sample.completed == completed else {
                last = Sample(completed: completed, since: instant)
                return nil
            }
            return instant.timeIntervalSince(sample.since)
        }
        let limit = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        guard let waited, waited >= limit else { return nil }
        return "\(queued) events queued and none finished for \(Int(waited)) s "
            + "(PERCH_STALL_TIMEOUT is \(timeout.components.seconds) s)"
    }
}
