import Foundation

/// What `/metrics` shows of the outbox, computed by the store without reading the items.
public struct OutboxSummary: Sendable, Hashable {
    /// Items in the outbox, parked ones included.
    public var count: Int
    /// Items whose automatic retries stopped.
    public var parked: Int
    /// When the oldest item still being retried first failed (its `failedAt` for items from an older
    /// Perch); `nil` when none is being retried.
    public var oldestRetriedSince: Date?

    public init(count: Int, parked: Int, oldestRetriedSince: Date?) {
        self.count = count
        self.parked = parked
        self.oldestRetriedSince = oldestRetriedSince
    }

    /// Summarises items already in memory (stores with no cheaper way).
    public init(items: some Sequence<OutboxItem>) {
        var count = 0
        var parked = 0
        var oldest: Date?
        for item in items {
            count += 1
            if item.parked != nil {
                parked += 1
            } else {
                let since = item.firstFailedAt ?? item.failedAt
                oldest = min(oldest ?? since, since)
            }
        }
        self.init(count: count, parked: parked, oldestRetriedSince: oldest)
    }
}
