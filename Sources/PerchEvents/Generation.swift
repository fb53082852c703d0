/// The Bird API generation an event came from; Perch answers through the same one.
public enum Generation: String, Sendable, Hashable, Codable {
    /// Legacy MessageBird Conversations (`conversations.messagebird.com/v1`).
    case messagebird
    /// Bird platform (`api.bird.com/workspaces/...`).
    case bird
}
