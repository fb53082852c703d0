import Curl
import Logging
import PerchBird
import PerchEvents
import PerchTesting
import Testing

@Suite("Bird API client against the fake Bird API")
struct BirdClientTests {
    static func withClient(
        sandbox: Bool = false, _ body: (BirdClient, FakeBirdAPI) async throws -> Void
    ) async throws {
        let fake = FakeBirdAPI()
        try fake.start()
        let http = HTTPClient()
        let client = BirdClient(
            configuration: BirdConfiguration(
                birdAPIURL: fake.birdURL, messageBirdAPIURL: fake.messageBirdURL,
                birdAccessKey: sandbox ? nil : "bird-key", workspaceID: "ws", flowID: "flow-1"),
            http: http, logger: Logger(label: "test"))
        do {
            try await body(client, fake)
        } catch {
            await http.shutdown()
            await fake.shutdown()
            throw error
        }
        await http.shutdown()
        await fake.shutdown()
    }

    @Test func birdReplyIsSentAsParticipantTypeFlow() async throws {
        try await Self.withClient { client, fake in
            let request = BirdRequest.sendText(
                OutgoingText(text: "We are open 9-17", buttons: ["Prices"]), conversationID: "c-1",
                generation: .bird, workspaceID: "ws", flowID: "flow-1", reference: "perch:e:r:0")
            let response = try await client.perform(request)
            #expect(response.status == 201)
            #expect(response.body?["reference"] == .string("perch:e:r:0"))

            let sent = try #require(fake.requests.first)
            #expect(sent.path == "/workspaces/ws/conversations/c-1/messages")
            #expect(sent.headers["authorization"] == "AccessKey bird-key")
            let body = try #require(sent.json)
            #expect(body["participantType"] == .string("flow"))
            #expect(body["participantId"] == .string("flow-1"))
            #expect(body["addMissingParticipants"] == .bool(true))
            #expect(body.value(at: "body.text.text") == .string("We are open 9-17"))
            #expect(body.value(at: "body.text.actions.0.postback.payload") == .string("Prices"))
        }
    }

    @Test func failuresCarryBirdsErrorText() async throws {
        try await Self.withClient { client, fake in
            fake.inject(
                .status(422, body: #"{"code":"ConversationClosed","message":"conversation is closed"}"#))
            let request = BirdRequest.sendText(
                OutgoingText(text: "hi"), conversationID: "c-1", generation: .bird, workspaceID: "ws",
                flowID: "flow-1", reference: "perch:e:r:0")
            let error = try await #require(throws: BirdAPIError.self) { try await client.perform(request) }
            #expect(error.status == 422)
            #expect(error.birdCode == "ConversationClosed")
            #expect(error.message == "conversation is closed")
            #expect(!error.isRetryable)
        }
    }

    @Test func sequentialCallsShareOneConnection() async throws {
        try await Self.withClient { client, fake in
            for index in 0..<10 {
                _ = try await client.perform(
                    BirdRequest.sendText(
                        OutgoingText(text: "n\(index)"), conversationID: "c", generation: .messagebird,
                        workspaceID: "", flowID: "", reference: "perch:\(index)"))
            }
            #expect(fake.requests.count == 10)
            #expect(fake.connectionsAccepted == 1)
        }
    }

    @Test func sandboxRecordsInsteadOfSending() async throws {
        try await Self.withClient(sandbox: true) { client, fake in
            #expect(client.isSandbox)
            _ = try await client.perform(
                BirdRequest.sendText(
                    OutgoingText(text: "hi"), conversationID: "c", generation: .messagebird, workspaceID: "",
                    flowID: "", reference: "perch:1"))
            #expect(client.sandboxCalls.count == 1)
            #expect(fake.requests.isEmpty)
        }
    }
}
