/// Where Perch reaches Bird, and as whom.
public struct BirdConfiguration: Sendable {
    /// Bird platform API base URL (`BIRD_API_URL`).
    public var birdAPIURL: String
    /// Legacy MessageBird Conversations API base URL (`MESSAGEBIRD_API_URL`).
    public var messageBirdAPIURL: String
    /// Access key for the Bird platform (`BIRD_ACCESS_KEY`); nil means sandbox mode.
    public var birdAccessKey: String?
    /// Access key for the legacy API (`MESSAGEBIRD_ACCESS_KEY`, defaults to the Bird one).
    public var messageBirdAccessKey: String?
    /// Workspace that conversations belong to (`BIRD_WORKSPACE_ID`).
    public var workspaceID: String?
    /// Participant id Perch sends as, with participant type `flow` (`BIRD_FLOW_ID`).
    public var flowID: String?

    public init(
        birdAPIURL: String = "https://api.bird.com",
        messageBirdAPIURL: String = "https://conversations.messagebird.com/v1",
        birdAccessKey: String? = nil,
        messageBirdAccessKey: String? = nil,
        workspaceID: String? = nil,
        flowID: String? = nil
    ) {
        self.birdAPIURL = birdAPIURL
        self.messageBirdAPIURL = messageBirdAPIURL
        self.birdAccessKey = birdAccessKey
        self.messageBirdAccessKey = messageBirdAccessKey ?? birdAccessKey
        self.workspaceID = workspaceID
        self.flowID = flowID
    }

    /// True when no access key is set: calls are recorded and logged, never sent.
    public var isSandbox: Bool { birdAccessKey == nil && messageBirdAccessKey == nil }
}
