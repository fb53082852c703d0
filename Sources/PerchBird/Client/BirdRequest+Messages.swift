import PerchEvents

/// A message body Perch sends: text with optional quick-reply buttons.
public struct OutgoingText: Sendable, Hashable {
    public var text: String
    public var buttons: [String]

    public init(text: String, buttons: [String] = []) {
        self.text = text
        self.buttons = buttons
    }
}

extension BirdRequest {
    /// Sends a text into a conversation, as the participant of type `flow` (Bird) or as the channel
    /// (legacy, which has no participants). `reference` makes the send recognisable on retry.
    public static func sendText(
        _ message: OutgoingText, conversationID: String, generation: Generation, workspaceID: String,
        flowID: String, reference: String
    ) -> BirdRequest {
        switch generation {
        case .bird:
            return BirdRequest(
                generation: .bird, method: "POST",
                path: "/workspaces/\(segment(workspaceID))/conversations/\(segment(conversationID))/messages",
                body: birdSender(flowID: flowID, reference: reference, ["body": message.birdBody]),
                endpoint: "send_message")
        case .messagebird:
            // The legacy API has no participants or `reference`; `trackId` carries Perch's reference.
            return BirdRequest(
                generation: .messagebird, method: "POST", path: "/conversations/\(segment(conversationID))/messages",
                body: .object([
                    "type": .string("text"), "content": .object(["text": .string(message.text)]),
                    "trackId": .string(reference),
                ]),
                endpoint: "send_message")
        }
    }

    static func birdSender(flowID: String, reference: String, _ fields: [String: JSONValue]) -> JSONValue {
        var body = fields
        body["participantType"] = .string("flow")
        body["participantId"] = .string(flowID)
        body["addMissingParticipants"] = .bool(true)
        body["reference"] = .string(reference)
        return .object(body)
    }
}

extension BirdRequest {
    /// Sends a text through a Bird channel straight to a contact (Channels API), for channel events
    /// such as `whatsapp.inbound` that belong to no conversation.
    public static func sendChannelText(
        _ message: OutgoingText, channelID: String, workspaceID: String, identifierKey: String,
        identifierValue: String, replyTo messageID: String?, reference: String
    ) -> BirdRequest {
        var body: [String: JSONValue] = [
            "receiver": .object([
                "contacts": .array([
                    .object(["identifierKey": .string(identifierKey), "identifierValue": .string(identifierValue)])
                ])
            ]),
            "body": message.birdBody,
            "reference": .string(reference),
        ]
        if let messageID { body["replyTo"] = .object(["id": .string(messageID), "type": .string("message")]) }
        return BirdRequest(
            generation: .bird, method: "POST",
            path: "/workspaces/\(segment(workspaceID))/channels/\(segment(channelID))/messages",
            body: .object(body), endpoint: "send_channel_message")
    }
}

extension OutgoingText {
    /// The Bird platform message body: text, with quick-reply buttons as postback actions.
    var birdBody: JSONValue {
        var text: [String: JSONValue] = ["text": .string(self.text)]
        if !buttons.isEmpty {
            text["actions"] = .array(
                buttons.map { title in
                    .object([
                        "type": .string("postback"),
                        "postback": .object(["text": .string(title), "payload": .string(title)]),
                    ])
                })
        }
        return .object(["type": .string("text"), "text": .object(text)])
    }
}
