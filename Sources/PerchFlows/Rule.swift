import Foundation
import PerchEvents
import YAML

/// A compiled rule.
struct Rule: Sendable {
    var flowID: String
    var id: String
    var file: String
    var mark: Mark
    /// Position in the set's evaluation order.
    var ordinal = 0
    /// Conjuncts, scope first (event, direction, channel), then as written.
    var conditions: [Condition]
    var actions: [Action]
    var continues: Bool
    var cooldown: Duration?
    var oncePerConversation: Bool
    var participantID: String?
    /// Whether the rule is (or follows, in its flow) a fallback with `otherwise`.
    var isFallbackPhase: Bool

    // What the index and the linter need to know.
    var kinds: Set<Event.Kind>?
    var channels: Set<String>?
    /// Word lists of which one must be fully in the text (from a top-level `keywords`), for the index.
    var requiredWords: [[String]]?

    var key: String { "\(flowID)/\(id)" }

    /// Why the rule cannot fire now because of cooldown or once-per-conversation, if it cannot.
    func safetySkip(_ input: MatchInput) -> String? {
        guard let last = input.conversation.ruleLastFired[key] else { return nil }
        if oncePerConversation { return "once_per_conversation: already fired in this conversation" }
        if let cooldown {
            let elapsed = input.now.timeIntervalSince(last)
            if elapsed < cooldown.seconds {
                let left = Duration.milliseconds(Int64(((cooldown.seconds - elapsed) * 1000).rounded(.up)))
                return "cooldown \(DurationText.format(cooldown)): fired \(Int(elapsed))s ago, "
                    + "\(DurationText.format(left)) left"
            }
        }
        return nil
    }

    /// Whether the rule names the event `name` explicitly (`event: message.updated`), not only its kind.
    func namesEvent(_ name: String) -> Bool {
        conditions.contains { condition in
            if case .event(_, let names, _) = condition { return names.contains(name) }
            return false
        }
    }

    /// Why the rule does not see an event whose customer message an earlier event already brought, or
    /// nil when it does (it names this event explicitly, or the message is new).
    func alreadyDecidedSkip(_ input: MatchInput) -> String? {
        guard input.conversation.messageAlreadyDecided, !namesEvent(input.event.name) else { return nil }
        let id = input.event.messageID ?? "?"
        return "message \(id) was already decided on when an earlier event brought it; only a rule that names "
            + "'event: \(input.event.name)' sees it again"
    }

    /// The first condition that fails, or nil when all hold.
    func failure(_ context: EvaluationContext) -> String? {
        for condition in conditions {
            if let reason = condition.failure(context) { return reason }
        }
        return nil
    }
}
