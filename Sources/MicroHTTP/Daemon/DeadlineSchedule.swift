/// Pending deadlines in the order they fall, without I/O: what `DeadlineKeeper` keeps under its lock.
///
/// Every deadline of one server is "now plus the handler timeout", so deadlines arrive in the order
/// they fall. Entries are keyed by a running number; a cursor walks that number past entries that
/// were removed or fired, so adding, removing and finding the expired ones cost O(1) (amortized).
struct DeadlineSchedule<Item> {
    private var entries: [UInt64: (deadline: ContinuousClock.Instant, item: Item)] = [:]
    private var nextID: UInt64 = 0
    /// Every id below this one has fired or been removed.
    private var oldest: UInt64 = 0
    private var latest: ContinuousClock.Instant?

    /// Deadlines pending.
    var count: Int { entries.count }

    var isEmpty: Bool { entries.isEmpty }

    /// Adds `item`, due at `deadline`; returns the id that removes it. A deadline earlier than one
    /// added before counts as that one's (the order is what makes `removeExpired` cheap).
    mutating func add(_ item: Item, deadline: ContinuousClock.Instant) -> UInt64 {
        let deadline = latest.map { max($0, deadline) } ?? deadline
        latest = deadline
        let id = nextID
        nextID += 1
        entries[id] = (deadline, item)
        return id
    }

    /// Removes the entry `id` (one that fired or was removed before is ignored).
    @discardableResult
    mutating func remove(_ id: UInt64) -> Item? {
        let removed = entries.removeValue(forKey: id)?.item
        if entries.isEmpty { oldest = nextID }
        return removed
    }

    /// Removes and returns, in order, every item whose deadline is at or before `now`.
    mutating func removeExpired(now: ContinuousClock.Instant) -> [Item] {
        var expired: [Item] = []
        while oldest < nextID {
            if let entry = entries[oldest] {
                guard entry.deadline <= now else { break }
                entries[oldest] = nil
                expired.append(entry.item)
            }
            oldest += 1
        }
        return expired
    }
}
