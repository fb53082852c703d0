import Foundation
import PerchEvents

/// Everything Perch decided about one event and what came of it, kept so a user can ask why.
public struct Trace: Sendable, Codable {
    public var eventKey: String
    public var eventName: String
    public var conversationID: String?
    /// The inbox sequence: the event's place in arrival order (nil when it was not stored).
    public var sequence: Int64?
    public var flowsVersion: String?
    public var receivedAt: Date
    /// Why no rule was tried at all (echo, hand-off pause), when that happened.
    public var skipped: String?
    /// The flow engine's readable explanation of every rule.
    public var explanation: String?
    public var firedRules: [String]
    public var actions: [ActionOutcome]
    public var error: String?

    public init(event: Event, sequence: Int64? = nil, receivedAt: Date) {
        self.eventKey = event.key
        self.sequence = sequence
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

extension Trace {
    /// Reads a trace back from the JSON the store keeps.
    public init?(json: String) {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        guard let trace = try? decoder.decode(Trace.self, from: Data(json.utf8)) else { return nil }
        self = trace
    }

    /// The trace as text for people: what arrived, why each rule did or did not fire, what was done.
    public var text: String {
        var lines = ["event \(eventKey) (\(eventName))"]
        if let conversationID { lines.append("conversation \(conversationID)") }
        lines.append("received \(receivedAt.formatted(.iso8601))" + (flowsVersion.map { ", flows \($0)" } ?? ""))
        if let skipped { lines.append("no rule was tried: \(skipped)") }
        if let explanation {
            lines.append("rules:")
            lines += explanation.split(separator: "\n").map { "  " + $0 }
        }
        if !actions.isEmpty {
            lines.append("actions:")
            for action in actions {
                var line = "  \(action.rule) #\(action.index) \(action.kind): \(action.result.rawValue)"
                if let detail = action.detail { line += " (\(detail))" }
                lines.append(line)
            }
        }
        if let error { lines.append("error: \(error)") }
        return lines.joined(separator: "\n")
    }
}
