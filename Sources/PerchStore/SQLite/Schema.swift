import GRDB

/// The versioned schema of the SQLite store: each migration moves the file from the version before it
/// to its own, inside one transaction with the version bump, so a file is always at exactly one version.
///
/// Times are stored as REAL seconds since 2001-01-01 UTC (Foundation's reference date), which round-trips
/// a `Date` exactly.
enum Schema {
    struct Migration: Sendable {
        let version: Int
        let why: String
        let apply: @Sendable (Database) throws -> Void
    }

    /// Every migration in order; append, never edit one that shipped.
    static let migrations: [Migration] = [
        Migration(version: 1, why: "first schema: inbox, dedupe keys, conversations, references, outbox, traces") {
            db in
            try db.execute(
                sql: """
                    CREATE TABLE inbox (
                        sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                        key TEXT NOT NULL,
                        conversation_key TEXT NOT NULL,
                        source TEXT NOT NULL,
                        payload BLOB NOT NULL,
                        metadata TEXT NOT NULL,
                        received_at REAL NOT NULL,
                        done_at REAL
                    );
                    CREATE TABLE dedupe_keys (key TEXT PRIMARY KEY NOT NULL, seen_at REAL NOT NULL) WITHOUT ROWID;
                    CREATE TABLE conversations (
                        id TEXT PRIMARY KEY NOT NULL, record TEXT NOT NULL, updated_at REAL NOT NULL
                    ) WITHOUT ROWID;
                    CREATE TABLE done_references (reference TEXT PRIMARY KEY NOT NULL, done_at REAL NOT NULL) WITHOUT ROWID;
                    CREATE TABLE outbox (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        reference TEXT NOT NULL,
                        event_key TEXT NOT NULL,
                        conversation_id TEXT,
                        kind TEXT NOT NULL,
                        request TEXT NOT NULL,
                        last_error TEXT NOT NULL,
                        attempts INTEGER NOT NULL,
                        failed_at REAL NOT NULL
                    );
                    CREATE TABLE traces (event_key TEXT PRIMARY KEY NOT NULL, trace TEXT NOT NULL, saved_at REAL NOT NULL);
                    """)
        },
        Migration(
            version: 2,
            why: "indexes for recovery and pruning; one outbox item per reference; a row for the health probe"
        ) { db in
            // Version 1 could keep several outbox items for one reference; keep the newest of each.
            try db.execute(
                sql: """
                    DELETE FROM outbox WHERE id NOT IN (SELECT max(id) FROM outbox GROUP BY reference);
                    CREATE UNIQUE INDEX outbox_reference ON outbox(reference);
                    CREATE INDEX inbox_unfinished ON inbox(sequence) WHERE done_at IS NULL;
                    CREATE INDEX inbox_finished ON inbox(received_at) WHERE done_at IS NOT NULL;
                    CREATE INDEX dedupe_keys_seen_at ON dedupe_keys(seen_at);
                    CREATE INDEX done_references_done_at ON done_references(done_at);
                    CREATE INDEX traces_saved_at ON traces(saved_at);
                    CREATE TABLE store_health (id INTEGER PRIMARY KEY, checked_at REAL NOT NULL, filler BLOB);
                    """)
        },
        Migration(version: 3, why: "automatic outbox retries: when an item first failed, and why it was parked") { db in
            try db.execute(
                sql: """
                    ALTER TABLE outbox ADD COLUMN first_failed_at REAL;
                    ALTER TABLE outbox ADD COLUMN parked TEXT;
                    """)
        },
    ]

    static var currentVersion: Int { migrations.last!.version }

    /// The version a file is at: 0 for a new, empty file.
    static func version(_ db: Database) throws -> Int {
        guard try db.tableExists("schema_version") else { return 0 }
        return try Int.fetchOne(db, sql: "SELECT version FROM schema_version") ?? 0
    }

    /// Brings the file to ``currentVersion`` in one transaction.
    /// - Throws: ``StoreError`` `.incompatible` when the file is newer than this Perch; database errors otherwise.
    static func migrate(_ db: Database, path: String) throws {
        try db.inTransaction(.immediate) {
            try db.execute(sql: "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            let found = try version(db)
            if found > currentVersion {
                throw StoreError(
                    .incompatible,
                    "the store at \(path) has schema version \(found), newer than this Perch knows (\(currentVersion)): "
                        + "run a newer Perch, or point PERCH_STORE at another file")
            }
            for migration in migrations where migration.version > found {
                try migration.apply(db)
            }
            if found < currentVersion {
                try db.execute(sql: "DELETE FROM schema_version")
                try db.execute(sql: "INSERT INTO schema_version (version) VALUES (?)", arguments: [currentVersion])
            }
            return .commit
        }
    }
}
