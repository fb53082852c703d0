import Foundation
import Logging
import PerchBird
import PerchEvents
import PerchStore

/// Reads new customer messages from the conversations API, for users who cannot expose a public
/// webhook URL, and hands them to the same ``EventSink`` as the webhooks.
///
/// Each message becomes the webhook body Bird would have sent for it (legacy `message.created`;
/// Bird `conversation.updated` with the message as `lastMessage`, the quickstart's event) and is
/// decoded by the webhook decoders, so its ``Event/key`` is the key the webhook delivery of the same
/// message has, and the inbox's dedupe drops whichever comes second. The delivery's source is the
/// webhook endpoint's (`bird`, `messagebird`), so recovery after a crash decodes it the same way.
///
/// A cursor (the start of the last complete poll, or the newest message handled) is kept in the store, under a conversation record
/// named ``cursorKey``, so a restart reads only what is new; messages within ``PollerConfiguration/overlap``
/// of it are read again and dropped by dedupe, which catches messages that show up late.
///
/// Order of Bird's lists is not documented: a page of messages that reads newest first and reaches
/// past the window ends the paging early; otherwise all pages are read (up to `maxPages`).
public final class Poller: Sendable {
    public let configuration: PollerConfiguration
    private let client: BirdClient
    private let sink: any EventSink
    private let store: any Store
    private let now: @Sendable () -> Date
    private let logger: Logger

    /// - Parameters:
    ///   - client: reads the conversations API (rate limits and retries apply).
    ///   - sink: where events go (the runtime).
    ///   - store: keeps the cursor.
    ///   - now: the wall clock, for the first cursor.
    public init(
        configuration: PollerConfiguration, client: BirdClient, sink: any EventSink, store: any Store,
        now: @escaping @Sendable () -> Date = { Date() }, logger: Logger
    ) {
        self.configuration = configuration
        self.client = client
        self.sink = sink
        self.store = store
        self.now = now
        self.logger = logger
    }

    /// The conversation-record id under which the cursor is kept.
    public var cursorKey: String {
        "perch.poller:\(configuration.generation.rawValue):\(configuration.workspaceID)"
    }

    /// Polls until the task is cancelled: one poll, then `interval` of rest, and again.
    public func run() async {
        if client.isSandbox {
            logger.warning("polling in sandbox mode: no access key is set, so the poller reads nothing")
        }
        while !Task.isCancelled {
            let report = await pollOnce()
            if report.accepted > 0 || report.problem != nil {
                logger.info(
                    "poll done",
                    metadata: [
                        "poll.conversations": "\(report.conversationsRead)", "poll.found": "\(report.messagesFound)",
                        "poll.accepted": "\(report.accepted)", "poll.duplicates": "\(report.duplicates)",
                        "poll.problem": "\(report.problem ?? "")",
                    ])
            }
            do {
                try await Task.sleep(for: configuration.interval)
            } catch {
                return
            }
        }
    }

    /// One poll: lists recent conversations, reads their new customer messages, hands them to the
    /// sink oldest first and moves the cursor past what was taken.
    public func pollOnce() async -> PollReport {
        var report = PollReport()
        let startedAt = now()
        let since: Date
        do {
            since = try await loadCursor()
        } catch {
            report.problem = "cannot read the poll cursor: \(error)"
            return report
        }
        let windowStart = since.addingTimeInterval(-configuration.overlap.timeInterval)
        var candidates: [(event: Event, payload: [UInt8])] = []
        do {
            let conversations = try await listConversations()
            report.conversationsListed = conversations.count
            for conversation in conversations {
                if let activity = Self.activity(of: conversation, generation: configuration.generation),
                    activity < windowStart
                {
                    continue
                }
                report.conversationsRead += 1
                candidates += try await customerMessages(in: conversation, after: windowStart)
            }
        } catch {
            report.problem = "\(error)"
            logger.error("poll failed", metadata: ["error": "\(error)"])
            return report
        }
        report.messagesFound = candidates.count
        candidates.sort { ($0.event.occurredAt ?? .distantPast) < ($1.event.occurredAt ?? .distantPast) }
        var newest = since
        let source = configuration.generation.rawValue
        for candidate in candidates {
            switch await sink.ingest(Delivery(event: candidate.event, source: source, payload: candidate.payload)) {
            case .accepted:
                report.accepted += 1
            case .duplicate:
                report.duplicates += 1
            case .unavailable(let reason):
                // Stop here; the cursor stays before this message so the next poll takes it.
                report.problem = reason
                await saveCursor(newest)
                return report
            }
            if let time = candidate.event.occurredAt, time > newest { newest = time }
        }
        // Everything up to the start of this poll was read: the next one need not look further back
        // than that (minus the overlap), so quiet conversations stop costing list calls.
        await saveCursor(max(newest, startedAt))
        return report
    }

    // MARK: Reading

    private func listConversations() async throws -> [JSONValue] {
        var all: [JSONValue] = []
        var page: PageRequest? = PageRequest(limit: configuration.pageSize)
        var pages = 0
        while let current = page, pages < configuration.maxPages {
            let request = BirdRequest.listConversations(
                page: current, status: "active", channelID: configuration.channelID,
                generation: configuration.generation, workspaceID: configuration.workspaceID)
            let result = Page(
                try await client.perform(request), generation: configuration.generation, requested: current)
            all += result.items
            page = result.next
            pages += 1
        }
        return all
    }

    private func customerMessages(in conversation: JSONValue, after windowStart: Date) async throws
        -> [(event: Event, payload: [UInt8])]
    {
        guard let conversationID = conversation["id"]?.stringValue else { return [] }
        var found: [(event: Event, payload: [UInt8])] = []
        var page: PageRequest? = PageRequest(limit: configuration.pageSize)
        var pages = 0
        while let current = page, pages < configuration.maxPages {
            let request = BirdRequest.listMessages(
                conversationID: conversationID, page: current, generation: configuration.generation,
                workspaceID: configuration.workspaceID)
            let result = Page(
                try await client.perform(request), generation: configuration.generation, requested: current)
            var times: [Date] = []
            for message in result.items {
                guard
                    let (event, payload) = Self.event(
                        for: message, in: conversation, generation: configuration.generation)
                else { continue }
                if let time = event.occurredAt { times.append(time) }
                guard event.direction == .incoming || event.sender?.type == "contact" else { continue }
                if let time = event.occurredAt, time < windowStart { continue }
                found.append((event, payload))
            }
            page = result.next
            pages += 1
            // Newest first and already past the window: older pages hold nothing new.
            if let first = times.first, let last = times.last, first > last, last < windowStart { break }
        }
        return found
    }

    /// The webhook body Bird would have sent for `message`, decoded by the webhook decoder; nil
    /// when the message is not one a customer wrote or does not decode.
    static func event(for message: JSONValue, in conversation: JSONValue, generation: Generation)
        -> (Event, [UInt8])?
    {
        let body: JSONValue
        switch generation {
        case .messagebird:
            guard message["direction"]?.stringValue == "received" else { return nil }
            var root: [String: JSONValue] = [
                "type": .string("message.created"), "conversation": conversation, "message": message,
            ]
            if let contact = conversation["contact"] { root["contact"] = contact }
            body = .object(root)
        case .bird:
            guard message.value(at: "sender.type")?.stringValue == "contact",
                case .object(var payload) = conversation
            else { return nil }
            var last: [String: JSONValue] = [
                "id": message["id"] ?? .null, "type": message.value(at: "body.type") ?? .null,
                "sender": message["sender"] ?? .null, "status": message["status"] ?? .null,
                "createdAt": message["createdAt"] ?? .null,
            ]
            if let text = message.value(at: "body.text.text") { last["preview"] = .object(["text": text]) }
            if let reference = message["reference"] { last["reference"] = reference }
            payload["lastMessage"] = .object(last)
            body = .object([
                "service": .string("conversations"), "event": .string("conversation.updated"),
                "payload": .object(payload),
            ])
        }
        let bytes = body.serializedBytes()
        let event: Event
        do {
            event =
                switch generation {
                case .messagebird: try WebhookDecoder.messageBird(bytes)
                case .bird: try WebhookDecoder.bird(bytes, requestID: nil)
                }
        } catch {
            return nil
        }
        return (event, bytes)
    }

    /// When a listed conversation last saw activity, when it says.
    static func activity(of conversation: JSONValue, generation: Generation) -> Date? {
        let text: String? =
            switch generation {
            case .bird:
                conversation.value(at: "lastMessage.createdAt")?.stringValue ?? conversation["updatedAt"]?.stringValue
            case .messagebird:
                conversation["lastReceivedDatetime"]?.stringValue ?? conversation["updatedDatetime"]?.stringValue
            }
        return text.flatMap(Self.date)
    }

    /// RFC 3339 with or without fractional seconds; nil for anything else (then the conversation is read).
    static func date(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) {
            return date
        }
        return try? Date(text, strategy: Date.ISO8601FormatStyle())
    }

    // MARK: Cursor

    private func loadCursor() async throws -> Date {
        if let record = try await store.conversation(cursorKey), let text = record.stateData["since"],
            let seconds = Double(text)
        {
            return Date(timeIntervalSinceReferenceDate: seconds)
        }
        return now().addingTimeInterval(-configuration.initialLookback.timeInterval)
    }

    private func saveCursor(_ since: Date) async {
        let record = ConversationRecord(
            stateData: ["since": String(since.timeIntervalSinceReferenceDate)], updatedAt: now())
        do {
            try await store.saveConversation(cursorKey, record)
        } catch {
            logger.error("cannot save the poll cursor", metadata: ["error": "\(error)"])
        }
    }
}

extension Duration {
    /// The duration in seconds, as a `TimeInterval`.
    fileprivate var timeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
