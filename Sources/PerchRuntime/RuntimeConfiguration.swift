/// How the runtime behaves: who it speaks as, and its limits.
public struct RuntimeConfiguration: Sendable {
    /// Bird workspace of the conversations (`BIRD_WORKSPACE_ID`).
    public var workspaceID: String
    /// Participant id Perch sends as, with type `flow` (`BIRD_FLOW_ID`).
    public var flowID: String
    /// Events accepted but not yet finished, at most; past it the ingress answers 503.
    public var queueLimit: Int
    /// Conversations handled at the same time, at most.
    public var maxActiveConversations: Int
    /// How long the bot stays quiet after a hand-off when the conversation is not closed first.
    public var handoffPause: Duration
    /// WhatsApp's customer-service window: free text only this long after the customer's last message.
    public var whatsappWindow: Duration
    /// Automated actions in a row in one conversation without a customer message, at most.
    public var automationChainLimit: Int
    /// Bird channels that are WhatsApp: Bird's conversation events name only the channel, and the
    /// 24-hour window applies to these as well as to events whose platform is `whatsapp`.
    public var whatsappChannelIDs: Set<String>
    /// Also assign handed-off conversations through the Collaborations feed-item API (search the
    /// conversation's feed item, then set its team and agent). Off by default: its request shapes are
    /// not documented by Bird.
    public var assignThroughFeedItems: Bool
    /// Bird team ids by the team names flows use in `handoff`; a name without an entry is sent as is.
    public var teamIDs: [String: String]
    /// How the outbox is replayed by itself: backoff, and how long before an item is parked.
    public var outbox = OutboxSchedule()
    /// How often events given up on because the store failed are tried again (once the store works).
    public var storeSweepInterval: Duration = .seconds(5)

    public init(
        workspaceID: String = "",
        flowID: String = "",
        queueLimit: Int = 10_000,
        maxActiveConversations: Int = 256,
        handoffPause: Duration = .seconds(24 * 3600),
        whatsappWindow: Duration = .seconds(24 * 3600),
        automationChainLimit: Int = 20,
        whatsappChannelIDs: Set<String> = [],
        assignThroughFeedItems: Bool = false,
        teamIDs: [String: String] = [:]
    ) {
        self.workspaceID = workspaceID
        self.flowID = flowID
        self.queueLimit = queueLimit
        self.maxActiveConversations = maxActiveConversations
        self.handoffPause = handoffPause
        self.whatsappWindow = whatsappWindow
        self.automationChainLimit = automationChainLimit
        self.whatsappChannelIDs = whatsappChannelIDs
        self.assignThroughFeedItems = assignThroughFeedItems
        self.teamIDs = teamIDs
    }
}
