import MicroHTTP
import PerchEvents

/// The legacy MessageBird Conversations API as the fake answers it, below `/v1` (reference section 3.3).
extension FakeBirdAPI {
    static func legacy(
        _ method: String, _ parts: [String], _ query: [String: String], _ body: JSONValue?, state box: Box
    ) -> ServerResponse {
        switch (method, parts.first, parts.count) {
        case ("POST", "conversations", 2) where parts[1] == "start":
            return start(body, state: box)
        case ("GET", "conversations", 1):
            let items = box.state.withLock { state in
                state.conversations.filter { id, conversation in
                    state.generations[id] == .messagebird
                        && (query["status"].map { conversation["status"] == .string($0) } ?? true)
                }
                .map(\.value)
                .sorted {
                    let left = $0["updatedDatetime"]?.stringValue ?? ""
                    let right = $1["updatedDatetime"]?.stringValue ?? ""
                    return left != right
                        ? left > right : ($0["id"]?.stringValue ?? "") < ($1["id"]?.stringValue ?? "")
                }
            }
            return .json(200, legacyPage(items, query).serialized())
        case ("GET", "conversations", 2), ("PATCH", "conversations", 2):
            return box.state.withLock { state in
                let now = state.timestamp()
                state.ensureConversation(parts[1], generation: .messagebird, at: now)
                if method == "PATCH", case .object(let changes)? = body,
                    case .object(var fields)? = state.conversations[parts[1]]
                {
                    for (key, value) in changes { fields[key] = value }
                    fields["updatedDatetime"] = .string(now)
                    state.conversations[parts[1]] = .object(fields)
                }
                return .json(200, (state.conversations[parts[1]] ?? .null).serialized())
            }
        case ("POST", "conversations", 3) where parts[2] == "messages":
            return legacySend(parts[1], body, state: box)
        case ("GET", "conversations", 3) where parts[2] == "messages":
            let items = box.state.withLock { state in
                state.messages.filter { $0.conversationID == parts[1] }.map(\.message).reversed()
            }
            return .json(200, legacyPage(Array(items), query).serialized())
        case ("GET", "messages", 2):
            let found = box.state.withLock { state in state.messages.first { $0.message["id"] == .string(parts[1]) } }
            guard let found else { return legacyNotFound }
            return .json(200, found.message.serialized())
        case ("POST", "webhooks", 1):
            guard case .array(let events)? = body?["events"], !events.isEmpty, body?["url"]?.stringValue != nil
            else {
                return .json(
                    422, #"{"errors":[{"code":9,"description":"events and url are required","parameter":"events"}]}"#)
            }
            return box.state.withLock { state in
                let created = state.timestamp()
                guard case .object(var fields)? = body else { return legacyNotFound }
                fields["id"] = .string(state.newID(.messagebird))
                fields["status"] = .string("enabled")
                fields["createdDatetime"] = .string(created)
                state.webhooks.append(.object(fields))
                return .json(201, JSONValue.object(fields).serialized())
            }
        case ("GET", "webhooks", 1):
            return .json(200, legacyPage(box.state.withLock { $0.webhooks }, query).serialized())
        case ("DELETE", "webhooks", 2):
            let removed = box.state.withLock { state in
                let before = state.webhooks.count
                state.webhooks.removeAll { $0["id"] == .string(parts[1]) }
                return state.webhooks.count < before
            }
            return removed ? ServerResponse(status: 204) : legacyNotFound
        default:
            return legacyNotFound
        }
    }

    static let legacyNotFound = ServerResponse.json(
        404, #"{"errors":[{"code":20,"description":"resource not found","parameter":null}]}"#)

    /// `{offset, limit, count, totalCount, items}`.
    static func legacyPage(_ items: [JSONValue], _ query: [String: String]) -> JSONValue {
        let limit = min(max(Int(query["limit"] ?? "") ?? 10, 1), 100)
        let offset = max(Int(query["offset"] ?? "") ?? 0, 0)
        let slice = Array(items.dropFirst(offset).prefix(limit))
        return .object([
            "offset": .number(Double(offset)), "limit": .number(Double(limit)), "count": .number(Double(slice.count)),
            "totalCount": .number(Double(items.count)), "items": .array(slice),
        ])
    }

    static func legacySend(_ conversationID: String, _ body: JSONValue?, state box: Box) -> ServerResponse {
        guard body?["type"] != nil, body?["content"] != nil else {
            return .json(
                422, #"{"errors":[{"code":9,"description":"type and content are required","parameter":"type"}]}"#)
        }
        return box.state.withLock { state in
            let created = state.timestamp()
            state.ensureConversation(conversationID, generation: .messagebird, at: created)
            let id = state.newID(.messagebird)
            var message: [String: JSONValue] = [
                "id": .string(id), "conversationId": .string(conversationID), "direction": .string("sent"),
                "status": .string("accepted"), "createdDatetime": .string(created),
                "updatedDatetime": .string(created),
            ]
            for key in ["type", "content", "channelId", "trackId", "source", "tag"] where body?[key] != nil {
                message[key] = body?[key]
            }
            state.record(.object(message), in: conversationID, generation: .messagebird)
            state.delivered.append(.object(message))
            return .json(201, #"{"id":"\#(id)","status":"accepted"}"#)
        }
    }

    static func start(_ body: JSONValue?, state box: Box) -> ServerResponse {
        guard let channel = body?["channelId"]?.stringValue, body?["to"] != nil else {
            return .json(
                422, #"{"errors":[{"code":9,"description":"channelId and to are required","parameter":"to"}]}"#)
        }
        let id = box.newID(.messagebird)
        let response = box.state.withLock { state -> JSONValue in
            let created = state.timestamp()
            state.ensureConversation(id, generation: .messagebird, at: created, channelID: channel)
            return state.conversations[id] ?? .null
        }
        _ = legacySend(id, body, state: box)
        return .json(201, (box.state.withLock { $0.conversations[id] } ?? response).serialized())
    }
}
