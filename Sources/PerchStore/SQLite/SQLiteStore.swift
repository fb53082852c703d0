import Dispatch
import Foundation
import GRDB
import Logging
import Synchronization

/// The embedded ``Store``: one SQLite file in WAL mode, through GRDB.
///
/// Threads: SQLite calls block, so none runs on Swift's cooperative pool. Writes wait in a
/// ``CommitQueue``; one drain at a time runs on the store's own serial dispatch queue and commits
/// everything that waits in one transaction (group commit), then resumes all those callers. Reads run
/// on GRDB's reader connections through its async API, in parallel with the writer (WAL).
///
/// Errors: every failure is a ``StoreError`` naming the file. A connection that failed in a way that
/// outlives the cause (it opened read-only, it lost its file) is dropped, and the next operation opens
/// a new one, so the store recovers by itself once the file is writable again. A full disk needs no
/// reconnect: the failed transaction is rolled back and the next one tries again.
public final class SQLiteStore: Store {
    /// Path of the database file (its `-wal` and `-shm` files sit beside it).
    public let path: String
    /// The settings the store was opened with.
    public let configuration: SQLiteStoreConfiguration
    let logger: Logger
    private let writerQueue: DispatchQueue
    private let state: Mutex<State>
    /// Decoded conversation records, written through after each commit (see ``RecordCache``).
    let records: Mutex<RecordCache>

    private struct State {
        var commits = CommitQueue<PendingWrite>()
        var pool: DatabasePool?
        var failing = false
        var statistics = CommitStatistics()
        /// Calls of `close()` waiting for the running drain to finish what was accepted.
        var closeWaiters: [CheckedContinuation<Void, Never>] = []
    }

    /// How many transactions the writer committed and how many writes they carried.
    public struct CommitStatistics: Sendable, Hashable {
        /// Transactions committed.
        public var commits = 0
        /// Writes committed in them; `writes / commits` is the average group size.
        public var writes = 0

        /// Zero counts.
        public init() {}
    }

    /// Counts of committed transactions and writes since the store opened (metrics, benchmarks).
    public var statistics: CommitStatistics { state.withLock { $0.statistics } }

    /// Whether the last write failed (and none succeeded since): cheap to read, so that a cached
    /// health answer can be dropped as soon as the store's state turns.
    public var isFailing: Bool { state.withLock { $0.failing } }

    /// Writes waiting for the next transaction.
    var waitingWriteCount: Int { state.withLock { $0.commits.waitingCount } }

    /// `close()` has begun: new writes are refused (tests).
    var isClosing: Bool { state.withLock { $0.commits.isClosed } }

    /// One caller's write, waiting for its batch.
    struct PendingWrite: Sendable {
        /// Runs the write inside the batch's transaction and returns what resumes the caller once committed.
        let apply: @Sendable (Database) throws -> @Sendable () -> Void
        /// Resumes the caller with an error (its write did not happen).
        let fail: @Sendable (StoreError) -> Void
    }

    /// Opens the database at `path`, creating it if needed, and migrates it to the current schema.
    ///
    /// Blocks the calling thread while it opens and migrates: call it at start-up.
    /// - Parameters:
    ///   - path: the database file; its directory must exist.
    ///   - durability: how much a committed write survives.
    ///   - logger: where the store reports failures and recoveries.
    /// - Throws: ``StoreError`` when the file cannot be opened, written or migrated.
    public convenience init(
        path: String,
        durability: Durability = .normal,
        logger: Logger = Logger(label: "perch.store")
    ) throws(StoreError) {
        try self.init(path: path, configuration: SQLiteStoreConfiguration(durability: durability), logger: logger)
    }

    /// Opens the database at `path` with the given settings, creating and migrating it as needed.
    public init(path: String, configuration: SQLiteStoreConfiguration, logger: Logger = Logger(label: "perch.store"))
        throws(StoreError)
    {
        self.path = path
        self.configuration = configuration
        self.logger = logger
        self.writerQueue = DispatchQueue(label: "perch.store.writer")
        self.state = Mutex(State())
        self.records = Mutex(RecordCache(capacity: configuration.recordCacheSize))
        let pool = try openPool()
        state.withLock { $0.pool = pool }
    }

    // MARK: Connections

    /// Opens a connection pool and migrates the file. Runs on the writer queue (or in `init`).
    private func openPool() throws(StoreError) -> DatabasePool {
        var config = Configuration()
        config.label = "perch.store"
        config.journalMode = .wal
        config.maximumReaderCount = configuration.readerCount
        config.busyMode = .timeout(configuration.busyTimeout.timeInterval)
        // The store manages its own transactions around each batch and rolls them back itself on
        // failure; if even that rollback fails, the connection is dropped rather than the process killed.
        config.allowsUnsafeTransactions = true
        let synchronous =
            switch configuration.durability {
            case .full: "FULL"
            case .normal: "NORMAL"
            case .off: "OFF"
            }
        let maximumSize = configuration.maximumSize
        config.prepareDatabase { db in
            if let maximumSize {
                let pageSize = try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 4096
                _ = try Int.fetchOne(db, sql: "PRAGMA max_page_count = \(max(1, maximumSize / pageSize))")
            }
        }
        do {
            let pool = try DatabasePool(path: path, configuration: config)
            let path = self.path
            let setup = configuration.writerSetupForTesting
            try pool.writeWithoutTransaction { db in
                // Here and not in `prepareDatabase`: GRDB sets synchronous=NORMAL when it switches the
                // writer to WAL, after `prepareDatabase` ran. Only the writer's setting matters.
                try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
                // Each write of a batch runs in a savepoint, whose sub-journal (the pages' old contents)
                // SQLite otherwise spills to a temporary file: a pwrite per page changed, 5% of Perch's
                // CPU in an end-to-end profile. In memory it is a few pages per write.
                try db.execute(sql: "PRAGMA temp_store = MEMORY")
                try Schema.migrate(db, path: path)
                try setup?(db)
            }
            return pool
        } catch {
            throw StoreError(sqlite: error, path: path)
        }
    }

    /// The open pool, opening a new one if the last was dropped. Runs on the writer queue.
    private func connection() throws(StoreError) -> DatabasePool {
        let (pool, closed) = state.withLock { ($0.pool, $0.commits.isClosed) }
        if let pool { return pool }
        if closed { throw closedError }
        let opened = try openPool()
        state.withLock { $0.pool = opened }
        // The new connection may see another file (moved, restored from a backup): cache nothing
        // from the old one.
        records.withLock { $0.clear() }
        logger.info("store reopened", metadata: ["store.path": "\(path)"])
        return opened
    }

    /// The pool for a read, opening one on the writer queue if the last was dropped.
    private func readerPool() async throws(StoreError) -> DatabasePool {
        let (pool, closed) = state.withLock { ($0.pool, $0.commits.isClosed) }
        if let pool { return pool }
        if closed { throw closedError }
        let result: Result<DatabasePool, StoreError> = await withCheckedContinuation { continuation in
            writerQueue.async {
                continuation.resume(returning: Result { () throws(StoreError) in try self.connection() })
            }
        }
        return try result.get()
    }

    private var closedError: StoreError { StoreError(.closed, "the store at \(path) is closed") }

    /// Records a failure: logs the first of a run, and drops the connection if it cannot recover by itself.
    private func noteFailure(_ error: StoreError, on pool: DatabasePool?) {
        let (firstFailure, dropped) = state.withLock { state in
            var dropped = false
            if error.needsReconnect, let pool, state.pool === pool {
                state.pool = nil
                dropped = true
            }
            defer { state.failing = true }
            return (!state.failing, dropped)
        }
        if dropped { records.withLock { $0.clear() } }
        if firstFailure {
            logger.error(
                "store write failed",
                metadata: ["store.path": "\(path)", "store.error": "\(error.message)", "store.kind": "\(error.kind)"])
        }
    }

    private func noteSuccess() {
        let recovered = state.withLock { state in
            defer { state.failing = false }
            return state.failing
        }
        if recovered { logger.notice("store writable again", metadata: ["store.path": "\(path)"]) }
    }

    // MARK: Reads and writes

    /// Runs `operation` on a reader connection, off the cooperative pool.
    func read<T: Sendable>(_ operation: @escaping @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        let pool = try await readerPool()
        do {
            return try await pool.read(operation)
        } catch {
            let storeError = StoreError(sqlite: error, path: path)
            if storeError.needsReconnect { noteFailure(storeError, on: pool) }
            throw storeError
        }
    }

    /// Runs `operation` in the next group commit and returns once that transaction is committed.
    ///
    /// Not cancellable: once submitted, the write either commits or fails as a whole with its batch.
    /// - Parameter committed: runs on the writer right after the commit, before the caller resumes
    ///   and before any later transaction commits (cache updates that must keep the commit order).
    func write<T: Sendable>(
        _ operation: @escaping @Sendable (Database) throws -> T, committed: (@Sendable (T) -> Void)? = nil
    ) async throws(StoreError) -> T {
        let result: Result<T, StoreError> = await withCheckedContinuation { continuation in
            submit(
                PendingWrite(
                    apply: { db in
                        let value = try operation(db)
                        return {
                            committed?(value)
                            continuation.resume(returning: .success(value))
                        }
                    },
                    fail: { continuation.resume(returning: .failure($0)) }))
        }
        return try result.get()
    }

    private func submit(_ write: PendingWrite) {
        // The dispatch happens outside the lock: every ingress and lane thread takes this lock once
        // per write, and holding it across `async` made them spin on it (a tenth of Perch's CPU).
        switch state.withLock({ $0.commits.submit(write) }) {
        case .startDrain: writerQueue.async { self.drain() }
        case .none: break
        case .rejectClosed: write.fail(closedError)
        }
    }

    /// Commits batches until nothing waits. Runs on the writer queue, one drain at a time. When the
    /// store was closed meanwhile, the drain that finds nothing left closes the connections.
    private func drain() {
        let maximumSize = configuration.maximumBatchSize
        while true {
            let (batch, closeWaiters) = state.withLock { state -> ([PendingWrite]?, [CheckedContinuation<Void, Never>]) in
                if let batch = state.commits.nextBatch(maximumSize: maximumSize) { return (batch, []) }
                defer { state.closeWaiters = [] }
                return (nil, state.closeWaiters)
            }
            guard let batch else {
                if !closeWaiters.isEmpty {
                    closeConnections()
                    for waiter in closeWaiters { waiter.resume() }
                }
                return
            }
            commit(batch)
        }
    }

    private enum Outcome {
        case committed(@Sendable () -> Void)
        case failed(StoreError)
    }

    /// One transaction for the whole batch; each write in a savepoint so that one failing write
    /// (a bug, or a full disk on its insert) does not take the others down with it.
    private func commit(_ batch: [PendingWrite]) {
        let pool: DatabasePool
        do {
            pool = try connection()
        } catch {
            noteFailure(error, on: nil)
            for write in batch { write.fail(error) }
            return
        }
        var outcomes: [Outcome] = []
        outcomes.reserveCapacity(batch.count)
        do {
            try pool.writeWithoutTransaction { db in
                do {
                    try db.execute(sql: "BEGIN IMMEDIATE TRANSACTION")
                    // Prepared once per connection: a batch runs these twice per write.
                    let savepoint = try db.cachedStatement(sql: "SAVEPOINT perch_write")
                    let release = try db.cachedStatement(sql: "RELEASE perch_write")
                    for write in batch {
                        try savepoint.execute()
                        do {
                            let resume = try write.apply(db)
                            try release.execute()
                            outcomes.append(.committed(resume))
                        } catch {
                            // SQLite rolls back the whole transaction on some errors (I/O, full disk
                            // during a spill): then earlier writes of the batch are gone too.
                            guard db.isInsideTransaction else { throw error }
                            try db.execute(sql: "ROLLBACK TO perch_write")
                            try release.execute()
                            outcomes.append(.failed(StoreError(sqlite: error, path: path)))
                        }
                    }
                    try db.execute(sql: "COMMIT TRANSACTION")
                } catch {
                    if db.isInsideTransaction { try? db.execute(sql: "ROLLBACK TRANSACTION") }
                    throw error
                }
            }
        } catch {
            let storeError = StoreError(sqlite: error, path: path)
            noteFailure(storeError, on: pool)
            for write in batch { write.fail(storeError) }
            return
        }
        state.withLock { state in
            state.statistics.commits += 1
            state.statistics.writes += outcomes.count { if case .committed = $0 { true } else { false } }
        }
        var sawFailure = false
        for (write, outcome) in zip(batch, outcomes) {
            switch outcome {
            case .committed(let resume):
                resume()
            case .failed(let error):
                sawFailure = true
                noteFailure(error, on: pool)
                write.fail(error)
            }
        }
        if !sawFailure { noteSuccess() }
    }

    // MARK: Lifecycle

    public func check() async -> StoreError? {
        do {
            try await write { db in try Self.probe(db) }
            return nil
        } catch {
            return error
        }
    }

    /// A small real write, plus an allocation the size of an ordinary event so that a store at its size
    /// limit reports full even though an in-place update would still fit.
    private static func probe(_ db: Database) throws {
        let now = Date().timeIntervalSinceReferenceDate
        try db.execute(
            sql: """
                INSERT INTO store_health (id, checked_at) VALUES (1, ?)
                    ON CONFLICT(id) DO UPDATE SET checked_at = excluded.checked_at
                """, arguments: [now])
        try db.execute(
            sql: "INSERT INTO store_health (id, checked_at, filler) VALUES (2, ?, zeroblob(16384))", arguments: [now])
        try db.execute(sql: "DELETE FROM store_health WHERE id = 2")
    }

    public func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            // From here on writes are refused; the ones accepted before are committed first: by the
            // running drain, which then closes, or, when none runs, right away on the writer queue.
            let idle = state.withLock { state in
                state.commits.close()
                if state.commits.isIdle { return true }
                state.closeWaiters.append(continuation)
                return false
            }
            if idle {
                writerQueue.async {
                    self.closeConnections()
                    continuation.resume()
                }
            }
        }
    }

    /// Closes the pool. Runs on the writer queue once no write is left.
    private func closeConnections() {
        let pool = state.withLock { state in
            defer { state.pool = nil }
            return state.pool
        }
        do {
            try pool?.close()
        } catch {
            logger.warning("store did not close cleanly", metadata: ["store.path": "\(path)", "store.error": "\(error)"])
        }
    }
}
