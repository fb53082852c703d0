import Foundation
import PerchEvents
import PerchFlows
import Testing

/// A received text message, as the webhook decoders would produce it.
func message(
    _ text: String?, platform: String? = "whatsapp", channelID: String? = "chan-1",
    direction: Event.Direction = .incoming,
    contactName: String? = nil, kind: Event.Kind = .message, name: String = "message.created",
    messageType: String = "text", conversationStatus: String? = "active",
    contactAttributes: [String: JSONValue] = [:], conversationAttributes: [String: JSONValue] = [:],
    raw: JSONValue = .null
) -> Event {
    Event(
        kind: kind, generation: .messagebird, name: name, key: UUID().uuidString, messageID: "m1",
        conversationID: "c1", contactID: "k1", channelID: channelID, platform: platform, direction: direction,
        status: "received", messageType: messageType, content: text.map { MessageContent(text: $0) },
        conversationStatus: conversationStatus,
        contact: Contact(id: "k1", name: contactName, identifier: "+31600000000", attributes: contactAttributes),
        conversationAttributes: conversationAttributes, raw: raw)
}

/// Loads one flow from text, failing the test with the diagnostics if it does not load.
func flowSet(_ yaml: String, file: String = "test.yaml", sourceLocation: SourceLocation = #_sourceLocation) throws
    -> FlowSet
{
    do {
        return try FlowSet.load(sources: [FlowSource(path: file, text: yaml)])
    } catch {
        Issue.record("flow did not load:\n\(error)", sourceLocation: sourceLocation)
        throw error
    }
}

/// The diagnostics of a flow text.
func diagnostics(_ yaml: String, file: String = "test.yaml") -> [Diagnostic] {
    FlowSet.check(sources: [FlowSource(path: file, text: yaml)]).1
}

let noon = Date(timeIntervalSince1970: 1_790_000_000)

extension FlowSet {
    /// Keys of the rules that fire for an event.
    func fired(
        _ event: Event, now: Date = noon, conversation: ConversationSnapshot = .init()
    ) -> [String] {
        let decision = decide(MatchInput(event: event, now: now, conversation: conversation))
        return decision.fired.map(\.key)
    }

    func fired(_ text: String) -> [String] { fired(message(text)) }
}

/// The text of the first reply action of a decision, rendered for the event.
func replyText(_ set: FlowSet, _ event: Event) -> String? {
    let decision = set.decide(MatchInput(event: event, now: noon))
    for rule in decision.fired {
        for action in rule.actions {
            if case .reply(let reply) = action { return reply.text.render(event) }
        }
    }
    return nil
}
