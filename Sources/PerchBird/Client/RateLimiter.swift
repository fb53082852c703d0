import Synchronization

/// Paces requests per workspace and per kind (read or write) with one ``TokenBucket`` each, waiting
/// on an injected ``ClientClock``.
public final class RateLimiter: Sendable {
    /// Which budget a request draws from.
    public enum Kind: Sendable, Hashable {
        case read
        case write

        /// GET and HEAD read; everything else writes.
        public init(method: String) {
            self = method == "GET" || method == "HEAD" ? .read : .write
        }
    }

    private struct Key: Hashable {
        var scope: String
        var kind: Kind
    }

    public let limits: RateLimits
    private let clock: any ClientClock
    private let buckets = Mutex<[Key: TokenBucket]>([:])

    /// - Parameters:
    ///   - limits: rates and bursts per scope.
    ///   - clock: what waits; a virtual one in tests.
    public init(limits: RateLimits, clock: any ClientClock) {
        self.limits = limits
        self.clock = clock
    }

    /// Waits until a request of `kind` in `scope` (a workspace) may go, and returns the clock time of
    /// the slot it was given.
    /// - Throws: `CancellationError` when the task is cancelled while it waits (the slot is lost).
    @discardableResult
    public func acquire(scope: String, kind: Kind) async throws -> Duration {
        let now = clock.now
        let rate = kind == .read ? limits.readsPerSecond : limits.writesPerSecond
        guard rate.isFinite else { return now }
        let slot = buckets.withLock { buckets in
            let key = Key(scope: scope, kind: kind)
            var bucket =
                buckets[key]
                ?? TokenBucket(rate: rate, burst: kind == .read ? limits.readBurst : limits.writeBurst)
            defer { buckets[key] = bucket }
            return bucket.reserve(now: now)
        }
        if slot > now { try await clock.sleep(until: slot) }
        return slot
    }
}
