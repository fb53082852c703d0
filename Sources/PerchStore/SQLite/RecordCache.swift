/// The conversation records the SQLite store wrote or read last, decoded, so that the next event of
/// an active conversation needs no read (no hop to a reader connection, no JSON decode).
///
/// Write-through: an entry changes only after its write committed, so the cache never holds what
/// the file does not. Bounded by two generations: lookups promote from the older one, and when the
/// newer one is full the older one is dropped whole (O(1) per operation, no LRU list).
///
/// A read that missed fills the cache only if nothing could have made its value stale meanwhile:
/// ``fill(_:_:ifUnchangedSince:)`` refuses when the key was written since (the write's value wins) or
/// when a failed write or a rotation happened since (``epoch``). A conversation known to have no
/// record yet is cached too (``Entry/absent``): the first event of a new conversation reads nothing.
struct RecordCache {
    enum Entry: Sendable, Equatable {
        case record(ConversationRecord)
        /// The file holds no record for this conversation.
        case absent

        var record: ConversationRecord? {
            if case .record(let record) = self { record } else { nil }
        }
    }

    private var current: [String: Entry] = [:]
    private var previous: [String: Entry] = [:]
    private let generationSize: Int
    /// Bumped whenever an entry may have been lost or made uncertain (rotation, failed write).
    private(set) var epoch: UInt64 = 0

    /// - Parameter capacity: about the most records kept (0 turns the cache off).
    init(capacity: Int) {
        generationSize = max(0, capacity / 2)
    }

    /// What is cached for `id`, if anything.
    mutating func lookup(_ id: String) -> Entry? {
        if let entry = current[id] { return entry }
        guard let entry = previous.removeValue(forKey: id) else { return nil }
        insert(id, entry)
        return entry
    }

    /// Records a committed write of `id`.
    mutating func stored(_ id: String, _ record: ConversationRecord) {
        previous[id] = nil
        insert(id, .record(record))
    }

    /// Forgets `id` after a write whose outcome is unknown.
    mutating func forget(_ id: String) {
        current[id] = nil
        previous[id] = nil
        epoch &+= 1
    }

    /// Forgets everything (the store reconnected; the file may be another one).
    mutating func clear() {
        current = [:]
        previous = [:]
        epoch &+= 1
    }

    /// Fills in what a read found, unless the entry changed or may have since `epoch` was read.
    mutating func fill(_ id: String, _ entry: Entry, ifUnchangedSince epoch: UInt64) {
        guard epoch == self.epoch, current[id] == nil, previous[id] == nil else { return }
        insert(id, entry)
    }

    private mutating func insert(_ id: String, _ entry: Entry) {
        guard generationSize > 0 else { return }
        if current.count >= generationSize, current[id] == nil {
            previous = current
            current = [:]
            current.reserveCapacity(generationSize)
            epoch &+= 1
        }
        current[id] = entry
    }

    /// Records cached right now.
    var count: Int { current.count + previous.count }
}
