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

    public init(
        workspaceID: String = "",
        flowID: String = "",
        queueLimit: Int = 10_000,
        maxActiveConversations: Int = 256,
        handoffPause: Duration = .seconds(24 * 3600),
        whatsappWindow: Duration = .seconds(24 * 3600),
        automationChainLimit: Int = 20
    ) {
        self.workspaceID = workspaceID
        self.flowID = flowID
        self.queueLimit = queueLimit
        self.maxActiveConversations = maxActiveConversations
        self.handoffPause = handoffPause
        self.whatsappWindow = whatsappWindow
        self.automationChainLimit = automationChainLimit
    }
}
