import Foundation
import PerchEvents

// The record's stored JSON, written and read through PerchEvents' JSONValue instead of Foundation's
// JSONEncoder/JSONDecoder (a large share of the store's CPU per event). The format is the one
// JSONEncoder wrote: the same keys, dates as seconds since 2001-01-01 (`deferredToDate`), absent
// optionals left out; so rows written by either read alike, in both directions.
extension ConversationRecord {
    /// A stored record that is not the JSON of a conversation record.
    struct UnreadableJSON: Error, CustomStringConvertible {
        var description: String
    }

    /// The record as the JSON the store keeps.
    func storedJSON() -> String {
        var members: [String: JSONValue] = [
            "stateData": .object(stateData.mapValues { .string($0) }),
            "handoffActive": .bool(handoffActive),
            "ruleLastFired": .object(ruleLastFired.mapValues { .number($0.timeIntervalSinceReferenceDate) }),
            "automatedChain": .number(Double(automatedChain)),
            "messagesSeen": .number(Double(messagesSeen)),
        ]
        if let state { members["state"] = .string(state) }
        if let stateExpiresAt { members["stateExpiresAt"] = .number(stateExpiresAt.timeIntervalSinceReferenceDate) }
        if let lastInboundAt { members["lastInboundAt"] = .number(lastInboundAt.timeIntervalSinceReferenceDate) }
        if let handoffAt { members["handoffAt"] = .number(handoffAt.timeIntervalSinceReferenceDate) }
        if let handoffTeam { members["handoffTeam"] = .string(handoffTeam) }
        if let status { members["status"] = .string(status) }
        if let updatedAt { members["updatedAt"] = .number(updatedAt.timeIntervalSinceReferenceDate) }
        if !decidedMessages.isEmpty { members["decidedMessages"] = .array(decidedMessages.map { .string($0) }) }
        return JSONValue.object(members).serialized()
    }

    /// Reads a record from the JSON the store keeps; a missing (or null) field takes its default,
    /// as it did with JSONDecoder, so rows saved by an older Perch still read.
    init(storedJSON json: String) throws(UnreadableJSON) {
        let value: JSONValue
        do {
            value = try JSONValue(parsing: json)
        } catch {
            throw UnreadableJSON(description: "\(error)")
        }
        guard case .object(let members) = value else { throw UnreadableJSON(description: "not a JSON object") }
        func present(_ key: String) -> JSONValue? {
            guard let value = members[key], value != .null else { return nil }
            return value
        }
        func string(_ key: String) throws(UnreadableJSON) -> String? {
            guard let value = present(key) else { return nil }
            guard case .string(let text) = value else { throw UnreadableJSON(description: "\(key) is not a string") }
            return text
        }
        func number(_ key: String, _ value: JSONValue) throws(UnreadableJSON) -> Double {
            guard case .number(let number) = value else { throw UnreadableJSON(description: "\(key) is not a number") }
            return number
        }
        func date(_ key: String) throws(UnreadableJSON) -> Date? {
            guard let value = present(key) else { return nil }
            return Date(timeIntervalSinceReferenceDate: try number(key, value))
        }
        func integer(_ key: String) throws(UnreadableJSON) -> Int? {
            guard let value = present(key) else { return nil }
            guard let integer = Int(exactly: try number(key, value)) else {
                throw UnreadableJSON(description: "\(key) is not an integer")
            }
            return integer
        }
        func object(_ key: String) throws(UnreadableJSON) -> [String: JSONValue] {
            guard let value = present(key) else { return [:] }
            guard case .object(let members) = value else { throw UnreadableJSON(description: "\(key) is not an object") }
            return members
        }
        var stateData: [String: String] = [:]
        for (name, value) in try object("stateData") {
            guard case .string(let text) = value else {
                throw UnreadableJSON(description: "stateData.\(name) is not a string")
            }
            stateData[name] = text
        }
        var ruleLastFired: [String: Date] = [:]
        for (name, value) in try object("ruleLastFired") {
            ruleLastFired[name] = Date(timeIntervalSinceReferenceDate: try number("ruleLastFired.\(name)", value))
        }
        var handoffActive = false
        if let value = present("handoffActive") {
            guard case .bool(let flag) = value else { throw UnreadableJSON(description: "handoffActive is not a bool") }
            handoffActive = flag
        }
        self.init(
            state: try string("state"),
            stateExpiresAt: try date("stateExpiresAt"),
            stateData: stateData,
            lastInboundAt: try date("lastInboundAt"),
            handoffAt: try date("handoffAt"),
            handoffActive: handoffActive,
            handoffTeam: try string("handoffTeam"),
            ruleLastFired: ruleLastFired,
            status: try string("status"),
            automatedChain: try integer("automatedChain") ?? 0,
            messagesSeen: try integer("messagesSeen") ?? 0,
            updatedAt: try date("updatedAt"))
        if let value = present("decidedMessages") {
            guard case .array(let items) = value else {
                throw UnreadableJSON(description: "decidedMessages is not an array")
            }
            for item in items {
                guard case .string(let id) = item else {
                    throw UnreadableJSON(description: "decidedMessages holds a value that is not a string")
                }
                decidedMessages.append(id)
            }
        }
    }
}
