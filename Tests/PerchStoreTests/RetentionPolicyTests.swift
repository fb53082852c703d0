import Foundation
import Testing

@testable import PerchStore

@Suite struct RetentionPolicyTests {
    @Test func theDedupeWindowIsNeverShorterThanADay() {
        var policy = RetentionPolicy(dedupeWindow: .seconds(60))
        #expect(policy.dedupeWindow == .seconds(24 * 3600))
        policy.dedupeWindow = .seconds(3600)
        #expect(policy.dedupeWindow == .seconds(24 * 3600))
        policy.dedupeWindow = .seconds(72 * 3600)
        #expect(policy.dedupeWindow == .seconds(72 * 3600))
        #expect(RetentionPolicy().dedupeWindow == .seconds(48 * 3600))
    }

    @Test func durationsConvertToFoundationIntervals() {
        #expect(Duration.milliseconds(1500).timeInterval == 1.5)
        #expect(Duration(timeInterval: 2.25) == .milliseconds(2250))
    }

    @Test func anEmptyConversationRecordDecodesAsANewConversation() throws {
        let record = try JSONDecoder().decode(ConversationRecord.self, from: Data("{}".utf8))
        #expect(record == ConversationRecord())
    }
}
