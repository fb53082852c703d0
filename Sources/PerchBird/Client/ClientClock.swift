/// Time as `BirdClient` sees it: for pacing requests (rate limits) and waiting between retries.
/// Production uses ``SystemClientClock``; tests inject a virtual one so nothing really waits.
public protocol ClientClock: Sendable {
    /// Monotonic time since an arbitrary origin.
    var now: Duration { get }
    /// Returns once the clock reads `deadline` or later; throws `CancellationError` when the task is
    /// cancelled. Deadlines are absolute so that concurrent waiters agree on when each one ends.
    func sleep(until deadline: Duration) async throws
}

extension ClientClock {
    /// Waits `duration` from now.
    public func sleep(for duration: Duration) async throws {
        try await sleep(until: now + duration)
    }
}

/// The real clock: `ContinuousClock` (monotonic, counts while the machine sleeps).
public struct SystemClientClock: ClientClock {
    private let origin = ContinuousClock.now

    public init() {}

    public var now: Duration { ContinuousClock.now - origin }

    public func sleep(until deadline: Duration) async throws {
        try await Task.sleep(until: origin + deadline, clock: .continuous)
    }
}
