import PerchStore

extension ConversationRecord {
    /// Bird's word (`closed`) and the legacy one (`archived`) for a conversation that ended.
    static func isClosed(_ status: String) -> Bool { status == "closed" || status == "archived" }

    /// Takes a status Bird reported (or Perch set). Closing ends a hand-off and any dialog state, so
    /// when the conversation is reopened (or the customer starts a new one) the bot answers again.
    mutating func apply(status: String) {
        if status != self.status, Self.isClosed(status) {
            handoffActive = false
            handoffAt = nil
            handoffTeam = nil
            state = nil
            stateExpiresAt = nil
        }
        self.status = status
    }
}
