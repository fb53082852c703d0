/// Bird platform webhooks, envelope `{service, event, payload}` (reference sections 1b and 1d).
enum BirdDecoding {
    /// Splits `<platform>.inbound|outbound|interaction` into its parts; nil for other names.
    static func channelMessageEvent(_ name: String) -> (platform: String, action: String)? {
        guard let dot = name.lastIndex(of: ".") else { return nil }
        let platform = name[..<dot].lowercased()
        let action = name[name.index(after: dot)...]
        guard action == "inbound" || action == "outbound" || action == "interaction", !platform.isEmpty,
            platform.utf8.allSatisfy({ $0.isPlatformNameByte })
        else { return nil }
        return (platform, String(action))
    }

    static func event(_ root: JSONValue, body: [UInt8]) throws(DecodeError) -> Event {
        guard let name = root["event"]?.text else { throw .missingField("event") }
        guard let payload = try MessageBirdDecoding.optionalObject(root, "payload") else {
            throw .missingField("payload")
        }
        var event: Event
        switch name {
        case "conversation.created", "conversation.updated", "conversation.deleted":
            guard let id = payload.text("id") else { throw .missingField("payload.id") }
            event = conversationEvent(name: name, id: id, payload: payload)
        default:
            if let (platform, action) = channelMessageEvent(name) {
                guard let id = payload.text("id") else { throw .missingField("payload.id") }
                event = channelEvent(name: name, id: id, platform: platform, action: action, payload: payload)
            } else {
                event = unknownEvent(name: name, payload: payload, body: body)
            }
        }
        event.raw = root
        return event
    }

    // MARK: Conversations service

    private static func conversationEvent(name: String, id: String, payload: JSONValue) -> Event {
        let lastMessage = payload["lastMessage"].flatMap { $0.isObject ? $0 : nil }
        let sender = lastMessage?["sender"].flatMap(participant)
        let featuredContact = payload["featuredParticipants"]?.arrayValue?.first { $0.text("type") == "contact" }
        var contact = featuredContact.map(participantContact)

        let updated = payload.text("updatedAt") ?? payload.text("createdAt")
        let status = payload.text("status")
        if name != "conversation.deleted", let lastMessage, let messageID = lastMessage.text("id"),
            sender?.type == "contact"
        {
            // Section 1d: the quickstart's customer message, keyed on the message id, so the same message
            // seen through several updates (or polled) dedupes. An update that also reports a status other
            // than `active` (an agent closing the conversation without writing) is a status change too: its
            // status and time join the key, so it is not dropped as a duplicate of the message. (The
            // runtime decides once per message id, so the message itself is not answered again.)
            if contact == nil || (sender?.id != nil && contact?.id != sender?.id) {
                contact = Contact(id: sender?.id, name: lastMessage.text("sender.displayName"))
            }
            let text = lastMessage.text("preview.text")
            return Event(
                kind: .message, generation: .bird, name: name,
                key: status == nil || status == "active"
                    ? Normalize.key(.bird, "message", messageID)
                    : Normalize.key(.bird, "message", messageID, status, updated),
                messageID: messageID, conversationID: id, contactID: sender?.id ?? contact?.id,
                channelID: payload.text("channelId"), direction: .incoming, status: lastMessage.text("status"),
                messageType: lastMessage.text("type"),
                content: text.map { MessageContent(text: $0) },
                conversationStatus: payload.text("status"), contact: contact, sender: sender,
                conversationAttributes: Normalize.attributes(payload["attributes"]),
                reference: lastMessage.text("reference"),
                occurredAt: Timestamp.date(lastMessage["createdAt"]) ?? Timestamp.date(payload["updatedAt"]))
        }

        return Event(
            kind: .conversation, generation: .bird, name: name,
            // [INF] Payload id + event alone would fold every update of a conversation into one;
            // `updatedAt` tells updates apart and stays the same across retries.
            key: Normalize.key(.bird, name, id, updated),
            conversationID: id, contactID: contact?.id, channelID: payload.text("channelId"),
            conversationStatus: payload.text("status"), contact: contact, sender: sender,
            conversationAttributes: Normalize.attributes(payload["attributes"]),
            occurredAt: Timestamp.date(payload["updatedAt"]) ?? Timestamp.date(payload["createdAt"]))
    }

    private static func participant(_ value: JSONValue) -> Participant? {
        guard let type = value.text("type") else { return nil }
        return Participant(type: type, id: value.text("id"))
    }

    private static func participantContact(_ value: JSONValue) -> Contact {
        Contact(
            id: value.text("id"), name: value.text("displayName"),
            identifier: value.text("contact.identifierValue") ?? value.text("contact.platformAddress"))
    }

    // MARK: Channels service

    private static func channelEvent(
        name: String, id: String, platform: String, action: String, payload: JSONValue
    ) -> Event {
        let direction =
            Normalize.direction(payload.text("direction"))
            ?? (action == "inbound" ? .incoming : action == "outbound" ? .outgoing : nil)
        let contactObject =
            direction == .outgoing
            ? payload.member(at: "receiver.contacts.0") : payload.member(at: "sender.contact")
        let contact = contactObject.flatMap(channelContact)

        if action == "interaction" {
            // [INF] Interaction payloads are not documented in detail: `{id, messageId, type,
            // createdAt}` is assumed; the interaction type becomes the status.
            return Event(
                kind: .message, generation: .bird, name: name, key: Normalize.key(.bird, name, id),
                messageID: payload.text("messageId") ?? id, conversationID: payload.text("conversationId"),
                contactID: contact?.id, channelID: payload.text("channelId"), platform: platform,
                direction: direction, status: payload.text("type") ?? payload.text("status"), contact: contact,
                occurredAt: Timestamp.date(payload["createdAt"]))
        }

        let status = payload.text("status")
        var content = content(payload["body"], replyTo: payload["replyTo"], incoming: direction == .incoming)
        if let template = payload["template"], template.isObject {
            content = content ?? MessageContent()
            content?.template = template.text("projectId") ?? template.text("name")
        }
        let occurredAt =
            direction == .incoming
            ? Timestamp.date(payload["createdAt"])
            : Timestamp.date(payload["lastStatusAt"]) ?? Timestamp.date(payload["updatedAt"])
                ?? Timestamp.date(payload["createdAt"])
        return Event(
            kind: .message, generation: .bird, name: name,
            // [INF] Status is part of the key: outbound events repeat the event name and id for
            // every step of the status lifecycle (accepted, sent, delivered, read).
            key: Normalize.key(.bird, name, id, status),
            messageID: id, conversationID: payload.text("conversationId"), contactID: contact?.id,
            channelID: payload.text("channelId"), platform: platform, direction: direction, status: status,
            messageType: payload.text("body.type") ?? (payload["template"]?.isObject == true ? "template" : nil),
            content: content, contact: contact,
            sender: direction == .incoming ? Participant(type: "contact", id: contact?.id) : nil,
            reference: payload.text("reference"), occurredAt: occurredAt)
    }

    private static func channelContact(_ value: JSONValue) -> Contact? {
        guard value.isObject else { return nil }
        return Contact(
            id: value.text("id"), name: value.text("annotations.name") ?? value.text("displayName"),
            identifier: value.text("identifierValue") ?? value.text("platformAddress"),
            attributes: Normalize.attributes(value["attributes"]))
    }

    /// Bird message bodies: `text`, `image`, `file`, `location`, `list` [DOC/3P]. Postback actions
    /// of an incoming message are the button or list item the customer picked [3P].
    static func content(_ body: JSONValue?, replyTo: JSONValue?, incoming: Bool) -> MessageContent? {
        guard let body, body.isObject else { return nil }
        var result = MessageContent()
        let type = body.text("type")
        let typed = type.flatMap { body[$0] }
        result.text = body.text("text.text") ?? typed?.text("text")
        for image in body.member(at: "image.images")?.arrayValue ?? [] {
            if let url = image.text("mediaUrl") {
                result.media.append(
                    .init(url: url, contentType: image.text("contentType"), caption: image.text("altText")))
            }
        }
        for file in body.member(at: "file.files")?.arrayValue ?? [] {
            if let url = file.text("mediaUrl") {
                result.media.append(
                    .init(url: url, contentType: file.text("contentType"), filename: file.text("filename")))
            }
        }
        // [INF] Location bodies: `location.coordinates{latitude, longitude}`, or flat.
        if let location = body["location"] {
            let point = location["coordinates"] ?? location
            if let latitude = point["latitude"]?.double, let longitude = point["longitude"]?.double {
                result.location = .init(latitude: latitude, longitude: longitude)
            }
        }
        if incoming {
            let actions = (body.member(at: "text.actions") ?? typed?["actions"])?.arrayValue ?? []
            let postback = actions.first { $0.text("type") == "postback" }?["postback"]
            if let postback, postback.isObject {
                var reply = MessageContent.Reply(
                    title: postback.text("text") ?? result.text, payload: postback.text("payload"))
                reply.inReplyTo = replyTo?.text("id")
                result.reply = reply
            } else if replyTo?.text("type") == "click" {
                // [INF] A click without a postback action: still a reply to that message.
                var reply = MessageContent.Reply(title: result.text)
                reply.inReplyTo = replyTo?.text("id")
                result.reply = reply
            }
        }
        if result == MessageContent() { return nil }
        return result
    }

    // MARK: Anything else

    private static func unknownEvent(name: String, payload: JSONValue, body: [UInt8]) -> Event {
        let id = payload.text("id")
        // [INF] Without a known name, a payload with a message body or a direction is a message.
        let looksLikeMessage = payload["body"] != nil || payload["direction"] != nil
        return Event(
            kind: looksLikeMessage ? .message : .conversation, generation: .bird, name: name,
            key: id != nil
                ? Normalize.key(.bird, name, id, payload.text("status"))
                : Normalize.key(.bird, name, Normalize.fingerprint(body)),
            messageID: looksLikeMessage ? id : nil, conversationID: payload.text("conversationId"),
            channelID: payload.text("channelId"), direction: Normalize.direction(payload.text("direction")),
            status: payload.text("status"),
            occurredAt: Timestamp.date(payload["updatedAt"]) ?? Timestamp.date(payload["createdAt"]))
    }
}

extension UInt8 {
    fileprivate var isPlatformNameByte: Bool {
        (0x61...0x7A).contains(self) || (0x30...0x39).contains(self) || self == 0x5F || self == 0x2D
    }
}
