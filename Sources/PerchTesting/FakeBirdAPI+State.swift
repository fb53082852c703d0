import Foundation
import Curl
import PerchEvents
import Synchronization

extension FakeBirdAPI {
    /// Everything the fake remembers, behind one lock.
    struct State {
        var requests: [Request] = []
        var faults: [Fault] = []
        /// Platform of each channel the Channels API knows, by channel id (``FakeBirdAPI/addChannel(_:platform:)``).
        var channels: [String: String] = [:]
        /// Until when message sends are answered 503 (``FakeBirdAPI/outage(for:)``).
        var outageEnd: ContinuousClock.Instant?
        var waiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
        var nextID = 1
        var lastMillisecond: Int64 = 0
        /// Conversations by id, with the generation that created them.
        var conversations: [String: JSONValue] = [:]
        var generations: [String: Generation] = [:]
        /// Every message (inbound and sent), in creation order.
        var messages: [(conversationID: String, message: JSONValue)] = []
        /// Messages accepted for delivery (sends answered 201).
        var delivered: [JSONValue] = []
        /// Bird webhook subscriptions and legacy webhooks, in creation order.
        var subscriptions: [JSONValue] = []
        var webhooks: [JSONValue] = []
        /// Signing keys of Bird subscriptions by subscription id: Bird never shows them again, but
        /// signs every delivery with them.
        var signingKeys: [String: String] = [:]

        /// A timestamp with milliseconds, strictly after the one before (Bird's format: `...T13:08:11.915Z`).
        mutating func timestamp() -> String {
            // Whole milliseconds, strictly increasing, so that later messages always read later. The
            // half millisecond keeps the formatter (which truncates) on the intended millisecond.
            let now = Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
            lastMillisecond = max(now, lastMillisecond + 1)
            return Date(timeIntervalSince1970: Double(lastMillisecond) / 1000 + 0.0005)
                .formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        }

        mutating func newID(_ generation: Generation) -> String {
            defer { nextID += 1 }
            switch generation {
            case .bird: return String(format: "00000000-0000-4000-8000-%012d", nextID)
            case .messagebird: return String(format: "%032x", nextID)
            }
        }
    }

    /// Shared between the server's handler and the test's calls.
    final class Box: Sendable {
        let state = Mutex(State())
        /// Delivers webhooks to subscribers, as Bird does.
        let client = HTTPClient(configuration: HTTPClientConfiguration(requestTimeout: .seconds(10)))

        func newID(_ generation: Generation) -> String { state.withLock { $0.newID(generation) } }

        /// Adds a customer message (creating its conversation when needed) and returns it.
        func addInbound(conversationID: String, messageID: String, text: String, generation: Generation) -> JSONValue {
            state.withLock { state in
                let created = state.timestamp()
                let message: JSONValue
                switch generation {
                case .bird:
                    message = .object([
                        "id": .string(messageID), "conversationId": .string(conversationID),
                        "sender": .object([
                            "type": .string("contact"), "id": .string("contact-\(conversationID)"),
                            "displayName": .string("Customer \(conversationID)"),
                        ]),
                        "body": .object(["type": .string("text"), "text": .object(["text": .string(text)])]),
                        "status": .string("delivered"), "reference": .string(""),
                        "createdAt": .string(created), "updatedAt": .string(created),
                    ])
                case .messagebird:
                    message = .object([
                        "id": .string(messageID), "conversationId": .string(conversationID),
                        "channelId": .string("channel-1"), "platform": .string("whatsapp"),
                        "from": .string("+31600000000"), "to": .string("+31611111111"),
                        "direction": .string("received"), "status": .string("received"), "type": .string("text"),
                        "content": .object(["text": .string(text)]), "createdDatetime": .string(created),
                        "updatedDatetime": .string(created),
                    ])
                }
                state.ensureConversation(conversationID, generation: generation, at: created)
                state.record(message, in: conversationID, generation: generation)
                return message
            }
        }
    }

    // MARK: - Seeding (tests)

    /// Adds an inbound customer message that the list-messages endpoints will return (for polling),
    /// creating its conversation (active) when needed.
    @discardableResult
    public func addInboundMessage(conversationID: String, messageID: String, text: String, generation: Generation)
        -> JSONValue
    {
        box.addInbound(conversationID: conversationID, messageID: messageID, text: text, generation: generation)
    }

    /// The conversation as the fake has it (with `lastMessage` on Bird), or nil.
    public func conversation(_ id: String) -> JSONValue? { box.state.withLock { $0.conversations[id] } }

    /// Messages of a conversation, oldest first.
    public func messages(in conversationID: String) -> [JSONValue] {
        box.state.withLock { state in state.messages.filter { $0.conversationID == conversationID }.map(\.message) }
    }

    /// Bird webhook subscriptions currently registered at the fake.
    public var webhookSubscriptions: [JSONValue] { box.state.withLock { $0.subscriptions } }
    /// Legacy webhooks currently registered at the fake.
    public var legacyWebhooks: [JSONValue] { box.state.withLock { $0.webhooks } }
}

extension FakeBirdAPI.State {
    /// Creates the conversation when it does not exist yet.
    mutating func ensureConversation(_ id: String, generation: Generation, at created: String, channelID: String? = nil)
    {
        guard conversations[id] == nil else { return }
        generations[id] = generation
        switch generation {
        case .bird:
            conversations[id] = .object([
                "id": .string(id), "name": .string(""), "description": .string(""), "status": .string("active"),
                "visibility": .string("private"), "accessibility": .string("invite-only"),
                "channelId": .string(channelID ?? "channel-1"), "attributes": .object([:]),
                "featuredParticipants": .array([
                    .object([
                        "id": .string("contact-\(id)"), "type": .string("contact"), "status": .string("active"),
                        "displayName": .string("Customer \(id)"),
                        "contact": .object([
                            "identifierKey": .string("phonenumber"), "identifierValue": .string("+31600000000"),
                        ]),
                    ])
                ]),
                "activeParticipantCount": .number(1), "pendingParticipantCount": .number(0),
                "createdAt": .string(created), "updatedAt": .string(created),
            ])
        case .messagebird:
            conversations[id] = .object([
                "id": .string(id), "contactId": .string("contact-\(id)"), "status": .string("active"),
                "contact": .object([
                    "id": .string("contact-\(id)"), "msisdn": .number(31_600_000_000), "firstName": .string("Customer"),
                    "lastName": .string(id),
                ]),
                "lastUsedChannelId": .string(channelID ?? "channel-1"), "lastUsedPlatformId": .string("whatsapp"),
                "createdDatetime": .string(created), "updatedDatetime": .string(created),
                "lastReceivedDatetime": .string(created),
            ])
        }
    }

    /// Appends a message and updates its conversation's `lastMessage` / times.
    mutating func record(_ message: JSONValue, in conversationID: String, generation: Generation) {
        messages.append((conversationID, message))
        guard case .object(var conversation)? = conversations[conversationID] else { return }
        switch generation {
        case .bird:
            let created = message["createdAt"] ?? .null
            var last: [String: JSONValue] = [
                "id": message["id"] ?? .null, "type": message.value(at: "body.type") ?? .string("text"),
                "sender": message["sender"] ?? .null, "status": message["status"] ?? .null, "createdAt": created,
            ]
            if let text = message.value(at: "body.text.text") { last["preview"] = .object(["text": text]) }
            if let reference = message["reference"] { last["reference"] = reference }
            conversation["lastMessage"] = .object(last)
            conversation["updatedAt"] = created
        case .messagebird:
            let created = message["createdDatetime"] ?? .null
            conversation["updatedDatetime"] = created
            if message["direction"] == .string("received") { conversation["lastReceivedDatetime"] = created }
            conversation["messages"] = .object([
                "lastMessageId": message["id"] ?? .null,
                "totalCount": .number(Double(messages.filter { $0.conversationID == conversationID }.count)),
            ])
        }
        conversations[conversationID] = .object(conversation)
    }
}

/// Holds hanging requests until the fake shuts down.
final class HangRelease: Sendable {
    private let waiters = Mutex<(released: Bool, continuations: [CheckedContinuation<Void, Never>])>((false, []))

    func wait() async {
        await withCheckedContinuation { continuation in
            let released = waiters.withLock { state -> Bool in
                if state.released { return true }
                state.continuations.append(continuation)
                return false
            }
            if released { continuation.resume() }
        }
    }

    func releaseAll() {
        let continuations = waiters.withLock { state in
            state.released = true
            defer { state.continuations.removeAll() }
            return state.continuations
        }
        for continuation in continuations { continuation.resume() }
    }
}
