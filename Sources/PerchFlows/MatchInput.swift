import Foundation
import PerchEvents

/// Everything a decision depends on: the event, the clock, and what the runtime remembers.
public struct MatchInput: Sendable {
    public var event: Event
    /// The injected clock: business hours and cooldowns are evaluated at this instant.
    public var now: Date
    public var conversation: ConversationSnapshot

    public init(event: Event, now: Date, conversation: ConversationSnapshot = .init()) {
        self.event = event
        self.now = now
        self.conversation = conversation
    }
}

/// What the runtime remembers about a conversation, as far as rules can ask about it.
public struct ConversationSnapshot: Sendable, Hashable {
    /// The current dialog state (the runtime has already dropped an expired one).
    public var state: String?
    /// No earlier inbound message was seen in this conversation.
    public var isFirstMessage: Bool
    /// When each rule last fired here, keyed `"<flow>/<rule>"`: for `cooldown` and `once_per_conversation`.
    public var ruleLastFired: [String: Date]
    /// The event's customer message was already decided on when an earlier event brought it (legacy
    /// `message.created` before `message.updated`, a second `conversation.updated`): only rules that
    /// name this event explicitly see it again.
    public var messageAlreadyDecided: Bool

    public init(
        state: String? = nil, isFirstMessage: Bool = true, ruleLastFired: [String: Date] = [:],
        messageAlreadyDecided: Bool = false
    ) {
        self.state = state
        self.isFirstMessage = isFirstMessage
        self.ruleLastFired = ruleLastFired
        self.messageAlreadyDecided = messageAlreadyDecided
    }
}
