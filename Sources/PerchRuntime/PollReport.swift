/// What one poll found and did, for logs and tests.
public struct PollReport: Sendable, Hashable {
    /// Conversations listed.
    public var conversationsListed = 0
    /// Conversations whose messages were read (recent activity).
    public var conversationsRead = 0
    /// Customer messages within the window.
    public var messagesFound = 0
    /// Of those, taken as new events.
    public var accepted = 0
    /// Of those, already known (an earlier poll, or the same message by webhook).
    public var duplicates = 0
    /// Why the poll stopped early, when it did (API failure, Perch busy).
    public var problem: String?

    public init() {}
}
