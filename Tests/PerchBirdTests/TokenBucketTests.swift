import PerchBird
import PerchTesting
import Testing

@Suite("Rate limiting")
struct TokenBucketTests {
    @Test func burstGoesAtOnceThenSlotsAreEvenlySpaced() {
        var bucket = TokenBucket(rate: 10, burst: 3)
        let slots = (0..<6).map { _ in bucket.reserve(now: .zero) }
        #expect(slots == [.zero, .zero, .zero, .milliseconds(100), .milliseconds(200), .milliseconds(300)])
    }

    @Test func aQuietSpellRefillsTheBurstButNoMore() {
        var bucket = TokenBucket(rate: 10, burst: 2)
        _ = bucket.reserve(now: .zero)
        _ = bucket.reserve(now: .zero)
        // Ten seconds later: two at once again, then the steady rate.
        let later = (0..<3).map { _ in bucket.reserve(now: .seconds(10)) }
        #expect(later == [.seconds(10), .seconds(10), .seconds(10) + .milliseconds(100)])
    }

    /// Over any window of length w, at most burst + rate * w slots (rounded up for the window's end).
    static func maxInAnyWindow(_ slots: [Duration], window: Duration) -> Int {
        let sorted = slots.sorted()
        var best = 0
        var start = 0
        for end in sorted.indices {
            while sorted[end] - sorted[start] >= window { start += 1 }
            best = max(best, end - start + 1)
        }
        return best
    }

    @Test func aBurstOf2000IsHeldToTheConfiguredRate() async throws {
        // 2,000 concurrent callers on a virtual clock: the slots handed out are the schedule.
        let clock = VirtualClock()
        let limiter = RateLimiter(
            limits: RateLimits(writesPerSecond: 500, readsPerSecond: 50, writeBurst: 50), clock: clock)
        let slots = try await withThrowingTaskGroup(of: Duration.self) { group in
            for _ in 0..<2000 {
                group.addTask { try await limiter.acquire(scope: "ws", kind: .write) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(slots.count == 2000)
        #expect(Self.maxInAnyWindow(slots, window: .seconds(1)) <= 50 + 500)
        #expect(Self.maxInAnyWindow(slots, window: .milliseconds(100)) <= 50 + 50)
        // 1,950 after the burst at 2 ms each: the last goes at 3.9 s, and the clock waited for it.
        #expect(slots.max() == .milliseconds(3900))
        #expect(clock.now == .milliseconds(3900))
    }

    @Test func workspacesAndKindsHaveTheirOwnBudgets() async throws {
        let clock = VirtualClock()
        let limiter = RateLimiter(
            limits: RateLimits(writesPerSecond: 1, readsPerSecond: 1, writeBurst: 1, readBurst: 1), clock: clock)
        #expect(try await limiter.acquire(scope: "a", kind: .write) == .zero)
        #expect(try await limiter.acquire(scope: "b", kind: .write) == .zero)
        #expect(try await limiter.acquire(scope: "a", kind: .read) == .zero)
        #expect(try await limiter.acquire(scope: "a", kind: .write) == .seconds(1))
    }
}
