import PerchBird
import PerchEvents
import PerchTesting
import Testing

@Suite("perch webhooks: registering Perch with Bird")
struct WebhookRegistrarTests {
    @Test(arguments: [nil, "org-1"])
    func birdGetsOneSignedSubscriptionPerEvent(organization: String?) async throws {
        try await ClientFixture.with(organizationID: organization) { fixture in
            let registrar = WebhookRegistrar(client: fixture.client)
            let created = try await registrar.create(
                publicURL: "https://perch.example.com/", generation: .bird, channelID: "ch-1",
                signingKey: "secret-signing-key")
            #expect(created.count == 2)
            let requests = fixture.fake.requests
            let base = organization.map { "/organizations/\($0)/workspaces/ws" } ?? "/workspaces/ws"
            #expect(requests.map(\.path) == Array(repeating: base + "/webhook-subscriptions", count: 2))
            #expect(requests.map(\.method) == ["POST", "POST"])
            let expected = ["conversation.created", "conversation.updated"].map { event -> JSONValue in
                .object([
                    "service": .string("conversations"), "event": .string(event),
                    "url": .string("https://perch.example.com/webhooks/bird"),
                    "signingKey": .string("secret-signing-key"),
                    "eventFilters": .array([.object(["key": .string("channelId"), "value": .string("ch-1")])]),
                ])
            }
            #expect(requests.map(\.json) == expected)

            let listed = try await registrar.list(generation: .bird)
            #expect(listed.compactMap { $0["event"]?.stringValue } == ["conversation.created", "conversation.updated"])
            let id = try #require(listed.first?["id"]?.stringValue)
            try await registrar.delete(id: id, generation: .bird)
            #expect(fixture.fake.requests.last?.method == "DELETE")
            #expect(fixture.fake.requests.last?.path == base + "/webhook-subscriptions/\(id)")
            #expect(fixture.fake.webhookSubscriptions.count == 1)
        }
    }

    @Test func legacyGetsOneWebhookForTheFourEvents() async throws {
        try await ClientFixture.with { fixture in
            let registrar = WebhookRegistrar(client: fixture.client)
            _ = try await registrar.create(
                publicURL: "https://perch.example.com", generation: .messagebird, channelID: "ch-legacy",
                signingKey: "ignored")
            let request = try #require(fixture.fake.requests.first)
            #expect(request.method == "POST")
            #expect(request.path == "/v1/webhooks")
            #expect(
                request.json
                    == .object([
                        "events": .array(
                            ["message.created", "message.updated", "conversation.created", "conversation.updated"]
                                .map(JSONValue.string)),
                        "url": .string("https://perch.example.com/webhooks/messagebird"),
                        "channelId": .string("ch-legacy"),
                    ]))
            let listed = try await registrar.list(generation: .messagebird)
            #expect(listed.count == 1)
            let id = try #require(listed.first?["id"]?.stringValue)
            try await registrar.delete(id: id, generation: .messagebird)
            #expect(fixture.fake.requests.last?.path == "/v1/webhooks/\(id)")
            #expect(fixture.fake.legacyWebhooks.isEmpty)
        }
    }

    @Test func birdNeedsAWorkspace() async throws {
        try await ClientFixture.with { fixture in
            var configuration = fixture.client.birdConfiguration
            configuration.workspaceID = nil
            let client = BirdClient(configuration: configuration, http: fixture.http, logger: .init(label: "test"))
            #expect(throws: RegistrationError.self) {
                try WebhookRegistrar(client: client).plan(
                    publicURL: "https://x", generation: .bird, channelID: nil, signingKey: nil)
            }
        }
    }
}
