import PerchEvents

/// Registers Perch's webhook endpoints with Bird, lists and removes them: what `perch webhooks`
/// does, as a library so tests run it against the fake Bird API.
///
/// Bird platform: one subscription per event, for `conversation.created` and `conversation.updated`
/// of the conversations service (the quickstart's way to see customer messages, reference 1d), each
/// with the signing key and, when given, a `channelId` filter. Channel events (`whatsapp.inbound`)
/// are not subscribed by default: every customer message would then arrive twice under two
/// different keys. Legacy: one webhook for `message.created`, `message.updated`,
/// `conversation.created` and `conversation.updated`, with the channel when given.
public struct WebhookRegistrar: Sendable {
    /// Events subscribed on the Bird platform, as (service, event).
    public static let birdEvents: [(service: String, event: String)] = [
        ("conversations", "conversation.created"), ("conversations", "conversation.updated"),
    ]
    /// Events of the legacy webhook.
    public static let messageBirdEvents = [
        "message.created", "message.updated", "conversation.created", "conversation.updated",
    ]

    /// Perch's endpoint for each generation, below its public URL.
    public static func path(for generation: Generation) -> String {
        switch generation {
        case .bird: "/webhooks/bird"
        case .messagebird: "/webhooks/messagebird"
        }
    }

    let client: BirdClient

    public init(client: BirdClient) { self.client = client }

    /// What `create` sends, without sending it.
    /// - Parameters:
    ///   - publicURL: the URL Bird reaches Perch at (`PERCH_PUBLIC_URL`), without the path.
    ///   - generation: which API to register with.
    ///   - channelID: only events of this channel, when given.
    ///   - signingKey: Bird platform signing key (`BIRD_SIGNING_KEY`); legacy webhooks are signed with
    ///     the account's key and take none.
    /// - Throws: ``RegistrationError`` when the workspace is missing for Bird.
    public func plan(publicURL: String, generation: Generation, channelID: String?, signingKey: String?)
        throws(RegistrationError) -> [BirdRequest]
    {
        let base = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        let url = base + Self.path(for: generation)
        switch generation {
        case .bird:
            let workspace = try workspaceID()
            return Self.birdEvents.map { subscription in
                BirdRequest.createWebhookSubscription(
                    service: subscription.service, event: subscription.event, url: url, signingKey: signingKey,
                    eventFilters: channelID.map { [("channelId", $0)] } ?? [],
                    organizationID: client.birdConfiguration.organizationID, workspaceID: workspace)
            }
        case .messagebird:
            return [BirdRequest.createWebhook(events: Self.messageBirdEvents, url: url, channelID: channelID)]
        }
    }

    /// Registers the endpoints; returns what Bird answered for each (the created objects).
    public func create(publicURL: String, generation: Generation, channelID: String?, signingKey: String?)
        async throws -> [JSONValue]
    {
        var created: [JSONValue] = []
        for request in try plan(
            publicURL: publicURL, generation: generation, channelID: channelID, signingKey: signingKey)
        {
            created.append(try await client.perform(request).body ?? .null)
        }
        return created
    }

    /// Every subscription (Bird) or webhook (legacy), all pages.
    public func list(generation: Generation) async throws -> [JSONValue] {
        var all: [JSONValue] = []
        var page: PageRequest? = PageRequest(limit: generation == .bird ? 100 : 20)
        var pages = 0
        while let current = page, pages < 100 {
            let request: BirdRequest =
                switch generation {
                case .bird:
                    .listWebhookSubscriptions(
                        page: current, organizationID: client.birdConfiguration.organizationID,
                        workspaceID: try workspaceID())
                case .messagebird: .listWebhooks(page: current)
                }
            let result = Page(try await client.perform(request), generation: generation, requested: current)
            all += result.items
            page = result.next
            pages += 1
        }
        return all
    }

    /// Removes one subscription (Bird) or webhook (legacy) by id.
    public func delete(id: String, generation: Generation) async throws {
        let request: BirdRequest =
            switch generation {
            case .bird:
                .deleteWebhookSubscription(
                    id, organizationID: client.birdConfiguration.organizationID, workspaceID: try workspaceID())
            case .messagebird: .deleteWebhook(id)
            }
        _ = try await client.perform(request)
    }

    private func workspaceID() throws(RegistrationError) -> String {
        guard let workspace = client.birdConfiguration.workspaceID, !workspace.isEmpty else {
            throw RegistrationError(
                .missingWorkspace, "BIRD_WORKSPACE_ID is not set: Bird webhook subscriptions belong to a workspace")
        }
        return workspace
    }
}

/// Why webhooks could not be registered, with what to set.
public struct RegistrationError: Error, Sendable, CustomStringConvertible {
    enum Code: Sendable {
        case missingWorkspace
    }

    let code: Code
    public let message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
