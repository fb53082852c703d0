import PerchStore
import Synchronization

/// The store probe behind `/readyz`, run at most once per `interval`: the probe is a small write
/// transaction, and an orchestrator or a stranger polling `/readyz` must not turn into a stream of
/// writes. Callers within the interval get the last answer, unless the store's own failing flag
/// turned since (a write failed or succeeded again), which makes the next call probe at once.
final class ReadinessProbe: Sendable {
    private struct Cached {
        var at: ContinuousClock.Instant
        var failing: Bool
        var problem: String?
    }

    private let cached = Mutex<Cached?>(nil)
    private let interval: Duration
    private let probe: @Sendable () async -> StoreError?
    private let failing: @Sendable () -> Bool

    /// - Parameters:
    ///   - interval: how long an answer is reused.
    ///   - failing: the store's cheap failing flag.
    ///   - probe: the real check.
    init(
        interval: Duration = .seconds(1), failing: @escaping @Sendable () -> Bool,
        probe: @escaping @Sendable () async -> StoreError?
    ) {
        self.interval = interval
        self.failing = failing
        self.probe = probe
    }

    /// The store's problem as its class only (`store: disk full`), or nil: the full message names
    /// the file, which strangers need not learn (the log has it).
    func storeProblem() async -> String? {
        let now = ContinuousClock.now
        let failingNow = failing()
        if let last = cached.withLock({ $0 }), now - last.at < interval, last.failing == failingNow {
            return last.problem
        }
        let problem = await probe().map { "store: \($0.kind)" }
        cached.withLock { $0 = Cached(at: now, failing: failing(), problem: problem) }
        return problem
    }
}
