import Curl
import Foundation
import PerchEvents
import PerchRuntime
import PerchTesting
import Synchronization

/// A clock the test moves by hand.
final class TestClock: Sendable {
    private let current: Mutex<Date>

    /// Wednesday 4 March 2026, 10:00 UTC: inside the shipped flows' office hours.
    init(_ start: Date = Date(timeIntervalSince1970: 1_772_618_400)) { current = Mutex(start) }

    var now: Date { current.withLock { $0 } }
    func advance(by seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
    var function: @Sendable () -> Date { { self.now } }
    var iso: String { now.formatted(.iso8601) }
}

/// Bird platform webhook bodies in the shapes of Tests/PerchEventsTests/Fixtures/bird.
enum BirdPayload {
    /// `conversation.updated` whose last message is the customer's (reference section 1d).
    static func contactMessage(
        conversation: String, message: String, text: String, at: String, status: String = "active",
        channel: String = "5da69b04-d462-5efd-9b65-28dbae1e0482", reference: String? = nil
    ) -> String {
        var last: [String: JSONValue] = [
            "id": .string(message), "type": .string("text"), "preview": .object(["text": .string(text)]),
            "status": .string("delivered"),
            "sender": .object([
                "id": .string("contact-\(conversation)"), "type": .string("contact"),
                "displayName": .string("João Müller"),
            ]),
            "createdAt": .string(at),
        ]
        if let reference { last["reference"] = .string(reference) }
        return envelope(conversation: conversation, status: status, channel: channel, updatedAt: at, lastMessage: last)
    }

    /// `conversation.updated` whose last message Perch sent, as participant `flow`.
    static func flowMessage(conversation: String, message: String, text: String, flowID: String, at: String) -> String {
        envelope(
            conversation: conversation, status: "active", channel: "5da69b04-d462-5efd-9b65-28dbae1e0482",
            updatedAt: at,
            lastMessage: [
                "id": .string(message), "type": .string("text"), "preview": .object(["text": .string(text)]),
                "status": .string("accepted"), "sender": .object(["id": .string(flowID), "type": .string("flow")]),
                "createdAt": .string(at),
            ])
    }

    /// `conversation.updated` without a customer message: a status or attribute change.
    static func conversationUpdated(
        conversation: String, status: String, at: String, attributes: [String: String] = [:],
        channel: String = "5da69b04-d462-5efd-9b65-28dbae1e0482"
    ) -> String {
        envelope(
            conversation: conversation, status: status, channel: channel, updatedAt: at, lastMessage: nil,
            attributes: attributes)
    }

    private static func envelope(
        conversation: String, status: String, channel: String, updatedAt: String, lastMessage: [String: JSONValue]?,
        attributes: [String: String] = [:]
    ) -> String {
        var payload: [String: JSONValue] = [
            "id": .string(conversation), "name": .string(""), "status": .string(status),
            "visibility": .string("private"), "accessibility": .string("invite-only"), "channelId": .string(channel),
            "featuredParticipants": .array([
                .object([
                    "id": .string("contact-\(conversation)"), "type": .string("contact"), "status": .string("active"),
                    "displayName": .string("João Müller"),
                    "contact": .object([
                        "identifierKey": .string("phonenumber"), "identifierValue": .string("+31627543581"),
                    ]),
                ])
            ]),
            "attributes": .object(attributes.mapValues(JSONValue.string)),
            "createdAt": .string("2026-03-01T09:00:00Z"), "updatedAt": .string(updatedAt),
        ]
        if let lastMessage { payload["lastMessage"] = .object(lastMessage) }
        return JSONValue.object([
            "service": .string("conversations"), "event": .string("conversation.updated"), "payload": .object(payload),
        ]).serialized()
    }
}

/// Legacy MessageBird webhook bodies.
enum LegacyPayload {
    static func message(
        conversation: String, message: String, text: String, direction: String = "received",
        platform: String? = nil, at: String, conversationStatus: String = "active"
    ) -> String {
        var fields: [String: JSONValue] = [
            "id": .string(message), "conversationId": .string(conversation),
            "channelId": .string("2ceefea7c1b8c79673215c42c1a6b916"), "direction": .string(direction),
            "status": .string(direction == "received" ? "received" : "sent"), "type": .string("text"),
            "content": .object(["text": .string(text)]), "createdDatetime": .string(at),
            "updatedDatetime": .string(at),
        ]
        if let platform { fields["platform"] = .string(platform) }
        return JSONValue.object([
            "type": .string("message.created"),
            "conversation": .object([
                "id": .string(conversation), "contactId": .string("73afe0acee2127fd3e7d9a7dc622826e"),
                "status": .string(conversationStatus), "createdDatetime": .string("2026-03-01T09:00:00Z"),
                "updatedDatetime": .string(at),
            ]),
            "message": .object(fields),
        ]).serialized()
    }
}

extension Harness {
    /// POSTs a Bird platform webhook body to `/webhooks/bird` and returns the HTTP status.
    func deliverBird(_ json: String) async throws -> Int {
        try await post("/webhooks/bird", json: json).status
    }

    /// The explain trace kept for an event, once the event has been handled.
    func trace(_ eventKey: String) async throws -> Trace? {
        guard let text = try await application.runtime.store.trace(eventKey: eventKey) else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(Trace.self, from: Data(text.utf8))
    }

    /// Waits until every accepted event has been handled (the dispatcher is idle).
    func settle() async { await application.runtime.dispatcher.waitUntilIdle() }

    /// Writes a flow file into the test's directory and returns its path.
    static func writeFlow(_ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("perch-flow-\(UUID().uuidString).yaml")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }
}

extension FakeBirdAPI.Request {
    /// The `reference` (Bird) or `trackId` (legacy) Perch put on the message.
    var reference: String? { json?["reference"]?.stringValue ?? json?["trackId"]?.stringValue }
}
