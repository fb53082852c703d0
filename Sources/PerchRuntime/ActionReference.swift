import PerchStore

/// The deterministic `reference` every outgoing message carries, so a retried send is recognisable
/// and a replayed event never sends the same message twice.
public struct ActionReference: Sendable, Hashable, CustomStringConvertible {
    public var eventKey: String
    public var ruleID: String
    public var actionIndex: Int

    public init(eventKey: String, ruleID: String, actionIndex: Int) {
        self.eventKey = eventKey
        self.ruleID = ruleID
        self.actionIndex = actionIndex
    }

    /// What every Perch reference starts with; the echo guard looks for it.
    public static let prefix = DoneReference.prefix

    /// What the references of every action of one event start with: `perch:<event>:`.
    public static func prefix(ofEvent eventKey: String) -> String { DoneReference.prefix(ofEvent: eventKey) }

    /// `perch:<event>:<rule>:<index>`; stable across restarts and replicas.
    public var description: String { "\(Self.prefix)\(eventKey):\(ruleID):\(actionIndex)" }
}
