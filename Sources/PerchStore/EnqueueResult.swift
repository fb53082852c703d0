/// What ``Store/enqueue(_:)`` did with an event.
public enum EnqueueResult: Sendable, Hashable {
    /// Kept durably; `sequence` orders it among all accepted entries. `actionsDoneBefore` is true
    /// when done references of this event's actions exist already (``DoneReference/prefix(ofEvent:)``):
    /// it came in again after its dedupe key was pruned, and must not repeat what it did.
    case accepted(sequence: Int64, actionsDoneBefore: Bool)
    /// Its key was already accepted within the dedupe window; nothing was written.
    case duplicate
}

/// How done references are named, as far as the store needs to know: every reference of an
/// event's actions starts with `perch:<event key>:`.
public enum DoneReference {
    /// What every Perch reference starts with.
    public static let prefix = "perch:"

    /// What the references of every action of one event start with: `perch:<event key>:`.
    public static func prefix(ofEvent eventKey: String) -> String { "\(prefix)\(eventKey):" }
}
