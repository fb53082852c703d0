import PerchEvents

/// Whether a condition holds, without building the reason text: the hot path of matching. Must
/// agree with `failure(_:)`, which a test checks.
extension Condition {
    func holds(_ context: EvaluationContext) -> Bool {
        let event = context.input.event
        switch self {
        case .event(let kinds, let names, _):
            guard let kinds else { return names.isEmpty || names.contains(event.name) }
            return kinds.contains(event.kind) || (!names.isEmpty && names.contains(event.name))
        case .direction(let direction):
            return direction == nil || event.direction == direction
        case .channel(let channels, _):
            if let platform = event.platform, channels.contains(platform) { return true }
            if let id = event.channelID?.lowercased(), channels.contains(id) { return true }
            return false
        case .keywords(let keywords):
            guard let text = context.normalized, let raw = event.text else { return false }
            return keywords.holds(text, raw: raw)
        case .otherwise:
            return !context.anyFired
        case .any(let conditions):
            return conditions.contains { $0.holds(context) }
        case .all(let conditions):
            return conditions.allSatisfy { $0.holds(context) }
        case .not(let condition):
            return !condition.holds(context)
        default:
            return failure(context) == nil
        }
    }
}

extension KeywordCondition {
    func holds(_ text: NormalizedText, raw: String) -> Bool {
        if !any.isEmpty, !any.contains(where: { $0.matches(text, raw: raw, mode: mode) }) { return false }
        if !all.allSatisfy({ $0.matches(text, raw: raw, mode: mode) }) { return false }
        return !none.contains { $0.matches(text, raw: raw, mode: mode) }
    }
}

extension Rule {
    func holds(_ context: EvaluationContext) -> Bool {
        conditions.allSatisfy { $0.holds(context) }
    }
}
