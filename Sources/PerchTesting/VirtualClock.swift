import PerchBird
import Synchronization

/// A ``ClientClock`` on which waiting takes no real time: `sleep(until:)` moves the clock to the
/// deadline (never backwards, so concurrent sleepers leave it at the latest deadline) and returns
/// at once. Tests read back how long the client waited and in which steps.
public final class VirtualClock: ClientClock {
    private struct State {
        var now: Duration = .zero
        var sleeps: [Duration] = []
    }

    private let state = Mutex(State())

    public init() {}

    public var now: Duration { state.withLock { $0.now } }

    /// Every wait asked for (deadline minus the time it was asked at), in order.
    public var sleeps: [Duration] { state.withLock { $0.sleeps } }

    public func sleep(until deadline: Duration) async throws {
        try Task.checkCancellation()
        state.withLock { state in
            state.sleeps.append(deadline - state.now)
            state.now = max(state.now, deadline)
        }
        await Task.yield()
    }

    /// Moves the clock forward by `duration` (time passing without anyone waiting).
    public func advance(by duration: Duration) {
        state.withLock { $0.now += max(duration, .zero) }
    }
}
