import Foundation

/// One Bird event, normalized: every webhook generation and the poller decode into this, and every
/// later stage (dispatcher, flow engine, actions, traces) reads only this.
public struct Event: Sendable, Hashable {
    /// What the event is about.
    public enum Kind: String, Sendable, Hashable, Codable {
        case message
        case conversation
        case voiceCall = "voice_call"
        case smsStatus = "sms_status"
    }

    /// Which way a message travelled, seen from the business.
    public enum Direction: String, Sendable, Hashable, Codable {
        /// Sent by the customer (legacy `received`, Bird `incoming`).
        case incoming
        /// Sent by the business, an agent or a bot (legacy `sent`, Bird `outgoing`).
        case outgoing
    }

    public var kind: Kind
    public var generation: Generation
    /// The event name as Bird sent it: `message.created`, `whatsapp.inbound`, `conversation.updated`.
    public var name: String
    /// Key that is the same for every delivery of this event and differs between events; dedupe uses it.
    public var key: String
    public var messageID: String?
    public var conversationID: String?
    public var contactID: String?
    public var channelID: String?
    /// Platform name in lower case: `whatsapp`, `sms`, `telegram`, `messenger`, ...
    public var platform: String?
    public var direction: Direction?
    /// Message (or call, or delivery) status as Bird sent it.
    public var status: String?
    /// Message type as Bird sent it: `text`, `image`, `file`, `location`, `interactive`, `hsm`, ...
    public var messageType: String?
    public var content: MessageContent?
    /// `active`, `archived` (legacy) or `active`, `closed` (Bird).
    public var conversationStatus: String?
    public var contact: Contact?
    /// Who sent the message, when Bird says so.
    public var sender: Participant?
    /// Conversation attributes (Bird) or custom details.
    public var conversationAttributes: [String: JSONValue]
    /// The message's `reference`; Perch puts its own there, so the echo guard can spot it.
    public var reference: String?
    /// When Bird says the event happened (message created, status changed).
    public var occurredAt: Date?
    /// The body as received, for templates to read.
    public var raw: JSONValue
    /// The call a voice event is about (legacy voice webhooks).
    public var callID: String? = nil
    /// Bird's id of this delivery (`messagebird-request-id` header), for the subscription logs API.
    public var requestID: String? = nil

    public init(
        kind: Kind, generation: Generation, name: String, key: String, messageID: String? = nil,
        conversationID: String? = nil, contactID: String? = nil, channelID: String? = nil, platform: String? = nil,
        direction: Direction? = nil, status: String? = nil, messageType: String? = nil,
        content: MessageContent? = nil, conversationStatus: String? = nil, contact: Contact? = nil,
        sender: Participant? = nil, conversationAttributes: [String: JSONValue] = [:], reference: String? = nil,
        occurredAt: Date? = nil, raw: JSONValue = .null
    ) {
        self.kind = kind
        self.generation = generation
        self.name = name
        self.key = key
        self.messageID = messageID
        self.conversationID = conversationID
        self.contactID = contactID
        self.channelID = channelID
        self.platform = platform
        self.direction = direction
        self.status = status
        self.messageType = messageType
        self.content = content
        self.conversationStatus = conversationStatus
        self.contact = contact
        self.sender = sender
        self.conversationAttributes = conversationAttributes
        self.reference = reference
        self.occurredAt = occurredAt
        self.raw = raw
    }

    /// The text a customer wrote, or the title of the button or list item they picked.
    public var text: String? { content?.text ?? content?.reply?.title }
}
