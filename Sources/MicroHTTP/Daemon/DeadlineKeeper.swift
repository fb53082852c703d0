import Synchronization

/// Something with a deadline that `DeadlineKeeper` tells when it has passed.
protocol DeadlineTarget: AnyObject, Sendable {
    /// Called once, off the lock, when the deadline passed before the entry was removed.
    func deadlinePassed()
}

/// The handler deadlines of one server, kept by one long-lived task instead of one timer task per
/// request: a request costs an insert and a removal under a lock, and no timer.
///
/// The task wakes every `tick` while any deadline is pending and waits without a timer while none
/// is, so a deadline fires between its time and one tick later. `run()` returns after `stop()`.
final class DeadlineKeeper<Target: DeadlineTarget>: Sendable {
    private struct State {
        var schedule = DeadlineSchedule<Target>()
        /// The run loop, waiting for a first deadline; resumed with `false` to stop.
        var waiter: CheckedContinuation<Bool, Never>?
        var stopped = false
        var running = false
    }

    private let state = Mutex(State())
    private let timeout: Duration
    private let tick: Duration
    private let now: @Sendable () -> ContinuousClock.Instant

    /// - Parameters:
    ///   - timeout: how long after `add` a target's deadline falls.
    ///   - tick: how often the run loop looks for passed deadlines while any is pending.
    ///   - now: the clock (tests inject one and call `fireExpired()` themselves).
    init(
        timeout: Duration, tick: Duration = .milliseconds(100),
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) {
        self.timeout = timeout
        self.tick = tick
        self.now = now
    }

    /// Starts the deadline of `target`; returns the id that `remove` takes.
    func add(_ target: Target) -> UInt64 {
        let deadline = now() + timeout
        let (id, waiter) = state.withLock { state -> (UInt64, CheckedContinuation<Bool, Never>?) in
            let id = state.schedule.add(target, deadline: deadline)
            defer { state.waiter = nil }
            return (id, state.waiter)
        }
        waiter?.resume(returning: true)
        return id
    }

    /// Drops a deadline that is no longer needed (the target answered in time).
    func remove(_ id: UInt64) {
        // The removed target is returned out of the lock, so that its last release runs outside it.
        _ = state.withLock { $0.schedule.remove(id) }
    }

    /// Deadlines pending.
    var pending: Int { state.withLock { $0.schedule.count } }

    /// Whether `run()` is running.
    var isRunning: Bool { state.withLock { $0.running } }

    /// Tells every target whose deadline has passed; returns how many there were.
    @discardableResult
    func fireExpired() -> Int {
        let instant = now()
        let expired = state.withLock { $0.schedule.removeExpired(now: instant) }
        for target in expired { target.deadlinePassed() }
        return expired.count
    }

    /// Keeps the deadlines until `stop()`.
    func run() async {
        state.withLock { $0.running = true }
        defer { state.withLock { $0.running = false } }
        while await waitForDeadlines() {
            try? await Task.sleep(for: tick)
            if state.withLock({ $0.stopped }) { return }
            fireExpired()
        }
    }

    /// Stops `run()`; it returns at once when idle, or after its current tick (cancel its task to
    /// cut that short). Deadlines still pending are dropped.
    func stop() {
        let waiter = state.withLock { state -> CheckedContinuation<Bool, Never>? in
            state.stopped = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: false)
    }

    /// `true` once a deadline is pending, `false` once stopped.
    private func waitForDeadlines() async -> Bool {
        await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let answer = state.withLock { state -> Bool? in
                if state.stopped { return false }
                if !state.schedule.isEmpty { return true }
                state.waiter = continuation
                return nil
            }
            if let answer { continuation.resume(returning: answer) }
        }
    }
}
