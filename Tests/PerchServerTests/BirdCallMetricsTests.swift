import Foundation
import PerchBird
import PerchEvents
import PerchServer
import PerchTesting
import Testing

/// The metrics to size Perch for Bird at a distance (issue 20): calls in flight and the HTTP version
/// Bird answered with, beside the latency histogram.
@Suite("Bird call metrics")
struct BirdCallMetricsTests {
    @Test func aReplyIsCountedByHTTPVersionAndLeavesNoCallInFlight() async throws {
        let harness = try await Harness.start { $0.messageBirdSigningKey = "distance-key" }
        try await harness.run { harness in
            let body = SeedPayloads.messageCreated()
            let signed = WebhookSigner(key: "distance-key")
                .messageBirdHeaders(body: Array(body.utf8), timestamp: Int(Date().timeIntervalSince1970))
            #expect(try await harness.post("/webhooks/messagebird", json: body, headers: signed).status == 200)
            try await harness.bird.waitForRequests(count: 1)
            // Counted once Bird's answer is back; wait for that, not for a fixed time.
            var samples = try await scrape(harness)
            let deadline = ContinuousClock.now + .seconds(10)
            while samples[#"perch_bird_responses_by_http_version_total{version="1.1"}"#] == 0,
                ContinuousClock.now < deadline
            {
                samples = try await scrape(harness)
            }
            #expect(samples[#"perch_bird_responses_by_http_version_total{version="1.1"}"#] == 1)
            #expect(samples[#"perch_bird_call_duration_seconds_count{endpoint="send_message"}"#] == 1)
            #expect(samples.values["perch_bird_calls_in_flight{}"] == 0)
        }
    }

    private func scrape(_ harness: Harness) async throws -> PrometheusSamples {
        let response = try await harness.client.execute(.init(url: harness.baseURL + "/metrics"))
        return try PrometheusSamples.parse(String(decoding: response.body, as: UTF8.self))
    }
}
