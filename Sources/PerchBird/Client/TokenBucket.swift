/// A token bucket as a pure value (the generic cell rate algorithm): requests may go at `rate` per
/// second on average, with up to `burst` at once after a quiet spell.
///
/// It works by reservation: ``reserve(now:)`` returns the time at which the caller may go and
/// books that slot, so concurrent callers get distinct, evenly spaced slots and none of them polls.
/// Over any interval of length `w`, at most `burst + rate * w` slots are handed out.
public struct TokenBucket: Sendable, Hashable {
    /// Requests per second on average.
    public let rate: Double
    /// Requests that may go at once.
    public let burst: Int
    /// Theoretical arrival time of the next request at the steady rate (nil: never used).
    private var next: Duration?

    /// - Parameters:
    ///   - rate: requests per second, more than 0.
    ///   - burst: requests that may go at once, at least 1.
    public init(rate: Double, burst: Int) {
        self.rate = max(rate, 0.001)
        self.burst = max(burst, 1)
    }

    /// Time between two slots at the steady rate, in whole nanoseconds (so schedules add up exactly).
    private var interval: Duration { .nanoseconds(Int64((1e9 / rate).rounded())) }

    /// Books the earliest slot at or after `now` and returns it.
    public mutating func reserve(now: Duration) -> Duration {
        let interval = self.interval
        let tolerance = interval * (burst - 1)
        let theoretical = next ?? now
        let slot = max(now, theoretical - tolerance)
        next = max(theoretical, slot) + interval
        return slot
    }
}
