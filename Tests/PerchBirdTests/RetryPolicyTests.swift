import Testing

@testable import PerchBird

extension BirdAPIError {
    static func testStatus(_ status: Int, retryAfter: Double?) -> BirdAPIError {
        .status(status, birdCode: nil, message: "test", retryAfter: retryAfter)
    }
    static let testTransport = BirdAPIError.transport("connection refused")
    static let testTimeout = BirdAPIError.timeout("timed out")
}

@Suite("Retry schedule (pure)")
struct RetryPolicyTests {
    let policy = RetryPolicy(
        maxAttempts: 5, baseDelay: .milliseconds(100), multiplier: 2, maxDelay: .seconds(1),
        maxRetryAfter: .seconds(30))

    static func answered(_ status: Int, retryAfter: Double? = nil) -> BirdAPIError {
        BirdAPIError.testStatus(status, retryAfter: retryAfter)
    }

    @Test func backoffGrowsExponentiallyUpToTheCap() {
        // Jitter 1 (just under) gives the whole step; 0 gives half of it.
        #expect(policy.backoff(afterAttempt: 1, jitter: 1) == .milliseconds(100))
        #expect(policy.backoff(afterAttempt: 2, jitter: 1) == .milliseconds(200))
        #expect(policy.backoff(afterAttempt: 3, jitter: 1) == .milliseconds(400))
        #expect(policy.backoff(afterAttempt: 5, jitter: 1) == .seconds(1))
        #expect(policy.backoff(afterAttempt: 9, jitter: 1) == .seconds(1))
        #expect(policy.backoff(afterAttempt: 3, jitter: 0) == .milliseconds(200))
        #expect(policy.backoff(afterAttempt: 3, jitter: 0.5) == .milliseconds(300))
    }

    @Test(arguments: [429, 500, 502, 503, 504])
    func retriesOverloadAndServerErrors(status: Int) {
        #expect(
            policy.decision(afterAttempt: 1, error: Self.answered(status), jitter: 1)
                == .retry(after: .milliseconds(100)))
    }

    @Test(arguments: [400, 401, 403, 404, 409, 422])
    func neverRetriesOtherClientErrors(status: Int) {
        guard case .giveUp = policy.decision(afterAttempt: 1, error: Self.answered(status), jitter: 0) else {
            Issue.record("a \(status) must not be retried")
            return
        }
    }

    @Test func retriesConnectionFailuresAndTimeouts() {
        #expect(policy.decision(afterAttempt: 2, error: .testTransport, jitter: 1) == .retry(after: .milliseconds(200)))
        #expect(policy.decision(afterAttempt: 2, error: .testTimeout, jitter: 1) == .retry(after: .milliseconds(200)))
    }

    @Test func honoursRetryAfterExactly() {
        let error = Self.answered(429, retryAfter: 1)
        #expect(policy.decision(afterAttempt: 1, error: error, jitter: 0.3) == .retry(after: .seconds(1)))
        // Longer than the backoff cap is still honoured, up to maxRetryAfter.
        #expect(
            policy.decision(afterAttempt: 1, error: Self.answered(503, retryAfter: 20), jitter: 0)
                == .retry(after: .seconds(20)))
    }

    @Test func givesUpWhenRetryAfterIsTooLong() {
        guard case .giveUp = policy.decision(afterAttempt: 1, error: Self.answered(429, retryAfter: 3600), jitter: 0)
        else {
            Issue.record("an hour's Retry-After must end the retries")
            return
        }
    }

    @Test func givesUpAfterTheLastAttempt() {
        #expect(policy.decision(afterAttempt: 4, error: Self.answered(500), jitter: 1) == .retry(after: .seconds(0.8)))
        guard case .giveUp = policy.decision(afterAttempt: 5, error: Self.answered(500), jitter: 1) else {
            Issue.record("attempt 5 of 5 must be the last")
            return
        }
        guard case .giveUp = RetryPolicy.none.decision(afterAttempt: 1, error: Self.answered(500), jitter: 1) else {
            Issue.record("RetryPolicy.none must not retry")
            return
        }
    }
}
