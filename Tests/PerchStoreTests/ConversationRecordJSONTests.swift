import Foundation
import Testing

@testable import PerchStore

/// The stored JSON of a conversation record is the format Foundation's JSONEncoder wrote, so rows
/// saved before (and by an older Perch after a rollback) read alike.
@Suite struct ConversationRecordJSONTests {
    static let full = ConversationRecord(
        state: "ask-order-number",
        stateExpiresAt: Sample.start.addingTimeInterval(600.25),
        stateData: ["order": "A-17", "note": "line\n\"quoted\" \u{1F426}"],
        lastInboundAt: Sample.start,
        handoffAt: Sample.start.addingTimeInterval(1),
        handoffActive: true,
        handoffTeam: "support",
        ruleLastFired: ["faq/pricing": Sample.start.addingTimeInterval(0.5), "faq/hours": Sample.start],
        status: "active",
        automatedChain: 2,
        messagesSeen: 7,
        updatedAt: Sample.start.addingTimeInterval(2))

    @Test(arguments: [ConversationRecord(), full])
    func foundationRowsReadAndNewRowsReadWithFoundation(record: ConversationRecord) throws {
        let old = String(decoding: try JSONEncoder().encode(record), as: UTF8.self)
        #expect(try ConversationRecord(storedJSON: old) == record)
        let new = record.storedJSON()
        #expect(try JSONDecoder().decode(ConversationRecord.self, from: Data(new.utf8)) == record)
        #expect(try ConversationRecord(storedJSON: new) == record)
    }

    @Test func missingAndNullFieldsTakeTheirDefaults() throws {
        #expect(try ConversationRecord(storedJSON: "{}") == ConversationRecord())
        #expect(
            try ConversationRecord(storedJSON: #"{"state":"asked","handoffActive":true,"status":null}"#)
                == ConversationRecord(state: "asked", handoffActive: true))
    }

    @Test(arguments: [
        "", "[]", #"{"state":3}"#, #"{"messagesSeen":1.5}"#, #"{"handoffActive":"yes"}"#,
        #"{"stateData":{"a":1}}"#, #"{"ruleLastFired":{"r":"today"}}"#, #"{"updatedAt":"2026-01-01"}"#,
    ])
    func wrongTypesAreUnreadable(json: String) {
        #expect(throws: ConversationRecord.UnreadableJSON.self) { try ConversationRecord(storedJSON: json) }
    }
}
