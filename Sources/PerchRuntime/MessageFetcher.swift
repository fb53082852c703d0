import Logging
import PerchBird
import PerchEvents

/// Completes customer messages that arrive as a Bird `conversation.created|updated` preview: the
/// preview carries the text of text messages only, so for anything else (a button or list reply,
/// media, a location) the full message is read from the conversations API before the flows see it.
struct MessageFetcher: Sendable {
    let bird: BirdClient
    let workspaceID: String

    /// Whether the event is a conversation preview whose content the flows cannot see in full.
    static func needsFetch(_ event: Event) -> Bool {
        event.generation == .bird && event.kind == .message && event.direction == .incoming
            && event.name.hasPrefix("conversation.") && event.messageID != nil && event.conversationID != nil
            && (event.text == nil || (event.messageType != nil && event.messageType != "text"))
    }

    /// The event with the full message's content, or the event as it was when the fetch fails (the
    /// flows then see the preview; the failure is logged).
    func complete(_ event: Event, logger: Logger) async -> Event {
        guard Self.needsFetch(event), let messageID = event.messageID, let conversationID = event.conversationID,
            !bird.isSandbox
        else { return event }
        do {
            let response = try await bird.perform(
                .getMessage(messageID, conversationID: conversationID, generation: .bird, workspaceID: workspaceID))
            guard let message = response.body, let content = WebhookDecoder.birdMessageContent(message) else {
                return event
            }
            var complete = event
            complete.content = content
            complete.messageType = message.value(at: "body.type")?.stringValue ?? event.messageType
            return complete
        } catch {
            logger.notice(
                "could not read the full message; using the preview", metadata: ["error": "\(error)"])
            return event
        }
    }
}
