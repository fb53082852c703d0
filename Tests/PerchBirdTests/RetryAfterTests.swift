import Foundation
import Testing

@testable import PerchBird

/// `Retry-After` in both of its forms, and the least wait it may ask for.
@Suite("Retry-After")
struct RetryAfterTests {
    @Test func anHTTPDateIsReadAsTheSecondsUntilIt() throws {
        let now = Date()
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let text = formatter.string(from: now.addingTimeInterval(90))
        let seconds = try #require(BirdClient.retryAfterSeconds(text, now: now))
        #expect(seconds > 88 && seconds <= 90, "\(text) -> \(seconds)")
        // A date already past means: now.
        #expect(BirdClient.retryAfterSeconds(formatter.string(from: now.addingTimeInterval(-60)), now: now) == 0)
        #expect(BirdClient.retryAfterSeconds("soon", now: now) == nil)
    }

    @Test func retryAfterZeroStillWaitsTheBaseDelay() {
        let policy = RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(250))
        let error = BirdAPIError.status(503, birdCode: nil, message: "down", retryAfter: 0)
        #expect(policy.decision(afterAttempt: 1, error: error, jitter: 0) == .retry(after: .milliseconds(250)))
    }
}
