/// How much a committed write survives.
public enum Durability: String, Sendable, Hashable, CaseIterable {
    /// Every group commit is flushed to disk (fsync): survives a power loss or kernel crash.
    case full
    /// A commit is in the operating system once it returns (SQLite WAL with `synchronous=NORMAL`):
    /// survives a killed process (`kill -9`, crash, OOM kill), not a power loss. The default.
    case normal
    /// No flushes at all (`synchronous=OFF`). A killed process still loses nothing, but a power loss
    /// can corrupt the file. For tests and benchmarks only.
    case off
}
