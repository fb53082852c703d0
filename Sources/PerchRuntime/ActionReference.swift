import PerchStore

/// The deterministic `reference` every outgoing message carries, so a retried send is recognisable
/// and a replayed event never sends the same message twice.
public struct ActionReference: Sendable, Hashable, CustomStringConvertible {
    public var eventKey: String
    public var ruleID: String
    public var actionIndex: Int
    /// Which Bird call of an action that makes several (a hand-off's participant and attributes), from 1;
    /// nil for an action of one call. Each call gets its own outbox item.
    public var call: Int?

    public init(eventKey: String, ruleID: String, actionIndex: Int, call: Int? = nil) {
        self.eventKey = eventKey
        self.ruleID = ruleID
        self.actionIndex = actionIndex
        self.call = call
    }

    /// What every Perch reference starts with; the echo guard looks for it.
    public static let prefix = DoneReference.prefix

    /// What the references of every action of one event start with: `perch:<event>:`.
    public static func prefix(ofEvent eventKey: String) -> String { DoneReference.prefix(ofEvent: eventKey) }

    /// `perch:<event>:<rule>:<index>`; stable across restarts and replicas.
    public var description: String {
        "\(Self.prefix)\(eventKey):\(ruleID):\(actionIndex)" + (call.map { "/\($0)" } ?? "")
    }
}
