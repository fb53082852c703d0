import Foundation
import PerchEvents

/// A compiled condition of a rule's `when`.
indirect enum Condition: Sendable {
    /// Event kinds (nil = any) and/or exact event names.
    case event(kinds: Set<Event.Kind>?, names: Set<String>, written: String)
    /// nil = any direction.
    case direction(Event.Direction?)
    /// Platform names or channel ids; `fromFlow` when it is the flow's default scope.
    case channel(Set<String>, fromFlow: Bool)
    case conversationStatus(Set<String>)
    case messageType(Set<String>)
    case keywords(KeywordCondition)
    /// Normalized whole texts.
    case text([String])
    case regex(RegexBox)
    case firstMessage(Bool)
    case businessHours(BusinessCalendar, open: Bool)
    /// States (nil inside means "no state").
    case state(Set<String?>)
    case attributes([AttributeTest])
    case otherwise
    case any([Condition])
    case all([Condition])
    case not(Condition)
}

/// `attributes: { contact: { tier: gold } }`: one attribute compared with accepted values.
struct AttributeTest: Sendable {
    enum Owner: String, Sendable { case contact, conversation }
    var owner: Owner
    var key: String
    /// Accepted values as text; empty means "present with any value".
    var values: [String]
}

/// What a condition needs from the event, computed once per decision.
struct EvaluationContext {
    let input: MatchInput
    let normalized: NormalizedText?
    var anyFired: Bool

    /// - Parameter normalized: the event's text already normalized (by the index), if it was.
    init(input: MatchInput, normalized: NormalizedText? = nil) {
        self.input = input
        self.normalized = normalized ?? input.event.text.map(NormalizedText.init)
        anyFired = false
    }
}

extension Condition {
    /// `nil` when the condition holds; otherwise a readable reason.
    func failure(_ context: EvaluationContext) -> String? {
        let event = context.input.event
        switch self {
        case .event(let kinds, let names, let written):
            if names.contains(event.name) { return nil }
            if let kinds, kinds.contains(event.kind) { return nil }
            if kinds == nil && names.isEmpty { return nil }
            return "event: '\(event.name)' (\(event.kind.rawValue)) is not \(written)"
        case .direction(let direction):
            guard let direction, event.direction != direction else { return nil }
            return "direction: \(event.direction?.rawValue ?? "none") is not \(direction.rawValue)"
        case .channel(let channels, let fromFlow):
            if let platform = event.platform, channels.contains(platform) { return nil }
            if let id = event.channelID?.lowercased(), channels.contains(id) { return nil }
            let seen = [event.platform, event.channelID].compactMap { $0 }.joined(separator: " / ")
            return "channel\(fromFlow ? " (flow's channels)" : ""): \(seen.isEmpty ? "unknown" : seen) is not one of "
                + Self.list(channels)
        case .conversationStatus(let statuses):
            if let status = event.conversationStatus, statuses.contains(status) { return nil }
            return "conversation_status: \(event.conversationStatus ?? "unknown") is not one of \(Self.list(statuses))"
        case .messageType(let types):
            if let type = event.messageType, types.contains(type) { return nil }
            return "message_type: \(event.messageType ?? "none") is not one of \(Self.list(types))"
        case .keywords(let keywords):
            return keywords.failure(context.normalized, raw: event.text)
        case .text(let texts):
            guard let normalized = context.normalized else { return "text: the event has no text" }
            if texts.contains(normalized.joined) { return nil }
            return "text: the message is not " + texts.map { "'\($0)'" }.joined(separator: " or ")
        case .regex(let regex):
            guard let text = event.text else { return "regex: the event has no text" }
            switch regex.search(text) {
            case .found: return nil
            case .notFound: return "regex: /\(regex.source)/ does not match the text"
            case .textTooLong:
                return "regex: /\(regex.source)/ not searched: the text is over "
                    + "\(LinearRegex.maximumTextLength) characters"
            }
        case .firstMessage(let wanted):
            if context.input.conversation.isFirstMessage == wanted { return nil }
            return wanted ? "first_message: an earlier message was seen" : "first_message: this is the first message"
        case .businessHours(let calendar, let open):
            let isOpen = calendar.isOpen(at: context.input.now)
            if isOpen == open { return nil }
            return "business_hours: '\(calendar.name)' is \(isOpen ? "open" : "closed") now"
        case .state(let states):
            if states.contains(context.input.conversation.state) { return nil }
            let current = context.input.conversation.state.map { "'\($0)'" } ?? "no state"
            return "state: \(current), not " + states.map { $0.map { "'\($0)'" } ?? "none" }.joined(separator: " or ")
        case .attributes(let tests):
            for test in tests {
                let attributes =
                    test.owner == .contact ? event.contact?.attributes ?? [:] : event.conversationAttributes
                let value = attributes[test.key]?.stringValue ?? attributes.value(at: test.key)
                guard let value else { return "attributes: \(test.owner.rawValue).\(test.key) is not set" }
                if !test.values.isEmpty, !test.values.contains(value) {
                    return "attributes: \(test.owner.rawValue).\(test.key) is '\(value)', not "
                        + test.values.map { "'\($0)'" }.joined(separator: " or ")
                }
            }
            return nil
        case .otherwise:
            return context.anyFired ? "otherwise: an earlier rule fired" : nil
        case .any(let conditions):
            var reasons: [String] = []
            for condition in conditions {
                guard let reason = condition.failure(context) else { return nil }
                reasons.append(reason)
            }
            return "any: none held (" + reasons.joined(separator: "; ") + ")"
        case .all(let conditions):
            for condition in conditions {
                if let reason = condition.failure(context) { return "all: " + reason }
            }
            return nil
        case .not(let condition):
            return condition.failure(context) == nil ? "not: the inner condition held" : nil
        }
    }

    private static func list(_ values: Set<String>) -> String {
        "[" + values.sorted().joined(separator: ", ") + "]"
    }
}
