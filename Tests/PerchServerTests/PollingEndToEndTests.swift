import PerchEvents
import PerchRuntime
import PerchTesting
import Testing

@Suite("perch serve --poll: messages read from the API get answered")
struct PollingEndToEndTests {
    @Test func aPolledLegacyMessageIsAnsweredOnceEvenWhenItAlsoArrivesByWebhook() async throws {
        let harness = try await Harness.start { configuration in
            configuration.poll = PollerConfiguration(interval: .milliseconds(50), generation: .messagebird)
        }
        try await harness.run { harness in
            let message = harness.bird.addInboundMessage(
                conversationID: "c-poll", messageID: "m-poll", text: "What are your opening hours?",
                generation: .messagebird)
            // The reply is the first POST to the conversation's messages.
            let reply = try await Self.waitForReply(harness.bird, conversation: "c-poll")
            #expect(reply.json?.value(at: "content.text")?.stringValue?.contains("Monday to Friday") == true)

            // The same message by webhook afterwards is a duplicate.
            let webhook = JSONValue.object([
                "type": .string("message.created"),
                "conversation": .object(["id": .string("c-poll"), "status": .string("active")]),
                "message": message,
            ])
            let response = try await harness.post("/webhooks/messagebird", json: webhook.serialized())
            #expect(response.status == 200)
            #expect(String(decoding: response.body, as: UTF8.self).contains("duplicate"))
            #expect(harness.bird.deliveredMessages.count == 1)
        }
    }

    @Test func aPolledBirdMessageIsAnsweredOnceEvenWhenItsWebhookFollows() async throws {
        let harness = try await Harness.start { configuration in
            configuration.poll = PollerConfiguration(
                interval: .milliseconds(50), generation: .bird, workspaceID: "ws-1")
        }
        try await harness.run { harness in
            harness.bird.addInboundMessage(
                conversationID: "c-bird", messageID: "m-bird", text: "What are your opening hours?", generation: .bird)
            let reply = try await Self.waitForReply(
                harness.bird, path: "/workspaces/ws-1/conversations/c-bird/messages")
            #expect(reply.json?.value(at: "body.text.text")?.stringValue?.contains("Monday to Friday") == true)
            #expect(reply.json?["participantType"] == .string("flow"))

            // Bird's conversation.updated for the same customer message, as the fake has the conversation now.
            var conversation = try #require(harness.bird.conversation("c-bird")?.objectValueForTest)
            conversation["lastMessage"] = .object([
                "id": .string("m-bird"), "type": .string("text"),
                "preview": .object(["text": .string("What are your opening hours?")]),
                "sender": .object(["id": .string("contact-c-bird"), "type": .string("contact")]),
                "status": .string("delivered"), "createdAt": .string("2026-01-01T00:00:00.000Z"),
            ])
            let webhook = JSONValue.object([
                "service": .string("conversations"), "event": .string("conversation.updated"),
                "payload": .object(conversation),
            ])
            let response = try await harness.post("/webhooks/bird", json: webhook.serialized())
            #expect(response.status == 200)
            #expect(String(decoding: response.body, as: UTF8.self).contains("duplicate"))
            #expect(harness.bird.deliveredMessages.count == 1)
        }
    }

    static func waitForReply(_ fake: FakeBirdAPI, path: String) async throws -> FakeBirdAPI.Request {
        var seen = 0
        while true {
            let requests = try await fake.waitForRequests(count: seen + 1)
            if let reply = requests.first(where: { $0.method == "POST" && $0.path == path }) { return reply }
            seen = requests.count
        }
    }

    static func waitForReply(_ fake: FakeBirdAPI, conversation: String) async throws -> FakeBirdAPI.Request {
        var seen = 0
        while true {
            let requests = try await fake.waitForRequests(count: seen + 1)
            if let reply = requests.first(where: {
                $0.method == "POST" && $0.path == "/v1/conversations/\(conversation)/messages"
            }) {
                return reply
            }
            seen = requests.count
        }
    }
}

extension JSONValue {
    fileprivate var objectValueForTest: [String: JSONValue]? {
        if case .object(let members) = self { return members }
        return nil
    }
}
