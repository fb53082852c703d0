import PerchEvents

/// A Bird platform template message: project, version, locale and named string parameters
/// (reference section 4).
public struct OutgoingBirdTemplate: Sendable, Hashable {
    public var projectID: String
    /// A version id, or `latest`.
    public var version: String
    public var locale: String
    public var parameters: [String: String]

    public init(projectID: String, version: String, locale: String, parameters: [String: String] = [:]) {
        self.projectID = projectID
        self.version = version
        self.locale = locale
        self.parameters = parameters
    }
}

/// A legacy WhatsApp template (HSM): namespace, name, language code and positional parameters.
public struct OutgoingHSM: Sendable, Hashable {
    public var namespace: String
    public var templateName: String
    public var languageCode: String
    public var params: [String]

    public init(namespace: String, templateName: String, languageCode: String, params: [String] = []) {
        self.namespace = namespace
        self.templateName = templateName
        self.languageCode = languageCode
        self.params = params
    }
}

/// Changes to a conversation's own fields.
public struct ConversationChange: Sendable, Hashable {
    /// `active` or `closed` (Bird); legacy knows `active` and `archived`. Each is mapped to the
    /// other generation's word.
    public var status: String?
    public var name: String?
    public var attributes: [String: JSONValue]

    public init(status: String? = nil, name: String? = nil, attributes: [String: JSONValue] = [:]) {
        self.status = status
        self.name = name
        self.attributes = attributes
    }
}

extension BirdRequest {
    /// Sends a Bird platform template into a conversation as the participant of type `flow`
    /// (`template` in place of `body`).
    public static func sendTemplate(
        _ template: OutgoingBirdTemplate, conversationID: String, workspaceID: String, flowID: String,
        reference: String
    ) -> BirdRequest {
        let parameters: [JSONValue] = template.parameters.sorted { $0.key < $1.key }.map { key, value in
            .object(["type": .string("string"), "key": .string(key), "value": .string(value)])
        }
        return BirdRequest(
            generation: .bird, method: "POST",
            path: "/workspaces/\(segment(workspaceID))/conversations/\(segment(conversationID))/messages",
            body: birdSender(
                flowID: flowID, reference: reference,
                [
                    "template": .object([
                        "projectId": .string(template.projectID), "version": .string(template.version),
                        "locale": .string(template.locale), "parameters": .array(parameters),
                    ])
                ]),
            endpoint: "send_template")
    }

    /// Sends a legacy WhatsApp template (`type: hsm`) into a conversation; `trackId` carries the reference.
    public static func sendHSM(_ hsm: OutgoingHSM, conversationID: String, reference: String) -> BirdRequest {
        BirdRequest(
            generation: .messagebird, method: "POST", path: "/conversations/\(segment(conversationID))/messages",
            body: .object([
                "type": .string("hsm"),
                "content": .object([
                    "hsm": .object([
                        "namespace": .string(hsm.namespace), "templateName": .string(hsm.templateName),
                        "language": .object([
                            "policy": .string("deterministic"), "code": .string(hsm.languageCode),
                        ]),
                        "params": .array(hsm.params.map { .object(["default": .string($0)]) }),
                    ])
                ]),
                "trackId": .string(reference),
            ]),
            endpoint: "send_template")
    }

    /// Changes a conversation's status, name or attributes (`PATCH`). The legacy API can only change
    /// the status (`active` or `archived`); nil when nothing of `change` can be expressed there.
    public static func updateConversation(
        _ change: ConversationChange, conversationID: String, generation: Generation, workspaceID: String
    ) -> BirdRequest? {
        switch generation {
        case .bird:
            var body: [String: JSONValue] = [:]
            if let status = change.status { body["status"] = .string(status == "archived" ? "closed" : status) }
            if let name = change.name { body["name"] = .string(name) }
            if !change.attributes.isEmpty { body["attributes"] = .object(change.attributes) }
            guard !body.isEmpty else { return nil }
            return BirdRequest(
                generation: .bird, method: "PATCH",
                path: "/workspaces/\(segment(workspaceID))/conversations/\(segment(conversationID))",
                body: .object(body), endpoint: "update_conversation")
        case .messagebird:
            guard let status = change.status else { return nil }
            return BirdRequest(
                generation: .messagebird, method: "PATCH", path: "/conversations/\(segment(conversationID))",
                body: .object(["status": .string(status == "closed" ? "archived" : status)]),
                endpoint: "update_conversation")
        }
    }

    /// Adds a user (an agent) to a Bird conversation as a participant.
    public static func addUserParticipant(userID: String, conversationID: String, workspaceID: String) -> BirdRequest {
        BirdRequest(
            generation: .bird, method: "POST",
            path: "/workspaces/\(segment(workspaceID))/conversations/\(segment(conversationID))/participants",
            body: .object(["type": .string("user"), "id": .string(userID)]), endpoint: "add_participant")
    }

    /// Finds the Collaborations feed items of a conversation (answer `{results: [{id, feedId, closed}]}`).
    /// [3P/NF] The request schema is not documented; this is the form a working integration uses.
    public static func searchFeedItems(conversationID: String, workspaceID: String) -> BirdRequest {
        BirdRequest(
            generation: .bird, method: "POST", path: "/workspaces/\(segment(workspaceID))/search/feed-items",
            body: .object(["conversationIds": .array([.string(conversationID)])]), endpoint: "search_feed_items")
    }

    /// Assigns a feed item to a team and/or an agent. [3P/NF] as `searchFeedItems`.
    public static func assignFeedItem(
        feedID: String, itemID: String, teamID: String?, agentID: String?, workspaceID: String
    ) -> BirdRequest {
        var body: [String: JSONValue] = [:]
        if let teamID { body["teamId"] = .string(teamID) }
        if let agentID { body["agentId"] = .string(agentID) }
        return BirdRequest(
            generation: .bird, method: "PATCH",
            path: "/workspaces/\(segment(workspaceID))/feeds/\(segment(feedID))/items/\(segment(itemID))",
            body: .object(body), endpoint: "assign_feed_item")
    }
}
