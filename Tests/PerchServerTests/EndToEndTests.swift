import PerchEvents
import PerchTesting
import Testing

@Suite("The first slice: a seed webhook in, a reply out")
struct EndToEndTests {
    @Test func seedMessageCreatedGetsTheFAQReplyThroughTheLegacyAPI() async throws {
        let harness = try await Harness.start()
        try await harness.run { harness in
            let response = try await harness.post("/webhooks/messagebird", json: SeedPayloads.messageCreated())
            #expect(response.status == 200)

            let requests = try await harness.bird.waitForRequests(count: 1)
            let reply = try #require(requests.first)
            #expect(reply.method == "POST")
            #expect(reply.path == "/v1/conversations/f1e812e9afd6a875d813d51f45823edd/messages")
            #expect(reply.headers["authorization"] == "AccessKey test-access-key")
            #expect(reply.headers["content-type"] == "application/json")
            let body = try #require(reply.json)
            #expect(body["type"] == .string("text"))
            let text = try #require(body["content"]?["text"]?.stringValue)
            #expect(text.contains("Perch is connected"))
            #expect(body["trackId"]?.stringValue?.hasPrefix("perch:") == true)
        }
    }

    @Test func healthAndReadinessAnswer() async throws {
        let harness = try await Harness.start()
        try await harness.run { harness in
            let health = try await harness.client.execute(.init(url: harness.baseURL + "/healthz"))
            #expect(health.status == 200)
            let ready = try await harness.client.execute(.init(url: harness.baseURL + "/readyz"))
            #expect(ready.status == 200)
            let json = try JSONValue(parsing: ready.body)
            #expect(json["flows"]?["version"]?.stringValue?.isEmpty == false)
        }
    }
}
