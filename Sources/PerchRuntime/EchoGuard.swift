import PerchEvents

/// Decides whether an event was caused by Perch itself (or is otherwise not a customer speaking),
/// so it never triggers rules. Pure.
public struct EchoGuard: Sendable {
    public var flowID: String
    /// Participant ids that flows send as with their own `participant_id`.
    public var participantIDs: Set<String>

    public init(flowID: String, participantIDs: Set<String> = []) {
        self.flowID = flowID
        self.participantIDs = participantIDs
    }

    /// Why the event must not trigger rules, or nil when it may.
    public func reason(_ event: Event) -> String? {
        if let reference = event.reference, reference.hasPrefix(ActionReference.prefix) {
            return "message carries Perch's own reference"
        }
        if let sender = event.sender, sender.type == "flow",
            sender.id == flowID || flowID.isEmpty || sender.id.map(participantIDs.contains) == true
        {
            return "message was sent by Perch (participant type flow)"
        }
        if event.kind == .message, event.direction == .outgoing {
            return "message was sent by the business, not the customer"
        }
        return nil
    }
}
