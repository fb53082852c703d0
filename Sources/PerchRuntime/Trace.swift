import Foundation
import PerchEvents

/// Everything Perch decided about one event and what came of it, kept so a user can ask why.
public struct Trace: Sendable, Codable {
    public var eventKey: String
    public var eventName: String
    public var conversationID: String?
    public var flowsVersion: String?
    public var receivedAt: Date
    /// Why no rule was tried at all (echo, hand-off pause), when that happened.
    public var skipped: String?
    /// The flow engine's readable explanation of every rule.
    public var explanation: String?
    public var firedRules: [String]
    public var actions: [ActionOutcome]
    public var error: String?

    public init(event: Event, receivedAt: Date) {
        self.eventKey = event.key
        self.eventName = event.name
        self.conversationID = event.conversationID
        self.receivedAt = receivedAt
        self.firedRules = []
        self.actions = []
    }

    /// The trace as JSON, as the store keeps it and `/explain` serves it.
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return (try? String(decoding: encoder.encode(self), as: UTF8.self)) ?? "{}"
    }
}
