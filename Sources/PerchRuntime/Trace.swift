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
    ///
    /// Written through ``JSONValue`` rather than JSONEncoder (it runs for every event): the same
    /// field names, absent optionals left out, `receivedAt` as ISO 8601 in UTC to the second, as
    /// JSONEncoder's `.iso8601` wrote it, so ``init(json:)`` and older readers read it.
    public func json() -> String {
        var members: [String: JSONValue] = [
            "eventKey": .string(eventKey),
            "eventName": .string(eventName),
            "receivedAt": .string(Self.iso8601(receivedAt)),
            "firedRules": .array(firedRules.map { .string($0) }),
            "actions": .array(
                actions.map { action in
                    var members: [String: JSONValue] = [
                        "rule": .string(action.rule), "index": .number(Double(action.index)),
                        "kind": .string(action.kind), "result": .string(action.result.rawValue),
                    ]
                    if let detail = action.detail { members["detail"] = .string(detail) }
                    return .object(members)
                }),
        ]
        if let conversationID { members["conversationID"] = .string(conversationID) }
        if let sequence { members["sequence"] = .number(Double(sequence)) }
        if let flowsVersion { members["flowsVersion"] = .string(flowsVersion) }
        if let skipped { members["skipped"] = .string(skipped) }
        if let explanation { members["explanation"] = .string(explanation) }
        if let error { members["error"] = .string(error) }
        return JSONValue.object(members).serialized()
    }

    /// `yyyy-MM-ddTHH:mm:ssZ` in UTC, without a formatter.
    static func iso8601(_ date: Date) -> String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let (days, secondOfDay) = seconds.quotientAndRemainder(dividingBy: 86_400)
        let (day, second) = secondOfDay < 0 ? (days - 1, secondOfDay + 86_400) : (days, secondOfDay)
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
        let z = day + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let dayOfMonth = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let yearText = String(year)
        return String(repeating: "0", count: max(0, 4 - yearText.count)) + yearText + "-" + two(month) + "-"
            + two(dayOfMonth) + "T" + two(second / 3600) + ":" + two(second / 60 % 60) + ":" + two(second % 60) + "Z"
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
