import PerchEvents

/// Conversations and their messages: create, get, list (reference section 3.1 for Bird, 3.3 for legacy).
/// Updating a conversation and adding participants are action builders (`BirdRequest+Actions.swift`).
extension BirdRequest {
    /// Starts a conversation with a first message.
    ///
    /// Bird: `POST /workspaces/{ws}/conversations` with the channel, the contact as participant and
    /// `initialMessage`, sent as the `flow` participant. Legacy: `POST /conversations/start` with
    /// the channel, the recipient and the content; `trackId` carries Perch's reference.
    /// - Parameters:
    ///   - text: the first message.
    ///   - channelID: the channel to start it on.
    ///   - recipient: the contact's address (Bird: `identifierValue`, e.g. `+31612345678`; legacy: `to`).
    ///   - identifierKey: Bird's identifier kind of `recipient` (`phonenumber`, `emailaddress`, ...).
    ///   - reference: Perch's deterministic reference for the first message.
    public static func createConversation(
        text: OutgoingText, channelID: String, recipient: String, identifierKey: String = "phonenumber",
        generation: Generation, workspaceID: String, flowID: String, reference: String
    ) -> BirdRequest {
        switch generation {
        case .bird:
            let contact: JSONValue = .object([
                "type": .string("contact"),
                "contact": .object([
                    "identifierKey": .string(identifierKey), "identifierValue": .string(recipient),
                ]),
            ])
            let message = sendText(
                text, conversationID: "", generation: .bird, workspaceID: workspaceID, flowID: flowID,
                reference: reference)
            var initial: [String: JSONValue] = [
                "recipients": .array([
                    .object([
                        "type": .string("to"), "identifierKey": .string(identifierKey),
                        "identifierValue": .string(recipient),
                    ])
                ])
            ]
            initial["body"] = message.body?["body"]
            initial["reference"] = .string(reference)
            return BirdRequest(
                generation: .bird, method: "POST", path: "/workspaces/\(segment(workspaceID))/conversations",
                body: .object([
                    "channelId": .string(channelID),
                    "participants": .array([
                        contact, .object(["type": .string("flow"), "id": .string(flowID)]),
                    ]),
                    "initiatingParticipant": .object(["type": .string("flow"), "id": .string(flowID)]),
                    "initialMessage": .object(initial),
                ]),
                endpoint: "create_conversation")
        case .messagebird:
            return BirdRequest(
                generation: .messagebird, method: "POST", path: "/conversations/start",
                body: .object([
                    "channelId": .string(channelID), "to": .string(recipient), "type": .string("text"),
                    "content": .object(["text": .string(text.text)]), "trackId": .string(reference),
                ]),
                endpoint: "create_conversation")
        }
    }

    /// One conversation.
    public static func getConversation(_ id: String, generation: Generation, workspaceID: String) -> BirdRequest {
        switch generation {
        case .bird:
            BirdRequest(
                generation: .bird, method: "GET",
                path: "/workspaces/\(segment(workspaceID))/conversations/\(segment(id))",
                endpoint: "get_conversation")
        case .messagebird:
            BirdRequest(
                generation: .messagebird, method: "GET", path: "/conversations/\(segment(id))",
                endpoint: "get_conversation")
        }
    }

    /// A page of conversations, optionally only those with `status` (Bird `active`/`closed`, legacy
    /// `active`/`archived`) and, on Bird, only those of `channelID`.
    public static func listConversations(
        page: PageRequest, status: String? = "active", channelID: String? = nil, generation: Generation,
        workspaceID: String
    ) -> BirdRequest {
        var query = page.parameters(generation)
        if let status { query.append(("status", status)) }
        switch generation {
        case .bird:
            if let channelID { query.append(("channelId", channelID)) }
            return BirdRequest(
                generation: .bird, method: "GET",
                path: path("/workspaces/\(segment(workspaceID))/conversations", query: query),
                endpoint: "list_conversations")
        case .messagebird:
            return BirdRequest(
                generation: .messagebird, method: "GET", path: path("/conversations", query: query),
                endpoint: "list_conversations")
        }
    }

    /// A page of a conversation's messages.
    public static func listMessages(
        conversationID: String, page: PageRequest, generation: Generation, workspaceID: String
    ) -> BirdRequest {
        let query = page.parameters(generation)
        switch generation {
        case .bird:
            return BirdRequest(
                generation: .bird, method: "GET",
                path: path(
                    "/workspaces/\(segment(workspaceID))/conversations/\(segment(conversationID))/messages",
                    query: query),
                endpoint: "list_messages")
        case .messagebird:
            return BirdRequest(
                generation: .messagebird, method: "GET",
                path: path("/conversations/\(segment(conversationID))/messages", query: query),
                endpoint: "list_messages")
        }
    }

    /// One message. Bird needs its conversation (`.../conversations/{id}/messages/{msgId}`); legacy
    /// reads it by id alone (`/messages/{id}`).
    public static func getMessage(
        _ messageID: String, conversationID: String, generation: Generation, workspaceID: String
    ) -> BirdRequest {
        switch generation {
        case .bird:
            BirdRequest(
                generation: .bird, method: "GET",
                path:
                    "/workspaces/\(segment(workspaceID))/conversations/\(segment(conversationID))/messages/\(segment(messageID))",
                endpoint: "get_message")
        case .messagebird:
            BirdRequest(
                generation: .messagebird, method: "GET", path: "/messages/\(segment(messageID))",
                endpoint: "get_message")
        }
    }
}
