/// The customer side of a conversation.
public struct Contact: Sendable, Hashable {
    public var id: String?
    /// Display name (legacy first and last name joined; Bird `displayName` or `annotations.name`).
    public var name: String?
    /// Phone number or platform address (legacy `msisdn`, which Bird sends as a JSON number).
    public var identifier: String?
    /// Custom details (legacy) or attributes (Bird).
    public var attributes: [String: JSONValue]

    public init(
        id: String? = nil, name: String? = nil, identifier: String? = nil, attributes: [String: JSONValue] = [:]
    ) {
        self.id = id
        self.name = name
        self.identifier = identifier
        self.attributes = attributes
    }
}

/// A participant of a conversation as Bird names it.
public struct Participant: Sendable, Hashable {
    /// `contact`, `user` (a human agent), `flow` (a bot such as Perch), `accessKey`, ...
    public var type: String
    public var id: String?

    public init(type: String, id: String? = nil) {
        self.type = type
        self.id = id
    }
}
