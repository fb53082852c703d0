import Foundation
import Logging
import PerchBird
import PerchEvents
import PerchServer
import PerchTesting
import Synchronization
import Testing

/// Collects JSON log lines in memory.
final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    var sink: JSONLogHandler.Sink { JSONLogHandler.Sink { line in self.lines.withLock { $0.append(line) } } }
    var all: [String] { lines.withLock { $0 } }

    func logger(level: Logger.Level = .debug) -> Logger {
        let sink = self.sink
        var logger = Logger(label: "perch") { label in JSONLogHandler(label: label, sink: sink) }
        logger.logLevel = level
        return logger
    }
}

@Suite("Operations: explain, logs")
struct OperationsTests {
    @Test func explainAnswersForARecentEventAndNotForAnUnknownOne() async throws {
        let harness = try await Harness.start { $0.adminToken = "admin-secret" }
        try await harness.run { harness in
            let accepted = try await harness.post("/webhooks/messagebird", json: SeedPayloads.messageCreated())
            let eventID = try #require(try JSONValue(parsing: accepted.body)["event"]?.stringValue)
            try await harness.bird.waitForRequests(count: 1)
            let id = eventID.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed)!
            let auth = [(name: "Authorization", value: "Bearer admin-secret")]

            // The reply is sent before the trace is saved; wait for the trace itself.
            var trace: JSONValue?
            let deadline = ContinuousClock.now + .seconds(10)
            while trace == nil, ContinuousClock.now < deadline {
                let response = try await harness.client.execute(
                    .init(url: harness.baseURL + "/explain/\(id)", headers: auth))
                if response.status == 200 { trace = try JSONValue(parsing: response.body) } else { await Task.yield() }
            }
            let json = try #require(trace)
            #expect(json["firedRules"] == .array([.string("faq/connection-test")]))
            #expect(json.value(at: "actions.0.result") == .string("done"))

            let text = try await harness.client.execute(
                .init(url: harness.baseURL + "/explain/\(id)?format=text", headers: auth))
            #expect(String(decoding: text.body, as: UTF8.self).contains("faq/connection-test"))

            let unknown = try await harness.client.execute(.init(url: harness.baseURL + "/explain/nope", headers: auth))
            #expect(unknown.status == 404)
            let noToken = try await harness.client.execute(.init(url: harness.baseURL + "/explain/\(id)"))
            #expect(noToken.status == 401)
        }
    }

    @Test func jsonLogsCarryMetadataAndNoSecret() async throws {
        let capture = LogCapture()
        let accessKey = "test-access-key"
        let signingKey = "log-scan-signing-key-7f3a"
        let harness = try await Harness.start(logger: capture.logger()) {
            $0.messageBirdSigningKey = signingKey
            $0.adminToken = "log-scan-admin-token"
        }
        try await harness.run { harness in
            let body = SeedPayloads.messageCreated()
            let now = Int(Date().timeIntervalSince1970)
            let signed = WebhookSigner(key: signingKey).messageBirdHeaders(body: Array(body.utf8), timestamp: now)
            #expect(try await harness.post("/webhooks/messagebird", json: body, headers: signed).status == 200)
            let forged = WebhookSigner(key: "wrong").messageBirdHeaders(body: Array(body.utf8), timestamp: now)
            #expect(try await harness.post("/webhooks/messagebird", json: body, headers: forged).status == 401)
            try await harness.bird.waitForRequests(count: 1)
        }
        let lines = capture.all
        #expect(!lines.isEmpty)
        for line in lines {
            let json = try JSONValue(parsing: line)
            #expect(json["msg"]?.stringValue != nil)
            for secret in [accessKey, signingKey, "log-scan-admin-token"] {
                #expect(!line.contains(secret), "a log line carries a secret: \(line)")
            }
        }
        let fired = try #require(lines.first { $0.contains("\"rule fired\"") })
        let json = try JSONValue(parsing: fired)
        #expect(json["rule.id"] == .string("faq/connection-test"))
        #expect(json["event.id"]?.stringValue?.isEmpty == false)
        #expect(json["conversation.id"] == .string("f1e812e9afd6a875d813d51f45823edd"))
        #expect(lines.contains { $0.contains("\"webhook rejected\"") })
    }
}
