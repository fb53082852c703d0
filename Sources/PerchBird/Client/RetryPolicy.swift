/// When and how long `BirdClient` waits before trying a failed call again. Pure: the decision is a
/// function of the attempt number, the error and a jitter value, so it is tested without I/O.
///
/// Failures worth retrying are those of ``BirdAPIError/isRetryable``: no answer (connection errors,
/// timeouts), 429 and 5xx. Other 4xx answers are final. The wait grows exponentially from
/// ``baseDelay`` with "equal jitter" (a random point between half the step and the whole step), capped
/// at ``maxDelay``. A `Retry-After` from Bird replaces the computed wait; one longer than
/// ``maxRetryAfter`` gives up at once (the action goes to the outbox instead of holding its
/// conversation's lane).
public struct RetryPolicy: Sendable, Hashable {
    /// Most attempts per call, the first included (1 = never retry).
    public var maxAttempts: Int
    /// Wait before the second attempt, before jitter.
    public var baseDelay: Duration
    /// Growth of the wait per attempt.
    public var multiplier: Double
    /// Longest computed wait between two attempts.
    public var maxDelay: Duration
    /// Longest `Retry-After` honoured; a longer one ends the retries.
    public var maxRetryAfter: Duration

    /// - Parameters:
    ///   - maxAttempts: most attempts, the first included; at least 1.
    ///   - baseDelay: wait before the second attempt (before jitter).
    ///   - multiplier: growth per attempt.
    ///   - maxDelay: cap of the computed wait.
    ///   - maxRetryAfter: longest `Retry-After` honoured.
    public init(
        maxAttempts: Int = 5,
        baseDelay: Duration = .milliseconds(250),
        multiplier: Double = 2,
        maxDelay: Duration = .seconds(10),
        maxRetryAfter: Duration = .seconds(60)
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.multiplier = max(1, multiplier)
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
    }

    /// Never retries.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// What to do after a failed attempt.
    public enum Decision: Sendable, Hashable {
        /// Try again after this wait.
        case retry(after: Duration)
        /// Stop and report the error; the reason says why.
        case giveUp(reason: String)
    }

    /// Decides what follows the failed attempt number `attempt` (1 for the first).
    /// - Parameters:
    ///   - attempt: the attempt that just failed, from 1.
    ///   - error: how it failed.
    ///   - jitter: a value in `0..<1`; `BirdClient` passes a random one, tests a fixed one.
    public func decision(afterAttempt attempt: Int, error: BirdAPIError, jitter: Double) -> Decision {
        guard error.isRetryable else { return .giveUp(reason: "not retryable") }
        guard attempt < maxAttempts else { return .giveUp(reason: "gave up after \(attempt) attempts") }
        if let seconds = error.retryAfterSeconds {
            let wait = Duration.microseconds(Int64((max(0, min(seconds, 1e9)) * 1e6).rounded()))
            guard wait <= maxRetryAfter else {
                return .giveUp(reason: "Bird asked to wait \(seconds)s, longer than the \(maxRetryAfter) allowed")
            }
            // `Retry-After: 0` (or a date in the past) still waits the base delay: five attempts in a
            // row without a pause would use up the retries of a short outage at once.
            return .retry(after: max(wait, baseDelay))
        }
        return .retry(after: backoff(afterAttempt: attempt, jitter: jitter))
    }

    /// The computed wait after attempt `attempt`: `baseDelay * multiplier^(attempt-1)`, capped at
    /// `maxDelay`, then scaled into `[step/2, step)` by `jitter`.
    public func backoff(afterAttempt attempt: Int, jitter: Double) -> Duration {
        let exponent = Double(max(0, attempt - 1))
        let base = baseDelay.secondsValue * pow(multiplier, exponent)
        let step = min(base, maxDelay.secondsValue)
        let clamped = min(max(jitter, 0), 1)
        // Whole microseconds, so schedules compare exactly.
        return .microseconds(Int64((step * (0.5 + clamped / 2) * 1e6).rounded()))
    }
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    var secondsValue: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

private func pow(_ base: Double, _ exponent: Double) -> Double {
    // Integer exponents only (attempt counts): no Foundation needed.
    var result = 1.0
    var remaining = Int(exponent)
    while remaining > 0 {
        result *= base
        remaining -= 1
    }
    return result
}
