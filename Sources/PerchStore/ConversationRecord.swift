import Foundation

/// What Perch remembers about one conversation between events.
///
/// Stored as JSON by the backends, so a field added later decodes as its default from older rows.
public struct ConversationRecord: Sendable, Codable, Hashable {
    /// The multi-step dialog state set by `set_state`, or `nil` when none.
    public var state: String?
    /// When `state` lapses back to `nil`.
    public var stateExpiresAt: Date?
    /// Values collected during a multi-step dialog.
    public var stateData: [String: String]
    /// Last message from the customer: WhatsApp's 24-hour window starts here.
    public var lastInboundAt: Date?
    /// When the conversation was handed to a human team.
    public var handoffAt: Date?
    /// While true the bot stays quiet in this conversation.
    public var handoffActive: Bool
    /// The team it was handed to.
    public var handoffTeam: String?
    /// When each rule last fired here (cooldowns and `once_per_conversation`), by rule id.
    public var ruleLastFired: [String: Date]
    /// The conversation's status as last seen (`active`, `archived`, ...).
    public var status: String?
    /// How many automated replies followed each other without a customer message (loop guard).
    public var automatedChain: Int
    /// How many messages the conversation has seen (first-message conditions).
    public var messagesSeen: Int
    /// When the record was last changed.
    public var updatedAt: Date?
    /// Ids of the customer's latest messages that rules already decided on, newest last (at most
    /// ``decidedMessagesKept``): a message that comes again under another event name is not answered twice.
    public var decidedMessages: [String] = []

    /// How many decided message ids a record keeps; Bird repeats a message within minutes, not after dozens more.
    public static let decidedMessagesKept = 32

    /// Whether rules already decided on the customer's message `id`.
    public func hasDecided(message id: String) -> Bool { decidedMessages.contains(id) }

    /// Notes that rules decided on the customer's message `id`, forgetting the oldest beyond the bound.
    public mutating func noteDecided(message id: String) {
        guard !decidedMessages.contains(id) else { return }
        decidedMessages.append(id)
        if decidedMessages.count > Self.decidedMessagesKept {
            decidedMessages.removeFirst(decidedMessages.count - Self.decidedMessagesKept)
        }
    }

    /// Creates a record; every field has the value of a conversation Perch has not seen yet.
    public init(
        state: String? = nil,
        stateExpiresAt: Date? = nil,
        stateData: [String: String] = [:],
        lastInboundAt: Date? = nil,
        handoffAt: Date? = nil,
        handoffActive: Bool = false,
        handoffTeam: String? = nil,
        ruleLastFired: [String: Date] = [:],
        status: String? = nil,
        automatedChain: Int = 0,
        messagesSeen: Int = 0,
        updatedAt: Date? = nil
    ) {
        self.state = state
        self.stateExpiresAt = stateExpiresAt
        self.stateData = stateData
        self.lastInboundAt = lastInboundAt
        self.handoffAt = handoffAt
        self.handoffActive = handoffActive
        self.handoffTeam = handoffTeam
        self.ruleLastFired = ruleLastFired
        self.status = status
        self.automatedChain = automatedChain
        self.messagesSeen = messagesSeen
        self.updatedAt = updatedAt
    }

    private enum CodingKeys: String, CodingKey {
        case state, stateExpiresAt, stateData, lastInboundAt, handoffAt, handoffActive, handoffTeam
        case ruleLastFired, status, automatedChain, messagesSeen, updatedAt, decidedMessages
    }

    // Written by hand so that a record saved by an older Perch (missing keys) still decodes.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            state: try c.decodeIfPresent(String.self, forKey: .state),
            stateExpiresAt: try c.decodeIfPresent(Date.self, forKey: .stateExpiresAt),
            stateData: try c.decodeIfPresent([String: String].self, forKey: .stateData) ?? [:],
            lastInboundAt: try c.decodeIfPresent(Date.self, forKey: .lastInboundAt),
            handoffAt: try c.decodeIfPresent(Date.self, forKey: .handoffAt),
            handoffActive: try c.decodeIfPresent(Bool.self, forKey: .handoffActive) ?? false,
            handoffTeam: try c.decodeIfPresent(String.self, forKey: .handoffTeam),
            ruleLastFired: try c.decodeIfPresent([String: Date].self, forKey: .ruleLastFired) ?? [:],
            status: try c.decodeIfPresent(String.self, forKey: .status),
            automatedChain: try c.decodeIfPresent(Int.self, forKey: .automatedChain) ?? 0,
            messagesSeen: try c.decodeIfPresent(Int.self, forKey: .messagesSeen) ?? 0,
            updatedAt: try c.decodeIfPresent(Date.self, forKey: .updatedAt))
        decidedMessages = try c.decodeIfPresent([String].self, forKey: .decidedMessages) ?? []
    }
}
