/// Turns webhook bodies of every Bird generation into one normalized ``Event``.
///
/// Each body is parsed once (into ``JSONValue``, kept as ``Event/raw``) and the fields are read
/// from that tree. Unknown fields are ignored; unknown event names decode (``isKnown(_:)`` is then
/// false) so that the server can answer 2xx and count them instead of causing retries; malformed
/// JSON and missing required fields throw a ``DecodeError`` with a short reason.
///
/// Where the decoders go beyond the documented payloads, the code says `[INF]` (inferred).
public enum WebhookDecoder {
    /// The event name given to legacy voice call events (the AsyncAPI message name).
    public static let voiceCallEventName = "voice.call.event"
    /// The event name given to legacy SMS status reports (the AsyncAPI message name).
    public static let smsStatusEventName = "sms.status.report"

    /// Legacy conversations webhook body (`message.created|updated`, `conversation.created|updated`).
    /// - Parameter body: the raw request body.
    public static func messageBird(_ body: [UInt8]) throws(DecodeError) -> Event {
        try MessageBirdDecoding.conversationEvent(JSONValue.parseObject(body), body: body)
    }

    /// Legacy voice call events: the flat call object of the AsyncAPI description, or the
    /// `{timestamp, items: [{type, event, payload}]}` envelope of the Voice API [INF].
    /// - Parameter body: the raw request body.
    public static func messageBirdVoice(_ body: [UInt8]) throws(DecodeError) -> Event {
        try MessageBirdDecoding.voiceEvent(JSONValue.parseObject(body), body: body)
    }

    /// Legacy SMS status reports: query parameters (GET) or a JSON/form body (POST).
    /// - Parameters:
    ///   - query: decoded query parameters in received order; used when not empty.
    ///   - body: the raw body; JSON when it starts with `{`, otherwise form-encoded.
    public static func messageBirdSMSStatus(
        query: [(name: String, value: String)], body: [UInt8]
    ) throws(DecodeError) -> Event {
        try MessageBirdDecoding.smsStatus(query: query, body: body)
    }

    /// Bird platform envelope `{service, event, payload}`.
    /// - Parameters:
    ///   - body: the raw request body.
    ///   - requestID: the `messagebird-request-id` header, if any; kept as ``Event/requestID``.
    public static func bird(_ body: [UInt8], requestID: String?) throws(DecodeError) -> Event {
        var event = try BirdDecoding.event(JSONValue.parseObject(body), body: body)
        if let requestID, !requestID.isEmpty { event.requestID = requestID }
        return event
    }

    /// Event names Perch knows; others are accepted but the server logs and counts them.
    public static func isKnown(_ event: Event) -> Bool {
        switch event.generation {
        case .messagebird:
            switch event.name {
            case "message.created", "message.updated", "conversation.created", "conversation.updated",
                voiceCallEventName, smsStatusEventName:
                return true
            default:
                return false
            }
        case .bird:
            switch event.name {
            case "conversation.created", "conversation.updated", "conversation.deleted": return true
            default: return BirdDecoding.channelMessageEvent(event.name) != nil
            }
        }
    }
}

/// Shared normalization rules.
enum Normalize {
    /// received/incoming → incoming, sent/outgoing → outgoing, anything else → nil.
    static func direction(_ text: String?) -> Event.Direction? {
        switch text?.lowercased() {
        case "received", "incoming", "inbound": return .incoming
        case "sent", "outgoing", "outbound": return .outgoing
        default: return nil
        }
    }

    /// Joins the parts of a dedupe key; absent parts stay as empty slots so that keys of
    /// different shapes never collide.
    static func key(_ generation: Generation, _ parts: String?...) -> String {
        ([generation.rawValue] + parts.map { $0 ?? "" }).joined(separator: ":")
    }

    /// A stable fingerprint of the body for events that carry no id (FNV-1a, 64 bit); it only
    /// has to be the same for retries of the same delivery, which resend the same bytes.
    static func fingerprint(_ body: [UInt8]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in body {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return "body-" + String(hash, radix: 16)
    }

    /// Joins first and last name, skipping empty parts.
    static func name(_ parts: String?...) -> String? {
        let joined = parts.compactMap { $0?.trimmingSpaces }.filter { !$0.isEmpty }.joined(separator: " ")
        return joined.isEmpty ? nil : joined
    }

    /// Members of an object as attributes; empty for anything else.
    static func attributes(_ value: JSONValue?) -> [String: JSONValue] {
        value?.objectValue ?? [:]
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        var slice = Substring(self)
        while slice.first == " " { slice.removeFirst() }
        while slice.last == " " { slice.removeLast() }
        return String(slice)
    }
}
