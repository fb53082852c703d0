/// How many rows ``Store/prune(now:policy:)`` deleted, per kind.
public struct PruneReport: Sendable, Hashable {
    public var finishedInboxEntries: Int
    public var dedupeKeys: Int
    public var doneReferences: Int
    public var traces: Int

    public init(finishedInboxEntries: Int = 0, dedupeKeys: Int = 0, doneReferences: Int = 0, traces: Int = 0) {
        self.finishedInboxEntries = finishedInboxEntries
        self.dedupeKeys = dedupeKeys
        self.doneReferences = doneReferences
        self.traces = traces
    }

    /// All rows deleted.
    public var total: Int { finishedInboxEntries + dedupeKeys + doneReferences + traces }
}
