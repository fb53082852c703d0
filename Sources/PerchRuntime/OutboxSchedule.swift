import Foundation
import PerchStore

/// When the runtime replays an outbox item by itself, and when it stops: pure, so it is tested without I/O.
///
/// The wait after attempt `n` is `minimumBackoff * 2^(n-1)`, capped at `maximumBackoff`; never less than
/// `minimumBackoff`, whatever `Retry-After` said. An item is retried until `retryFor` after it first
/// failed; then it is parked with the reason, for an operator.
public struct OutboxSchedule: Sendable, Hashable {
    /// How long after its first failure an item is still retried (`PERCH_OUTBOX_RETRY_FOR`).
    public var retryFor: Duration
    public var minimumBackoff: Duration
    public var maximumBackoff: Duration

    public init(
        retryFor: Duration = .seconds(3600), minimumBackoff: Duration = .seconds(1),
        maximumBackoff: Duration = .seconds(30)
    ) {
        self.retryFor = retryFor
        self.minimumBackoff = minimumBackoff
        self.maximumBackoff = max(minimumBackoff, maximumBackoff)
    }

    /// What to do with an item now.
    public enum Step: Sendable, Hashable {
        /// Send it now.
        case send
        /// Not yet: try again at this time.
        case wait(until: Date)
        /// Its time ran out: park it with this reason.
        case park(reason: String)
    }

    /// The wait after `attempts` failed replays (attempts before the first replay count too).
    public func backoff(afterAttempts attempts: Int) -> Duration {
        guard attempts > 0 else { return .zero }
        var wait = minimumBackoff
        for _ in 1..<min(attempts, 32) {
            wait = wait * 2
            if wait >= maximumBackoff { return maximumBackoff }
        }
        return min(wait, maximumBackoff)
    }

    /// The step for `item` at `now`. An item that only waited behind another (no attempt yet) is sent at once.
    public func step(for item: OutboxItem, now: Date) -> Step {
        let first = item.firstFailedAt ?? item.failedAt
        if now.timeIntervalSince(first) >= retryFor.seconds {
            return .park(
                reason:
                    "not delivered within \(Int(retryFor.seconds))s (PERCH_OUTBOX_RETRY_FOR) after \(item.attempts) "
                    + "attempts; last error: \(item.lastError)")
        }
        let due = item.failedAt.addingTimeInterval(backoff(afterAttempts: item.attempts).seconds)
        return due <= now ? .send : .wait(until: due)
    }
}
