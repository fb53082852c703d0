import Synchronization

/// Acknowledged events whose processing gave up because the store kept failing. They stay unfinished
/// in the inbox (a restart runs them), and the runtime's sweep queues them again once the store works,
/// so a store that heals does not need a restart.
final class AbandonedEvents: Sendable {
    private let jobs = Mutex<[Dispatcher.Job]>([])

    /// Keeps a job that could not finish.
    func add(_ job: Dispatcher.Job) {
        jobs.withLock { $0.append(job) }
    }

    var isEmpty: Bool { jobs.withLock { $0.isEmpty } }

    /// Takes every kept job, in arrival order.
    func takeAll() -> [Dispatcher.Job] {
        jobs.withLock { jobs in
            defer { jobs.removeAll() }
            return jobs.sorted { ($0.sequence ?? 0) < ($1.sequence ?? 0) }
        }
    }
}
