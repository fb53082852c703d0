import Synchronization
import Testing

@testable import MicroHTTP

@Suite struct DeadlineScheduleTests {
    @Test func expiredItemsComeOutInOrderAndRemovedOnesNever() {
        let start = ContinuousClock.now
        var schedule = DeadlineSchedule<String>()
        _ = schedule.add("a", deadline: start + .seconds(1))
        let b = schedule.add("b", deadline: start + .seconds(2))
        _ = schedule.add("c", deadline: start + .seconds(3))
        schedule.remove(b)
        #expect(schedule.removeExpired(now: start + .milliseconds(999)) == [])
        #expect(schedule.removeExpired(now: start + .seconds(2)) == ["a"])
        #expect(schedule.count == 1)
        #expect(schedule.removeExpired(now: start + .seconds(10)) == ["c"])
        #expect(schedule.isEmpty)
        // Removing what already fired or was removed changes nothing.
        #expect(schedule.remove(b) == nil)
        _ = schedule.add("d", deadline: start + .seconds(11))
        #expect(schedule.removeExpired(now: start + .seconds(11)) == ["d"])
    }

    @Test func aDeadlineNeverFallsBeforeOneAddedEarlier() {
        let start = ContinuousClock.now
        var schedule = DeadlineSchedule<String>()
        _ = schedule.add("late", deadline: start + .seconds(5))
        _ = schedule.add("early", deadline: start + .seconds(1))
        #expect(schedule.removeExpired(now: start + .seconds(2)) == [])
        #expect(schedule.removeExpired(now: start + .seconds(5)) == ["late", "early"])
    }
}

@Suite struct DeadlineKeeperTests {
    @Test func onlyPassedDeadlinesFireAndOnlyOnce() {
        let clock = ManualClock()
        let keeper = DeadlineKeeper<FakeTarget>(timeout: .seconds(30), now: clock.now)
        let first = FakeTarget()
        let second = FakeTarget()
        let answered = FakeTarget()
        _ = keeper.add(first)
        clock.advance(by: .seconds(10))
        _ = keeper.add(second)
        keeper.remove(keeper.add(answered))
        #expect(keeper.pending == 2)
        clock.advance(by: .seconds(19))
        #expect(keeper.fireExpired() == 0)
        clock.advance(by: .seconds(1))
        #expect(keeper.fireExpired() == 1)
        #expect(first.fired == 1 && second.fired == 0)
        clock.advance(by: .seconds(10))
        #expect(keeper.fireExpired() == 1)
        #expect(keeper.fireExpired() == 0)
        #expect(first.fired == 1 && second.fired == 1 && answered.fired == 0)
        #expect(keeper.pending == 0)
    }

    @Test(.timeLimit(.minutes(1)))
    func runFiresPassedDeadlinesAndReturnsOnStop() async {
        let clock = ManualClock()
        let keeper = DeadlineKeeper<FakeTarget>(timeout: .seconds(30), tick: .milliseconds(1), now: clock.now)
        let run = Task { await keeper.run() }
        let target = FakeTarget()
        let waiting = FakeTarget()
        _ = keeper.add(target)
        clock.advance(by: .seconds(20))
        _ = keeper.add(waiting)
        clock.advance(by: .seconds(10))
        await target.waitUntilFired()
        #expect(waiting.fired == 0)
        // Stops while a deadline is still pending (ticking), not only when idle.
        keeper.stop()
        await run.value
        #expect(!keeper.isRunning)
        #expect(waiting.fired == 0)
    }

    @Test(.timeLimit(.minutes(1)))
    func idleRunReturnsOnStop() async {
        let keeper = DeadlineKeeper<FakeTarget>(timeout: .seconds(30))
        let run = Task { await keeper.run() }
        keeper.stop()
        await run.value
        #expect(!keeper.isRunning)
    }
}

/// A clock that moves only when told.
private final class ManualClock: Sendable {
    private let instant = Mutex(ContinuousClock.now)

    var now: @Sendable () -> ContinuousClock.Instant {
        { [self] in instant.withLock { $0 } }
    }

    func advance(by duration: Duration) {
        instant.withLock { $0 += duration }
    }
}

/// Counts the times its deadline passed; a test can wait for the first.
private final class FakeTarget: DeadlineTarget {
    private struct State {
        var fired = 0
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    var fired: Int { state.withLock { $0.fired } }

    func deadlinePassed() {
        let waiters = state.withLock { state in
            state.fired += 1
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    func waitUntilFired() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let fired = state.withLock { state in
                if state.fired > 0 { return true }
                state.waiters.append(continuation)
                return false
            }
            if fired { continuation.resume() }
        }
    }
}
