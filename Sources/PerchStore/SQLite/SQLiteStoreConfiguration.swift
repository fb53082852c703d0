import GRDB

/// Settings of a ``SQLiteStore``.
public struct SQLiteStoreConfiguration: Sendable {
    /// How much a committed write survives; the default survives a killed process.
    public var durability: Durability
    /// The most writes that share one transaction. 1 turns group commit off (one commit per write),
    /// which only benchmarks want.
    public var maximumBatchSize: Int
    /// The largest the database may grow, in bytes, or `nil` for no limit. When it is reached, writes
    /// fail with ``StoreError/Kind-swift.struct/diskFull`` (the ingress answers 503) until pruning frees room:
    /// a full store instead of a full disk.
    public var maximumSize: Int?
    /// How many connections read in parallel with the writer.
    public var readerCount: Int
    /// How long a write waits for a lock held by another process (a backup, `sqlite3` on the file).
    public var busyTimeout: Duration
    /// About how many conversation records are kept decoded in memory (write-through), so that an
    /// active conversation's next event reads nothing from the file. 0 turns the cache off.
    public var recordCacheSize: Int

    /// Runs on the writer connection after every (re)open; lets tests turn the connection read-only.
    var writerSetupForTesting: (@Sendable (Database) throws -> Void)?

    /// Creates a configuration with the defaults for `perch serve`.
    public init(
        durability: Durability = .normal,
        maximumBatchSize: Int = 512,
        maximumSize: Int? = nil,
        readerCount: Int = 2,
        busyTimeout: Duration = .seconds(5),
        recordCacheSize: Int = 20_000
    ) {
        self.durability = durability
        self.maximumBatchSize = max(1, maximumBatchSize)
        self.maximumSize = maximumSize
        self.readerCount = max(1, readerCount)
        self.busyTimeout = busyTimeout
        self.recordCacheSize = max(0, recordCacheSize)
    }
}
