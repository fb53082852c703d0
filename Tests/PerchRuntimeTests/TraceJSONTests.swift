import Foundation
import PerchEvents
import Testing

@testable import PerchRuntime

/// The trace's JSON is what JSONEncoder (sorted keys, ISO 8601 dates) wrote before: /explain, the
/// tests and `Trace(json:)` read those field names.
@Suite struct TraceJSONTests {
    static func foundationJSON(_ trace: Trace) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(trace), as: UTF8.self)
    }

    static var traces: [Trace] {
        let event = Event(
            kind: .message, generation: .bird, name: "conversation.updated", key: "bird:m1", messageID: "m1",
            conversationID: "c1", direction: .incoming, content: MessageContent(text: "hi"))
        var bare = Trace(event: event, receivedAt: Date(timeIntervalSince1970: 0))
        bare.conversationID = nil
        var full = Trace(event: event, sequence: 42, receivedAt: Date(timeIntervalSince1970: 1_772_618_405.75))
        full.flowsVersion = "v3"
        full.skipped = "an \"echo\"\nof our own"
        full.explanation = "faq/hours: fired"
        full.firedRules = ["faq/hours", "faq/pricing"]
        full.actions = [
            ActionOutcome(rule: "faq/hours", index: 0, kind: "reply", result: .done),
            ActionOutcome(rule: "faq/hours", index: 1, kind: "reply", result: .alreadyDone, detail: "sent before"),
        ]
        full.error = "Bird answered 503"
        var leap = Trace(event: event, receivedAt: Date(timeIntervalSince1970: 951_825_599))  // 2000-02-29T11:59:59Z
        leap.actions = []
        let old = Trace(event: event, receivedAt: Date(timeIntervalSince1970: -86_401))  // 1969-12-30T23:59:59Z
        return [bare, full, leap, old]
    }

    @Test(arguments: traces)
    func sameJSONAsFoundationAndReadsBack(trace: Trace) throws {
        let json = trace.json()
        #expect(try JSONValue(parsing: json) == JSONValue(parsing: Self.foundationJSON(trace)))
        let read = try #require(Trace(json: json))
        #expect(read.json() == json)
    }

    @Test func dateIsUTCToTheSecond() {
        #expect(Trace.iso8601(Date(timeIntervalSince1970: 1_772_618_405.75)) == "2026-03-04T10:00:05Z")
        #expect(Trace.iso8601(Date(timeIntervalSince1970: 951_825_599)) == "2000-02-29T11:59:59Z")
        #expect(Trace.iso8601(Date(timeIntervalSince1970: -86_401)) == "1969-12-30T23:59:59Z")
    }
}
