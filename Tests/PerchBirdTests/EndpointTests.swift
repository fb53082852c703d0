import PerchBird
import PerchEvents
import PerchTesting
import Testing

@Suite("Bird endpoints of both generations against the fake")
struct EndpointTests {
    @Test(arguments: [Generation.bird, .messagebird])
    func listsConversationsPageByPage(generation: Generation) async throws {
        try await ClientFixture.with(rateLimits: .unlimited) { fixture in
            for index in 0..<5 {
                fixture.fake.addInboundMessage(
                    conversationID: "conv-\(index)", messageID: "m-\(index)", text: "hi", generation: generation)
            }
            var seen: [String] = []
            var page: PageRequest? = PageRequest(limit: 2)
            var calls = 0
            while let current = page {
                let request = BirdRequest.listConversations(
                    page: current, generation: generation, workspaceID: "ws")
                let result = Page(try await fixture.client.perform(request), generation: generation, requested: current)
                seen += result.items.compactMap { $0["id"]?.stringValue }
                page = result.next
                calls += 1
            }
            #expect(calls == 3)
            #expect(Set(seen) == Set((0..<5).map { "conv-\($0)" }))
            #expect(seen.count == 5)
            let first = try #require(fixture.fake.requests.first)
            switch generation {
            case .bird:
                #expect(first.path == "/workspaces/ws/conversations")
                #expect(first.queryItems["limit"] == "2")
                #expect(first.queryItems["status"] == "active")
                #expect(fixture.fake.requests[1].queryItems["pageToken"] == "2")
            case .messagebird:
                #expect(first.path == "/v1/conversations")
                #expect(first.queryItems["offset"] == "0")
                #expect(fixture.fake.requests[1].queryItems["offset"] == "2")
            }
        }
    }

    @Test(arguments: [Generation.bird, .messagebird])
    func listsMessagesAndGetsOne(generation: Generation) async throws {
        try await ClientFixture.with(rateLimits: .unlimited) { fixture in
            for index in 0..<3 {
                fixture.fake.addInboundMessage(
                    conversationID: "c-1", messageID: "m-\(index)", text: "text \(index)", generation: generation)
            }
            let listed = Page(
                try await fixture.client.perform(
                    .listMessages(
                        conversationID: "c-1", page: PageRequest(limit: 10), generation: generation, workspaceID: "ws")),
                generation: generation, requested: PageRequest(limit: 10))
            #expect(listed.items.compactMap { $0["id"]?.stringValue } == ["m-2", "m-1", "m-0"])
            #expect(listed.next == nil)
            let one = try await fixture.client.perform(
                .getMessage("m-1", conversationID: "c-1", generation: generation, workspaceID: "ws"))
            #expect(one.body?["id"] == .string("m-1"))
            #expect(
                fixture.fake.requests.last?.path
                    == (generation == .bird ? "/workspaces/ws/conversations/c-1/messages/m-1" : "/v1/messages/m-1"))
        }
    }

    @Test func createsABirdConversationWithItsFirstMessage() async throws {
        try await ClientFixture.with { fixture in
            let response = try await fixture.client.perform(
                .createConversation(
                    text: OutgoingText(text: "Your order shipped"), channelID: "ch-1", recipient: "+31612345678",
                    generation: .bird, workspaceID: "ws", flowID: "flow-1", reference: "perch:start:1"))
            #expect(response.status == 201)
            let sent = try #require(fixture.fake.requests.first?.json)
            #expect(sent["channelId"] == .string("ch-1"))
            #expect(sent.value(at: "participants.0.contact.identifierValue") == .string("+31612345678"))
            #expect(sent.value(at: "initialMessage.body.text.text") == .string("Your order shipped"))
            #expect(sent.value(at: "initialMessage.recipients.0.identifierKey") == .string("phonenumber"))
            #expect(sent.value(at: "initialMessage.reference") == .string("perch:start:1"))
            #expect(fixture.fake.deliveredMessages.count == 1)
            let id = try #require(response.body?["id"]?.stringValue)
            let fetched = try await fixture.client.perform(.getConversation(id, generation: .bird, workspaceID: "ws"))
            #expect(fetched.status == 200)
            #expect(fetched.body?["channelId"] == .string("ch-1"))
        }
    }

    @Test func startsALegacyConversation() async throws {
        try await ClientFixture.with { fixture in
            let response = try await fixture.client.perform(
                .createConversation(
                    text: OutgoingText(text: "Hello"), channelID: "ch-1", recipient: "+31612345678",
                    generation: .messagebird, workspaceID: "", flowID: "", reference: "perch:start:2"))
            #expect(response.status == 201)
            let sent = try #require(fixture.fake.requests.first)
            #expect(sent.path == "/v1/conversations/start")
            #expect(
                sent.json
                    == .object([
                        "channelId": .string("ch-1"), "to": .string("+31612345678"), "type": .string("text"),
                        "content": .object(["text": .string("Hello")]), "trackId": .string("perch:start:2"),
                    ]))
        }
    }

    @Test func updateAndAddParticipantAnswerAsDocumented() async throws {
        // The builders for these are the runtime's actions; the requests are written out here.
        try await ClientFixture.with { fixture in
            let update = try await fixture.client.perform(
                BirdRequest(
                    generation: .bird, method: "PATCH", path: "/workspaces/ws/conversations/c-9",
                    body: .object(["status": .string("closed")]), endpoint: "update_conversation"))
            #expect(update.status == 200)
            #expect(update.body?["status"] == .string("closed"))
            let added = try await fixture.client.perform(
                BirdRequest(
                    generation: .bird, method: "POST", path: "/workspaces/ws/conversations/c-9/participants",
                    body: .object(["type": .string("user"), "id": .string("agent-1")]), endpoint: "add_participant"))
            #expect(added.status == 201)
            // A closed conversation refuses messages with 422, which is final.
            let error = try await #require(throws: BirdAPIError.self) {
                try await fixture.client.perform(ClientFixture.reply(conversation: "c-9"))
            }
            #expect(error.status == 422)
            #expect(fixture.fake.requests.count == 3)
        }
    }

    @Test func outboxRecordsRoundTrip() throws {
        let request = ClientFixture.reply(7)
        let text = BirdRequestRecord(request).json()
        #expect(BirdRequestRecord.parse(text) == request)
        #expect(BirdRequestRecord.parse("{}") == nil)
        #expect(BirdRequestRecord.parse("not json") == nil)
    }
}
