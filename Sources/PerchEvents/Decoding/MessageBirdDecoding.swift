/// Legacy MessageBird Conversations v1 webhooks (reference section 1a, seeds 000 and 004).
enum MessageBirdDecoding {
    static func conversationEvent(_ root: JSONValue, body: [UInt8]) throws(DecodeError) -> Event {
        guard let name = root["type"]?.text else { throw .missingField("type") }
        let conversation = try optionalObject(root, "conversation")
        let message = try optionalObject(root, "message")

        let isMessageEvent: Bool
        switch name {
        case "message.created", "message.updated":
            guard let message else { throw .missingField("message") }
            guard message.text("id") != nil else { throw .missingField("message.id") }
            isMessageEvent = true
        case "conversation.created", "conversation.updated":
            guard let conversation else { throw .missingField("conversation") }
            guard conversation.text("id") != nil else { throw .missingField("conversation.id") }
            isMessageEvent = false
        default:
            // [INF] An unknown event name is accepted; its shape decides what it is about.
            isMessageEvent = message?.text("id") != nil
        }

        var event =
            if isMessageEvent, let message {
                messageEvent(name: name, root: root, message: message, conversation: conversation)
            } else {
                conversationOnlyEvent(name: name, root: root, conversation: conversation, body: body)
            }
        event.raw = root
        return event
    }

    private static func messageEvent(
        name: String, root: JSONValue, message: JSONValue, conversation: JSONValue?
    ) -> Event {
        let messageID = message.text("id")
        let status = message.text("status")
        let direction = Normalize.direction(message.text("direction"))
        let contact = contact(root: root, conversation: conversation, message: message, direction: direction)
        let occurredAt =
            name == "message.updated"
            ? Timestamp.date(message["updatedDatetime"]) ?? Timestamp.date(message["createdDatetime"])
            : Timestamp.date(message["createdDatetime"]) ?? Timestamp.date(message["updatedDatetime"])
        return Event(
            kind: .message, generation: .messagebird, name: name,
            key: Normalize.key(.messagebird, name, messageID, status),
            messageID: messageID,
            conversationID: message.text("conversationId") ?? conversation?.text("id"),
            contactID: contact?.id,
            channelID: message.text("channelId") ?? conversation?.text("lastUsedChannelId"),
            platform: (message.text("platform") ?? conversation?.text("lastUsedPlatformId"))?.lowercased(),
            direction: direction, status: status, messageType: message.text("type"),
            content: content(message["content"]),
            conversationStatus: conversation?.text("status"),
            contact: contact,
            sender: direction == .incoming ? Participant(type: "contact", id: contact?.id) : nil,
            // [INF] Legacy messages have no `reference`; Perch's sends put it in `trackId`.
            reference: message.text("reference") ?? message.text("trackId"),
            occurredAt: occurredAt)
    }

    private static func conversationOnlyEvent(
        name: String, root: JSONValue, conversation: JSONValue?, body: [UInt8]
    ) -> Event {
        let conversationID = conversation?.text("id")
        let updated = conversation?.text("updatedDatetime") ?? conversation?.text("createdDatetime")
        let contact = contact(root: root, conversation: conversation, message: nil, direction: nil)
        return Event(
            kind: .conversation, generation: .messagebird, name: name,
            key: conversationID != nil
                ? Normalize.key(.messagebird, name, conversationID, updated)
                : Normalize.key(.messagebird, name, Normalize.fingerprint(body)),
            conversationID: conversationID,
            contactID: contact?.id,
            channelID: conversation?.text("lastUsedChannelId"),
            platform: conversation?.text("lastUsedPlatformId")?.lowercased(),
            conversationStatus: conversation?.text("status"),
            contact: contact,
            occurredAt: Timestamp.date(conversation?["updatedDatetime"])
                ?? Timestamp.date(conversation?["createdDatetime"]))
    }

    /// The contact from a top-level `contact` [3P] or `conversation.contact`; the address falls
    /// back to the message's `from` (incoming) or `to` (outgoing) [INF].
    private static func contact(
        root: JSONValue, conversation: JSONValue?, message: JSONValue?, direction: Event.Direction?
    ) -> Contact? {
        let object = root["contact"]?.isObject == true ? root["contact"] : conversation?["contact"]
        let id = object?.text("id") ?? conversation?.text("contactId")
        let name =
            Normalize.name(object?.text("firstName"), object?.text("lastName")) ?? object?.text("displayName")
        let address: String? =
            switch direction {
            case .incoming?: message?.text("from")
            case .outgoing?: message?.text("to")
            case nil: nil
            }
        let identifier = object?["msisdn"]?.text ?? address
        let attributes = Normalize.attributes(object?["customDetails"])
        if id == nil, name == nil, identifier == nil, attributes.isEmpty { return nil }
        return Contact(id: id, name: name, identifier: identifier, attributes: attributes)
    }

    /// Content keys of legacy messages [SDK go `conversation/message.go`]. Every known key is
    /// probed, whatever `type` says, so a mislabeled message still yields what it carries.
    static func content(_ content: JSONValue?) -> MessageContent? {
        guard let content, content.isObject else { return nil }
        var result = MessageContent(text: content.text("text"))
        for key in ["image", "video", "audio", "file"] {
            if let media = content[key], let url = media.text("url") {
                result.media.append(.init(url: url, caption: media.text("caption")))
            }
        }
        if let link = content.text("whatsappSticker.link") { result.media.append(.init(url: link)) }
        if let location = content["location"], let latitude = location["latitude"]?.double,
            let longitude = location["longitude"]?.double
        {
            result.location = .init(latitude: latitude, longitude: longitude)
        }
        result.template = content.text("hsm.templateName")
        if let interactive = content["interactive"] {
            // `reply{id, text, description}` per the SDK; WhatsApp's own `button_reply` /
            // `list_reply{id, title}` shapes are accepted too [INF].
            let reply = interactive["reply"] ?? interactive["button_reply"] ?? interactive["list_reply"]
            if let reply, reply.isObject {
                let id = reply.text("id")
                result.reply = .init(id: id, title: reply.text("text") ?? reply.text("title"), payload: id)
            }
            if result.text == nil { result.text = interactive.text("body.text") }
        }
        if let button = content["button"], button.isObject {
            // [INF] WhatsApp template quick-reply buttons: `{text, payload}`.
            result.reply = .init(title: button.text("text"), payload: button.text("payload"))
        }
        if result == MessageContent() { return nil }
        return result
    }

    /// The member `key` when it is an object; nil when absent or null; throws for other types.
    static func optionalObject(_ parent: JSONValue, _ key: String, path: String? = nil) throws(DecodeError)
        -> JSONValue?
    {
        switch parent[key] {
        case nil, .null?: return nil
        case let value? where value.isObject: return value
        default: throw .wrongType(path ?? key, expected: "an object")
        }
    }
}
