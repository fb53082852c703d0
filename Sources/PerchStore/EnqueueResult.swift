/// What ``Store/enqueue(_:)`` did with an event.
public enum EnqueueResult: Sendable, Hashable {
    /// Kept durably; `sequence` orders it among all accepted entries.
    case accepted(sequence: Int64)
    /// Its key was already accepted within the dedupe window; nothing was written.
    case duplicate
}
