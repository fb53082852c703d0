import Curl
import Foundation
import MicroHTTP
import PerchBird
import PerchEvents
import PerchServer
import PerchTesting
import Testing

/// Issue 13 over real HTTP: only Bird gets in, and nothing a stranger sends stalls Perch.
@Suite struct SecurityTests {
    static func example(_ name: String) throws -> String {
        try String(contentsOf: Harness.repositoryRoot.appendingPathComponent("examples/\(name)"), encoding: .utf8)
    }

    /// A Bird `whatsapp.inbound` with a current timestamp.
    static func birdInbound() throws -> String {
        let now = ISO8601DateFormatter().string(from: Date())
        return try example("bird-whatsapp-inbound.json").replacingOccurrences(of: "2025-10-24T13:00:00.000Z", with: now)
    }

    static func error(_ response: ClientResponse) -> String {
        (try? JSONValue(parsing: response.body))?["error"]?.stringValue ?? ""
    }

    // MARK: 1. Authentication fails closed

    /// Only `BIRD_SIGNING_KEY` set, with an access key: the legacy endpoints used to take anything.
    @Test func aGenerationWithoutItsSigningKeyAnswers401() async throws {
        let harness = try await Harness.start { configuration in
            configuration.allowUnsigned = false
            configuration.birdSigningKey = "bird-signing-key"
        }
        try await harness.run { harness in
            let legacy = try Self.example("message-created.json")
            for path in ["/webhooks/messagebird", "/webhooks/messagebird/voice", "/webhooks/messagebird/sms-status"] {
                let response = try await harness.post(path, json: legacy)
                #expect(response.status == 401, "\(path)")
                #expect(Self.error(response).contains("MESSAGEBIRD_SIGNING_KEY"), "\(path)")
            }
            // The Bird endpoint checks its own signature: a forged inbound message is refused...
            let body = try Self.birdInbound()
            #expect(try await harness.post("/webhooks/bird", json: body).status == 401)
            // ... and a signed one is taken.
            let url = harness.baseURL + "/webhooks/bird"
            let headers = WebhookSigner(key: "bird-signing-key").birdHeaders(
                url: url, body: Array(body.utf8), timestamp: Int(Date().timeIntervalSince1970))
            #expect(try await harness.post("/webhooks/bird", json: body, headers: headers).status == 200)
        }
    }

    /// `BIRD_SIGNING_KEY=` (empty, as compose files write it) is no key: refused, not unchecked.
    @Test func anEmptySigningKeyRefusesInsteadOfSkippingTheCheck() async throws {
        let harness = try await Harness.start { configuration in
            configuration.allowUnsigned = false
            configuration.birdSigningKey = ""
            configuration.messageBirdSigningKey = ""
        }
        try await harness.run { harness in
            let response = try await harness.post("/webhooks/bird", json: try Self.birdInbound())
            #expect(response.status == 401)
            #expect(Self.error(response).contains("BIRD_SIGNING_KEY"))
            let legacy = try await harness.post("/webhooks/messagebird", json: Self.example("message-created.json"))
            #expect(legacy.status == 401)
        }
    }

    @Test func allowUnsignedIsTheExplicitOptOut() async throws {
        let harness = try await Harness.start { $0.allowUnsigned = true }
        try await harness.run { harness in
            let bird = try await harness.post("/webhooks/bird", json: try Self.birdInbound())
            let legacy = try await harness.post("/webhooks/messagebird", json: Self.example("message-created.json"))
            #expect(bird.status == 200)
            #expect(legacy.status == 200)
        }
    }

    /// Sandbox mode (no access key): the README's quick start still gets its 200 without a signature.
    @Test func theSandboxQuickStartNeedsNoSignature() async throws {
        let harness = try await Harness.start { configuration in
            configuration.allowUnsigned = false
            configuration.bird = BirdConfiguration()
        }
        try await harness.run { harness in
            // README: curl -d @examples/message-created.json http://127.0.0.1:8080/webhooks/messagebird
            let response = try await harness.post("/webhooks/messagebird", json: Self.example("message-created.json"))
            #expect(response.status == 200)
        }
    }

    // MARK: 2. Ids that go into Bird API paths

    @Test(arguments: [
        ("f1e812e9afd6a875d813d51f45823edd", "../../workspaces/other", "conversation id"),
        ("73afe0acee2127fd3e7d9a7dc622826e", "contact?x=1", "contact id"),
        ("93a1f7ba935c4ee298cb5ef952052ea7", "m#1", "message id"),
        ("2ceefea7c1b8c79673215c42c1a6b916", "ch 1", "channel id"),
        ("93a1f7ba935c4ee298cb5ef952052ea7", "m%2F1", "message id"),
        ("f1e812e9afd6a875d813d51f45823edd", "c\\u0001", "conversation id"),
    ])
    func idsThatWouldChangeABirdPathAreRefused(original: String, forged: String, field: String) async throws {
        let harness = try await Harness.start()
        try await harness.run { harness in
            let body = try Self.example("message-created.json").replacingOccurrences(of: original, with: forged)
            let response = try await harness.post("/webhooks/messagebird", json: body)
            #expect(response.status == 400)
            #expect(Self.error(response).contains(field), "\(Self.error(response))")
        }
    }

    // MARK: 3. No rule or message stalls the runtime

    /// The reproduction: two messages that make a backtracking engine run for minutes, then
    /// an unrelated webhook, which must still be answered, and both events must finish.
    @Test func aCatastrophicRegexDoesNotStallOtherWebhooks() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let flow = try directory.write(
            "words.yaml",
            "flow: words\nrules:\n  - id: only-words\n    when: { regex: \"^(\\\\w+\\\\s?)+$\" }\n    reply: ok\n")
        let harness = try await Harness.start { $0.flowsPaths = [flow] }
        try await harness.run { harness in
            let hostile = String(repeating: "a", count: 34) + "!"
            var keys: [String] = []
            for index in 0..<2 {
                let response = try await harness.post(
                    "/webhooks/messagebird",
                    json: SeedPayloads.messageCreated(
                        text: hostile, conversationID: "c\(index)", messageID: "m\(index)"))
                #expect(response.status == 200)
                keys.append((try JSONValue(parsing: response.body))["event"]?.stringValue ?? "")
            }
            let unrelated = try await harness.client.execute(
                ClientRequest(
                    method: "POST", url: harness.baseURL + "/webhooks/messagebird",
                    headers: [("Content-Type", "application/json")],
                    body: Array(SeedPayloads.messageCreated(text: "hello", conversationID: "c9", messageID: "m9").utf8),
                    timeout: .seconds(10)))
            #expect(unrelated.status == 200)
            let dispatcher = harness.application.runtime.dispatcher
            try await withDeadline(.seconds(10), "the hostile events to finish") { await dispatcher.waitUntilIdle() }
            for key in keys {
                let explain = try await harness.client.execute(
                    ClientRequest(url: harness.baseURL + "/explain/\(key)?format=text"))
                #expect(String(decoding: explain.body, as: UTF8.self).contains("does not match"))
            }
        }
    }

    /// Work queued and nothing finishing (here: Bird never answers) fails `/healthz`, so that an
    /// orchestrator restarts the process.
    @Test func healthFailsWhenQueuedWorkMakesNoProgress() async throws {
        let clock = TestClock(Date())
        let harness = try await Harness.start(clock: clock) { $0.stallTimeout = .seconds(60) }
        harness.bird.inject(.hang)
        try await harness.run { harness in
            let healthy = try await harness.client.execute(ClientRequest(url: harness.baseURL + "/healthz"))
            #expect(healthy.status == 200)
            let posted = try await harness.post(
                "/webhooks/messagebird", json: SeedPayloads.messageCreated(text: "testing stall"))
            #expect(posted.status == 200)
            _ = try await harness.bird.waitForRequests(count: 1)
            // The first look sees the queued event; the next, a minute later, sees that none finished.
            let first = try await harness.client.execute(ClientRequest(url: harness.baseURL + "/healthz"))
            #expect(first.status == 200)
            clock.advance(by: 61)
            let stalled = try await harness.client.execute(ClientRequest(url: harness.baseURL + "/healthz"))
            #expect(stalled.status == 503)
            #expect(Self.error(stalled).contains("PERCH_STALL_TIMEOUT"))
            // Released, the event finishes and health comes back.
            await harness.bird.shutdown()
            try await withDeadline(.seconds(30), "the stuck event to finish") {
                await harness.application.runtime.dispatcher.waitUntilIdle()
            }
            let recovered = try await harness.client.execute(ClientRequest(url: harness.baseURL + "/healthz"))
            #expect(recovered.status == 200)
        }
    }

    // MARK: 5. Admin surfaces

    /// Without `PERCH_ADMIN_TOKEN`, `/explain` (customers' texts) answers this host only.
    @Test(.enabled(if: SecurityTests.nonLoopbackAddress() != nil, "needs a non-loopback IPv4 address"))
    func explainWithoutATokenAnswersOnlyLoopbackClients() async throws {
        let address = try #require(Self.nonLoopbackAddress())
        let harness = try await Harness.start { $0.listen = ListenAddress(host: "0.0.0.0", port: 0) }
        try await harness.run { harness in
            let posted = try await harness.post("/webhooks/messagebird", json: SeedPayloads.messageCreated())
            let key = (try JSONValue(parsing: posted.body))["event"]?.stringValue ?? ""
            let port = harness.application.port
            let remote = try await onThread {
                let client = try RawClient(port: port, host: address)
                try client.send("GET /explain/\(key) HTTP/1.1\r\nHost: perch\r\nConnection: close\r\n\r\n")
                return try client.readResponse().status
            }
            #expect(remote == 403)
            let local = try await harness.client.execute(ClientRequest(url: harness.baseURL + "/explain/\(key)"))
            #expect(local.status != 403)
        }
    }

    /// A proxy on the same host connects from loopback for everyone: its forwarding header counts.
    @Test func explainWithoutATokenRefusesWhatALocalProxyRelays() async throws {
        let harness = try await Harness.start()
        try await harness.run { harness in
            let posted = try await harness.post("/webhooks/messagebird", json: SeedPayloads.messageCreated())
            let key = (try JSONValue(parsing: posted.body))["event"]?.stringValue ?? ""
            let relayed = try await harness.client.execute(
                ClientRequest(url: harness.baseURL + "/explain/\(key)", headers: [("X-Forwarded-For", "203.0.113.9")]))
            #expect(relayed.status == 403)
        }
    }

    /// `/readyz` names no file, and does not write on every call.
    @Test func readinessHidesTheStorePathAndCachesItsProbe() async throws {
        let harness = try await Harness.start()
        try await harness.run { harness in
            func commits() async throws -> Int {
                let metrics = try await harness.client.execute(ClientRequest(url: harness.baseURL + "/metrics"))
                let line = String(decoding: metrics.body, as: UTF8.self).split(separator: "\n")
                    .first { $0.hasPrefix("perch_store_commits_total ") }
                return Int(line?.split(separator: " ").last ?? "") ?? -1
            }
            let commitsBefore = try await commits()
            var bodies: [String] = []
            for _ in 0..<20 {
                let response = try await harness.client.execute(ClientRequest(url: harness.baseURL + "/readyz"))
                #expect(response.status == 200)
                bodies.append(String(decoding: response.body, as: UTF8.self))
            }
            // Twenty calls in well under a second or two: at most a few probes, not twenty writes.
            #expect(try await commits() - commitsBefore < 10)
            #expect(!bodies.contains { $0.contains(harness.directory.path) })
        }
    }

    // MARK: Smaller items

    /// Two spellings of a signature header: which one counted depended on a dictionary's order.
    @Test func repeatedSignatureHeadersAreRefused() async throws {
        let harness = try await Harness.start { configuration in
            configuration.allowUnsigned = false
            configuration.birdSigningKey = "bird-signing-key"
        }
        try await harness.run { harness in
            let body = try Self.birdInbound()
            let signed = WebhookSigner(key: "bird-signing-key").birdHeaders(
                url: harness.baseURL + "/webhooks/bird", body: Array(body.utf8),
                timestamp: Int(Date().timeIntervalSince1970))
            let headers = signed + [("MessageBird-Signature", "Zm9yZ2Vk")]
            let response = try await harness.post("/webhooks/bird", json: body, headers: headers)
            #expect(response.status == 400)
            #expect(Self.error(response).lowercased().contains("messagebird-signature"))
        }
    }

    /// The first IPv4 address of this host that is not loopback, if it has one.
    static func nonLoopbackAddress() -> String? {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return nil }
        defer { freeifaddrs(list) }
        for entry in sequence(first: first, next: { $0.pointee.ifa_next }) {
            guard let address = entry.pointee.ifa_addr, address.pointee.sa_family == sa_family_t(AF_INET) else {
                continue
            }
            var text = [CChar](repeating: 0, count: 64)
            var ipv4 = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
            guard inet_ntop(AF_INET, &ipv4, &text, 64) != nil else { continue }
            let string = text.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            if !string.hasPrefix("127.") { return string }
        }
        return nil
    }
}
