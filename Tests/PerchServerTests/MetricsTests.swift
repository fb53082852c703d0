import Foundation
import PerchBird
import PerchEvents
import PerchServer
import PerchTesting
import Testing

/// Samples of a Prometheus text exposition, as parsed by prometheus_client (the reference parser).
struct PrometheusSamples {
    var values: [String: Double] = [:]

    /// Parses `text` with scripts/check-prometheus.py; fails the test when it does not parse.
    static func parse(_ text: String) throws -> PrometheusSamples {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("metrics-\(UUID().uuidString).txt")
        try text.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", Harness.repositoryRoot.appendingPathComponent("scripts/check-prometheus.py").path, file.path,
        ]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let problem = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw PrometheusParseFailure(description: problem.isEmpty ? "parser exited \(process.terminationStatus)" : problem)
        }
        var samples = PrometheusSamples()
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                continue
            }
            samples.values[String(line[..<space])] = value
        }
        return samples
    }

    subscript(_ key: String) -> Double { values[key] ?? 0 }
}

struct PrometheusParseFailure: Error, CustomStringConvertible { var description: String }

@Suite("Metrics")
struct MetricsTests {
    func scrape(_ harness: Harness) async throws -> PrometheusSamples {
        let response = try await harness.client.execute(.init(url: harness.baseURL + "/metrics"))
        #expect(response.status == 200)
        #expect(response.header("Content-Type")?.hasPrefix("text/plain") == true)
        return try PrometheusSamples.parse(String(decoding: response.body, as: UTF8.self))
    }

    @Test func countersMoveAsEventsRejectionsAndDuplicatesHappen() async throws {
        let harness = try await Harness.start {
            $0.messageBirdSigningKey = "metrics-key"
            $0.maxBodySize = 4096
        }
        try await harness.run { harness in
            let before = try await scrape(harness)
            #expect(before["perch_dispatcher_queue_depth{}"] == 0)

            let body = SeedPayloads.messageCreated()
            let now = Int(Date().timeIntervalSince1970)
            let signed = WebhookSigner(key: "metrics-key").messageBirdHeaders(body: Array(body.utf8), timestamp: now)
            #expect(try await harness.post("/webhooks/messagebird", json: body, headers: signed).status == 200)
            #expect(try await harness.post("/webhooks/messagebird", json: body, headers: signed).status == 200)
            #expect(try await harness.post("/webhooks/messagebird", json: body).status == 401)
            let big = SeedPayloads.messageCreated(text: String(repeating: "x", count: 5000))
            #expect(try await harness.post("/webhooks/messagebird", json: big).status == 413)
            try await harness.bird.waitForRequests(count: 1)

            // The action is counted once Bird has answered; wait for that, not for a fixed time.
            var after = try await scrape(harness)
            let deadline = ContinuousClock.now + .seconds(10)
            while after[#"perch_actions_total{kind="reply",outcome="done"}"#] == 0, ContinuousClock.now < deadline {
                after = try await scrape(harness)
            }
            #expect(after[#"perch_actions_total{kind="reply",outcome="done"}"#] == 1)
            #expect(after[#"perch_rules_fired_total{flow="faq",rule="connection-test"}"#] == 1)
            #expect(after[#"perch_bird_calls_total{endpoint="send_message",status="201"}"#] == 1)
            #expect(after[#"perch_bird_call_duration_seconds_count{endpoint="send_message"}"#] == 1)
            #expect(after[#"perch_events_received_total{generation="messagebird",kind="message"}"#] == 2)
            #expect(after["perch_events_deduped_total{}"] == 1)
            #expect(after[#"perch_events_rejected_total{reason="signature"}"#] == 1)
            #expect(after[#"perch_events_rejected_total{reason="size"}"#] == 1)
            let version = try JSONValue(parsing: try await harness.client.execute(.init(url: harness.baseURL + "/readyz")).body)
                .value(at: "flows.version")?.stringValue ?? "?"
            #expect(after[#"perch_flows_info{version="\#(version)"}"#] == 1)
            // The duplicate wrote nothing; the accepted event wrote at least its inbox entry.
            let commits = after["perch_store_commits_total{}"]
            #expect(commits > before["perch_store_commits_total{}"])
            #expect(after["perch_store_writes_total{}"] >= commits)
        }
    }
}

@Suite("Metrics on their own listener")
struct MetricsListenerTests {
    @Test func metricsListenMovesMetricsOffTheWebhookPort() async throws {
        let harness = try await Harness.start { $0.metricsListen = ListenAddress(host: "127.0.0.1", port: 0) }
        try await harness.run { harness in
            let port = try #require(harness.application.metricsPort)
            let metrics = try await harness.client.execute(.init(url: "http://127.0.0.1:\(port)/metrics"))
            #expect(metrics.status == 200)
            #expect(String(decoding: metrics.body, as: UTF8.self).contains("perch_dispatcher_queue_depth"))
            let onWebhookPort = try await harness.client.execute(.init(url: harness.baseURL + "/metrics"))
            #expect(onWebhookPort.status == 404)
        }
    }
}
