import Foundation
import Logging
import PerchBird
import PerchEvents

/// Asks Bird whether a conversation already holds the message a send would create: a send may reach
/// Bird and still fail for Perch (a timeout, a broken connection, a 5xx, a kill before the done mark).
///
/// The conversation's messages are read newest first, page by page, until the message is found, the
/// messages are older than the customer's message the send answers, or ``maxPages`` were read.
/// - Bird platform: a message whose `reference` is the send's reference.
/// - Legacy MessageBird: a message whose `trackId` is the send's reference. The legacy API documents
///   no `trackId` in its message objects [SDK go `conversation/message.go`]; when a page carries none,
///   a message Perch sent (`direction: sent`) with the same type and content, created after the
///   customer's message (`since`, both on Bird's clock), counts as this send. A conversation's events
///   run one at a time, so no later event of it can have sent that message before this one finished.
struct SentMessageLookup: Sendable {
    let bird: BirdClient
    /// Most pages read; Bird lists at most 100 messages per page.
    static let maxPages = 5
    static let pageSize = 100

    /// The message Bird already holds for `request`, or nil when it has none (or it cannot tell).
    /// - Parameters:
    ///   - request: a message send into a conversation (`POST .../conversations/{id}/messages`).
    ///   - since: when the customer's message was created (Bird's clock); pages stop before it.
    func existing(_ request: BirdRequest, reference: String, since: Date?, logger: Logger) async -> BirdResponse? {
        guard request.method == "POST", let conversationID = Self.conversationID(of: request) else { return nil }
        let workspaceID = Self.workspaceID(of: request) ?? ""
        var page: PageRequest? = PageRequest(limit: Self.pageSize)
        var pages = 0
        while let current = page, pages < Self.maxPages {
            pages += 1
            let response: BirdResponse
            do {
                // One attempt: when Bird cannot answer even this, the send goes out (at least once).
                response = try await bird.perform(
                    .listMessages(
                        conversationID: conversationID, page: current, generation: request.generation,
                        workspaceID: workspaceID),
                    retry: RetryPolicy.none)
            } catch {
                logger.notice(
                    "could not ask Bird for a message sent before; sending it", metadata: ["error": "\(error)"])
                return nil
            }
            let listed = Page(response, generation: request.generation, requested: current)
            let tracked = listed.items.contains { $0["trackId"] != nil }
            for item in listed.items {
                if let found = Self.match(item, request: request, reference: reference, since: since, tracked: tracked)
                {
                    return found
                }
            }
            if let since, let oldest = listed.items.last.flatMap(Self.createdAt), oldest < since { return nil }
            page = listed.next
        }
        return nil
    }

    private static func match(
        _ item: JSONValue, request: BirdRequest, reference: String, since: Date?, tracked: Bool
    ) -> BirdResponse? {
        switch request.generation {
        case .bird:
            guard item["reference"]?.stringValue == reference else { return nil }
        case .messagebird:
            if tracked {
                guard item["trackId"]?.stringValue == reference else { return nil }
            } else {
                guard let since, let created = createdAt(item), created >= since,
                    item["direction"]?.stringValue == "sent", item["type"] == request.body?["type"],
                    item["content"] == request.body?["content"]
                else { return nil }
            }
        }
        return BirdResponse(status: 200, body: item)
    }

    static func createdAt(_ item: JSONValue) -> Date? {
        guard let text = item["createdAt"]?.stringValue ?? item["createdDatetime"]?.stringValue else { return nil }
        if let date = try? Date(text, strategy: .iso8601) { return date }
        return try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// The conversation of a send: the path segment after `conversations`.
    static func conversationID(of request: BirdRequest) -> String? {
        let parts = request.path.split(separator: "?")[0].split(separator: "/").map(String.init)
        guard let index = parts.firstIndex(of: "conversations"), index + 2 < parts.count,
            parts[index + 2] == "messages"
        else { return nil }
        return parts[index + 1]
    }

    static func workspaceID(of request: BirdRequest) -> String? {
        let parts = request.path.split(separator: "/").map(String.init)
        guard let index = parts.firstIndex(of: "workspaces"), index + 1 < parts.count else { return nil }
        return parts[index + 1]
    }
}
