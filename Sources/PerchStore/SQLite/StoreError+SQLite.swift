import GRDB

extension StoreError {
    /// Turns whatever the SQLite layer threw into a message about the store's file.
    init(sqlite error: any Error, path: String) {
        if let error = error as? StoreError {
            self = error
            return
        }
        guard let error = error as? DatabaseError else {
            self.init(.other, "the store at \(path) failed: \(error)")
            return
        }
        let detail = error.message ?? "\(error.resultCode)"
        switch error.resultCode {
        case .SQLITE_FULL:
            self.init(
                .diskFull,
                "the store at \(path) is not writable: disk full (\(detail)); free disk space, "
                    + "or prune or raise the store's size limit; Perch retries by itself")
        case .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_AUTH:
            self.init(
                .unwritable,
                "the store at \(path) is not writable (\(detail)); check the permissions of the file, "
                    + "its -wal and -shm files and its directory, and that the file system is mounted read-write")
        case .SQLITE_CANTOPEN:
            self.init(
                .cannotOpen,
                "the store at \(path) cannot be opened (\(detail)); check that its directory exists and is writable")
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            self.init(
                .corrupt,
                "the store at \(path) is damaged or not a Perch database (\(detail)); "
                    + "restore it from a backup or move it away to start empty")
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            self.init(
                .busy,
                "the store at \(path) is locked by another process (\(detail)); stop the other writer")
        case .SQLITE_IOERR:
            self.init(
                .ioFailure,
                "the store at \(path) could not be read or written (\(detail)); check the disk and the kernel log")
        default:
            self.init(.other, "the store at \(path) failed: \(error.description)")
        }
    }

    /// Whether the connection that hit this error should be dropped and opened anew: a connection that
    /// opened read-only or lost its file stays broken after the cause is fixed, a new one does not.
    var needsReconnect: Bool {
        kind == .unwritable || kind == .ioFailure || kind == .cannotOpen || kind == .corrupt
    }
}
