import Foundation
import PerchBird
import PerchEvents
import PerchServer
import PerchTesting
import Testing

@Suite("Webhook ingress over real HTTP")
struct IngressTests {
    static func example(_ name: String) throws -> String {
        try String(contentsOf: Harness.repositoryRoot.appendingPathComponent("examples/\(name)"), encoding: .utf8)
    }

    /// Every file in examples/ is accepted by the endpoint it is for, so the examples never rot.
    @Test func everyExamplePayloadIsAccepted() async throws {
        let files = try FileManager.default.contentsOfDirectory(
            atPath: Harness.repositoryRoot.appendingPathComponent("examples").path
        ).filter { $0.hasSuffix(".json") }.sorted()
        #expect(files.count >= 5)
        let harness = try await Harness.start()
        try await harness.run { harness in
            for file in files {
                let path: String
                switch file {
                case _ where file.hasPrefix("bird-"): path = "/webhooks/bird"
                case _ where file.hasPrefix("messagebird-voice"): path = "/webhooks/messagebird/voice"
                case _ where file.hasPrefix("messagebird-sms-status"): path = "/webhooks/messagebird/sms-status"
                default: path = "/webhooks/messagebird"
                }
                let response = try await harness.post(path, json: try Self.example(file))
                #expect(response.status == 200, "\(file) → \(path): \(String(decoding: response.body, as: UTF8.self))")
            }
        }
    }

    @Test func smsStatusReportsArriveAsQueryParameters() async throws {
        let harness = try await Harness.start()
        try await harness.run { harness in
            let query =
                "id=eef0ab57a9e049be946f3821568c2b2e&recipient=31612345678&reference=FOO&status=delivered&statusDatetime=2019-01-11T09%3A17%3A11%2B00%3A00"
            let response = try await harness.client.execute(
                .init(url: harness.baseURL + "/webhooks/messagebird/sms-status?" + query))
            #expect(response.status == 200)
        }
    }

    @Test func unknownEventNamesAreAcceptedNotRetried() async throws {
        let harness = try await Harness.start()
        try await harness.run { harness in
            let response = try await harness.post(
                "/webhooks/bird", json: #"{"service":"payments","event":"payment.settled","payload":{"id":"p-1"}}"#)
            #expect(response.status == 200)
        }
    }

    @Test(arguments: [
        ("/webhooks/messagebird", "{not json", 400, "malformed JSON"),
        ("/webhooks/messagebird", #"{"type":"message.created","message":{"content":{"text":"hi"}}}"#, 400, "missing field"),
        ("/webhooks/bird", #"{"event":"whatsapp.inbound"}"#, 400, "missing field"),
        ("/webhooks/nowhere", "{}", 404, "no such endpoint"),
    ])
    func badRequestsGetAReason(path: String, body: String, status: Int, reason: String) async throws {
        let harness = try await Harness.start()
        try await harness.run { harness in
            let response = try await harness.post(path, json: body)
            #expect(response.status == status)
            let error = try JSONValue(parsing: response.body)["error"]?.stringValue ?? ""
            #expect(error.contains(reason), "\(error)")
            #expect(harness.bird.requests.isEmpty)
        }
    }

    @Test func wrongMethodWrongTypeAndOversizedBodies() async throws {
        let harness = try await Harness.start { $0.maxBodySize = 4096 }
        try await harness.run { harness in
            let get = try await harness.client.execute(.init(url: harness.baseURL + "/webhooks/messagebird"))
            #expect(get.status == 405)
            #expect(get.header("Allow") == "POST")

            let text = try await harness.client.execute(
                .init(
                    method: "POST", url: harness.baseURL + "/webhooks/messagebird",
                    headers: [("Content-Type", "text/plain")], body: Array(SeedPayloads.messageCreated().utf8)))
            #expect(text.status == 415)

            let big = SeedPayloads.messageCreated(text: String(repeating: "a", count: 5000))
            let oversized = try await harness.post("/webhooks/messagebird", json: big)
            #expect(oversized.status == 413)
        }
    }

    @Test func fullQueueAnswers503WithRetryAfter() async throws {
        let harness = try await Harness.start { $0.runtime.queueLimit = 0 }
        try await harness.run { harness in
            let response = try await harness.post("/webhooks/messagebird", json: SeedPayloads.messageCreated())
            #expect(response.status == 503)
            #expect(response.header("Retry-After") != nil)
        }
    }

    @Test func aStalledClientIsCutOffWithoutBlockingOthers() async throws {
        let harness = try await Harness.start { $0.idleTimeoutSeconds = 1 }
        try await harness.run { harness in
            let port = harness.application.port
            let stalled = try await onThread { () throws -> RawClient in
                let client = try RawClient(port: port, timeoutSeconds: 10)
                try client.send(
                    "POST /webhooks/messagebird HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"half\":")
                return client
            }
            // Others are served while that client hangs.
            let response = try await harness.post("/webhooks/messagebird", json: SeedPayloads.messageCreated())
            #expect(response.status == 200)
            let closed = try await onThread { try stalled.waitForClose() }
            #expect(closed)
        }
    }
}

@Suite("Webhook signatures over real HTTP")
struct IngressSignatureTests {
    static let legacyKey = "legacy-signing-key"
    static let birdKey = "bird-signing-key"
    static let publicURL = "https://perch.example.com"

    static func start() async throws -> Harness {
        try await Harness.start {
            $0.messageBirdSigningKey = legacyKey
            $0.birdSigningKey = birdKey
            $0.publicURL = publicURL
        }
    }

    var now: Int { Int(Date().timeIntervalSince1970) }

    @Test func legacyHMACSignedWebhookIsAcceptedAndUnsignedIsRefused() async throws {
        let harness = try await Self.start()
        try await harness.run { harness in
            let body = SeedPayloads.messageCreated()
            let unsigned = try await harness.post("/webhooks/messagebird", json: body)
            #expect(unsigned.status == 401)

            let forged = WebhookSigner(key: "not-the-key").messageBirdHeaders(body: Array(body.utf8), timestamp: now)
            #expect(try await harness.post("/webhooks/messagebird", json: body, headers: forged).status == 401)

            let signed = WebhookSigner(key: Self.legacyKey).messageBirdHeaders(body: Array(body.utf8), timestamp: now)
            #expect(try await harness.post("/webhooks/messagebird", json: body, headers: signed).status == 200)
            try await harness.bird.waitForRequests(count: 1)
        }
    }

    @Test func legacyJWTCoversThePublicURL() async throws {
        let harness = try await Self.start()
        try await harness.run { harness in
            let body = SeedPayloads.messageCreated()
            let signer = WebhookSigner(key: Self.legacyKey)
            let good = signer.messageBirdJWTHeader(
                url: Self.publicURL + "/webhooks/messagebird", body: Array(body.utf8), now: now)
            #expect(try await harness.post("/webhooks/messagebird", json: body, headers: [good]).status == 200)

            let otherURL = signer.messageBirdJWTHeader(
                url: "https://elsewhere.example.com/webhooks/messagebird", body: Array(body.utf8), now: now)
            let refused = try await harness.post("/webhooks/messagebird", json: body, headers: [otherURL])
            #expect(refused.status == 401)
            let reason = try JSONValue(parsing: refused.body)["error"]?.stringValue ?? ""
            #expect(reason.contains("url_hash"))
            #expect(!reason.contains(Self.legacyKey))
        }
    }

    @Test func birdPlatformSignatureCoversURLAndBody() async throws {
        let harness = try await Self.start()
        try await harness.run { harness in
            let body = try IngressTests.example("bird-whatsapp-inbound.json")
            let signer = WebhookSigner(key: Self.birdKey)
            let headers = signer.birdHeaders(
                url: Self.publicURL + "/webhooks/bird", body: Array(body.utf8), timestamp: now)
            #expect(try await harness.post("/webhooks/bird", json: body, headers: headers).status == 200)

            let tampered = body.replacingOccurrences(of: "\"text\"", with: "\"text\" ")
            #expect(try await harness.post("/webhooks/bird", json: tampered, headers: headers).status == 401)
        }
    }
}
