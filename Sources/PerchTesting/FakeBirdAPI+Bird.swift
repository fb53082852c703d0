import MicroHTTP
import PerchEvents

/// The Bird platform API as the fake answers it (reference section 3.1).
extension FakeBirdAPI {
    static func bird(_ method: String, _ parts: [String], _ query: [String: String], _ body: JSONValue?, state box: Box)
        -> ServerResponse
    {
        // /organizations/{org}/workspaces/{ws}/webhook-subscriptions[/{id}] is the same as the workspace path.
        var parts = parts
        if parts.count >= 4, parts[0] == "organizations", parts[2] == "workspaces" { parts.removeFirst(2) }
        guard parts.count >= 3, parts[0] == "workspaces" else { return birdNotFound }
        let rest = Array(parts.dropFirst(2))
        switch (method, rest.first, rest.count) {
        case ("GET", "channels", 2):
            // A channel the test added with `addChannel`: `{id, platformId, name, status}`.
            guard let platform = box.state.withLock({ $0.channels[rest[1]] }) else { return birdNotFound }
            return .json(
                200,
                JSONValue.object([
                    "id": .string(rest[1]), "platformId": .string(platform), "name": .string("\(platform) channel"),
                    "status": .string("active"),
                ]).serialized())
        case ("POST", "conversations", 1):
            return createConversation(body, state: box)
        case ("GET", "conversations", 1):
            return listConversations(query, state: box)
        case ("GET", "conversations", 2), ("PATCH", "conversations", 2):
            return conversation(rest[1], method: method, changes: body, state: box)
        case ("POST", "conversations", 3) where rest[2] == "messages":
            return birdSend(rest[1], body, state: box)
        case ("GET", "conversations", 3) where rest[2] == "messages":
            let items = box.state.withLock { state in
                state.messages.filter { $0.conversationID == rest[1] }.map(\.message).reversed()
            }
            return .json(200, birdPage(Array(items), query).serialized())
        case ("GET", "conversations", 4) where rest[2] == "messages":
            let found = box.state.withLock { state in
                state.messages.first { $0.conversationID == rest[1] && $0.message["id"] == .string(rest[3]) }
            }
            guard let found else { return birdNotFound }
            return .json(200, found.message.serialized())
        case ("POST", "conversations", 3) where rest[2] == "participants":
            return .json(201, (body ?? .object([:])).serialized())
        case ("POST", "webhook-subscriptions", 1):
            return createSubscription(body, state: box)
        case ("GET", "webhook-subscriptions", 1):
            return .json(200, birdPage(box.state.withLock { $0.subscriptions }, query).serialized())
        case ("DELETE", "webhook-subscriptions", 2):
            let removed = box.state.withLock { state in
                let before = state.subscriptions.count
                state.subscriptions.removeAll { $0["id"] == .string(rest[1]) }
                return state.subscriptions.count < before
            }
            return removed ? ServerResponse(status: 204) : birdNotFound
        default:
            return birdNotFound
        }
    }

    static let birdNotFound = ServerResponse.json(
        404, #"{"code":"NotFound","message":"no such resource in the fake Bird API"}"#)

    /// `{results, nextPageToken}`; the token is the offset of the next page (opaque to clients).
    static func birdPage(_ items: [JSONValue], _ query: [String: String]) -> JSONValue {
        let limit = min(max(Int(query["limit"] ?? "") ?? 10, 1), 100)
        let start = Int(query["pageToken"] ?? "") ?? 0
        let slice = Array(items.dropFirst(start).prefix(limit))
        var result: [String: JSONValue] = ["results": .array(slice)]
        if start + limit < items.count { result["nextPageToken"] = .string(String(start + limit)) }
        return .object(result)
    }

    static func birdSend(_ conversationID: String, _ body: JSONValue?, state box: Box) -> ServerResponse {
        guard body?["body"] != nil || body?["template"] != nil else {
            return .json(422, #"{"code":"InvalidPayload","message":"body or template is required"}"#)
        }
        return box.state.withLock { state in
            let created = state.timestamp()
            state.ensureConversation(conversationID, generation: .bird, at: created)
            if state.conversations[conversationID]?["status"] == .string("closed") {
                return .json(422, #"{"code":"ConversationClosed","message":"the conversation is closed"}"#)
            }
            var message: [String: JSONValue] = [
                "id": .string(state.newID(.bird)), "conversationId": .string(conversationID),
                "status": .string("accepted"), "createdAt": .string(created), "updatedAt": .string(created),
                "sender": .object([
                    "id": body?["participantId"] ?? .null, "type": body?["participantType"] ?? .null,
                    "status": .string("active"),
                ]),
                "recipients": body?["recipients"] ?? .array([]), "source": .string("api"),
            ]
            for key in ["reference", "body", "template", "draft"] where body?[key] != nil { message[key] = body?[key] }
            let value = JSONValue.object(message)
            state.record(value, in: conversationID, generation: .bird)
            state.delivered.append(value)
            return .json(201, value.serialized())
        }
    }

    static func createConversation(_ body: JSONValue?, state box: Box) -> ServerResponse {
        guard let channel = body?["channelId"]?.stringValue else {
            return .json(422, #"{"code":"InvalidPayload","message":"channelId is required"}"#)
        }
        return box.state.withLock { state in
            let created = state.timestamp()
            let id = state.newID(.bird)
            state.ensureConversation(id, generation: .bird, at: created, channelID: channel)
            if case .object(var fields)? = state.conversations[id] {
                for key in ["name", "description", "attributes", "visibility", "accessibility"]
                where body?[key] != nil {
                    fields[key] = body?[key]
                }
                if let participants = body?["participants"] { fields["featuredParticipants"] = participants }
                state.conversations[id] = .object(fields)
            }
            if let initial = body?["initialMessage"], initial["body"] != nil || initial["template"] != nil {
                var message: [String: JSONValue] = [
                    "id": .string(state.newID(.bird)), "conversationId": .string(id), "status": .string("accepted"),
                    "createdAt": .string(created), "updatedAt": .string(created),
                    "sender": body?["initiatingParticipant"] ?? .null,
                ]
                for key in ["body", "template", "recipients", "reference"] where initial[key] != nil {
                    message[key] = initial[key]
                }
                state.record(.object(message), in: id, generation: .bird)
                state.delivered.append(.object(message))
            }
            return .json(201, (state.conversations[id] ?? .null).serialized())
        }
    }

    static func listConversations(_ query: [String: String], state box: Box) -> ServerResponse {
        let items = box.state.withLock { state in
            state.conversations.filter { id, conversation in
                state.generations[id] == .bird
                    && (query["status"].map { conversation["status"] == .string($0) } ?? true)
                    && (query["channelId"].map { conversation["channelId"] == .string($0) } ?? true)
            }
            .map(\.value)
            // Most recently updated first [INF]; ids break ties so pages are stable.
            .sorted {
                let (left, right) = ($0["updatedAt"]?.stringValue ?? "", $1["updatedAt"]?.stringValue ?? "")
                return left != right ? left > right : ($0["id"]?.stringValue ?? "") < ($1["id"]?.stringValue ?? "")
            }
        }
        return .json(200, birdPage(items, query).serialized())
    }

    static func conversation(_ id: String, method: String, changes: JSONValue?, state box: Box) -> ServerResponse {
        box.state.withLock { state in
            let now = state.timestamp()
            state.ensureConversation(id, generation: .bird, at: now)
            if method == "PATCH", case .object(let changes)? = changes,
                case .object(var fields)? = state.conversations[id]
            {
                for (key, value) in changes { fields[key] = value }
                fields["updatedAt"] = .string(now)
                state.conversations[id] = .object(fields)
            }
            return .json(200, (state.conversations[id] ?? .null).serialized())
        }
    }

    static func createSubscription(_ body: JSONValue?, state box: Box) -> ServerResponse {
        guard body?["service"]?.stringValue != nil, body?["event"]?.stringValue != nil,
            body?["url"]?.stringValue != nil
        else {
            return .json(422, #"{"code":"InvalidPayload","message":"service, event and url are required"}"#)
        }
        return box.state.withLock { state in
            let created = state.timestamp()
            guard case .object(var fields)? = body else { return birdNotFound }
            // Bird does not show the signing key again [3P].
            let id = state.newID(.bird)
            if let key = fields["signingKey"]?.stringValue { state.signingKeys[id] = key }
            fields["signingKey"] = nil
            fields["id"] = .string(id)
            fields["status"] = .string("active")
            fields["createdAt"] = .string(created)
            fields["updatedAt"] = .string(created)
            state.subscriptions.append(.object(fields))
            return .json(201, JSONValue.object(fields).serialized())
        }
    }
}
