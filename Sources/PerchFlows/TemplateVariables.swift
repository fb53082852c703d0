import PerchEvents

/// The variables templates may name, and how each is read from an event.
enum TemplateVariables {
    /// Fixed variable names, for validation and "did you mean".
    static let names: [String] = [
        "contact.name", "contact.id", "contact.identifier", "contact.phone",
        "message.text", "message.id", "message.type", "message.direction", "message.status", "message.payload",
        "conversation.id", "conversation.status",
        "channel.id", "channel.platform",
        "state",
    ]

    /// Prefixes under which any name is accepted: attributes, and the raw event body (`event.`).
    static let openPrefixes = ["contact.attributes.", "conversation.attributes.", "event."]

    static func isKnown(_ path: String) -> Bool {
        names.contains(path) || openPrefixes.contains { path.hasPrefix($0) && path.count > $0.count }
    }

    /// The value of a variable for an event, or `nil` when the event does not have it.
    static func value(_ path: String, in event: Event) -> String? {
        switch path {
        case "contact.name": return event.contact?.name
        case "contact.id": return event.contact?.id ?? event.contactID
        case "contact.identifier", "contact.phone": return event.contact?.identifier
        case "message.text": return event.text
        case "message.id": return event.messageID
        case "message.type": return event.messageType
        case "message.direction": return event.direction?.rawValue
        case "message.status": return event.status
        case "message.payload": return event.content?.reply?.payload
        case "conversation.id": return event.conversationID
        case "conversation.status": return event.conversationStatus
        case "channel.id": return event.channelID
        case "channel.platform": return event.platform
        default:
            if path.hasPrefix("contact.attributes.") {
                let key = path.dropFirst("contact.attributes.".count)
                return event.contact?.attributes[String(key)]?.stringValue
                    ?? event.contact?.attributes.value(at: key)
            }
            if path.hasPrefix("conversation.attributes.") {
                let key = path.dropFirst("conversation.attributes.".count)
                return event.conversationAttributes[String(key)]?.stringValue
                    ?? event.conversationAttributes.value(at: key)
            }
            if path.hasPrefix("event.") {
                // The body as Bird sent it: `event.type`, `event.message.channelId`, `event.payload.sender...`.
                return event.raw.value(at: path.dropFirst("event.".count))?.stringValue
            }
            return nil
        }
    }
}

extension Dictionary where Key == String, Value == JSONValue {
    /// Follows a dotted path into nested attribute objects.
    func value(at path: some StringProtocol) -> String? {
        JSONValue.object(self).value(at: path)?.stringValue
    }
}
