/// Which rules fire for an event, and why every rule that was considered did or did not.
public struct Decision: Sendable {
    /// The rules that fire, in order; more than one only when a rule says `continue: true`.
    public var fired: [FiredRule]
    /// Every rule considered, in order.
    public var trace: [RuleTrace]
    /// Rules the index ruled out without evaluating them (wrong event kind or channel, or none of
    /// their keywords in the text). `FlowSet.explain` evaluates them all instead.
    public var notConsidered: Int
    /// Why each rule the index ruled out does not match (its first failing condition), worked out only
    /// when asked: the decision itself never evaluates them. At most ``ruledOutExplained`` rules.
    var explainRuledOut: (@Sendable () -> [RuleTrace])?

    /// The most rules ruled out by the index that an explanation names one by one.
    public static let ruledOutExplained = 100

    public init(fired: [FiredRule] = [], trace: [RuleTrace] = [], notConsidered: Int = 0) {
        self.fired = fired
        self.trace = trace
        self.notConsidered = notConsidered
    }

    /// The rules the index ruled out, each with the condition that fails for this event.
    public var ruledOut: [RuleTrace] { explainRuledOut?() ?? [] }

    /// The trace as readable lines: one per rule (also those the index ruled out), then a summary.
    public var explanation: String {
        var lines = trace.map(\.description)
        if notConsidered > 0 {
            let named = ruledOut
            lines += named.map(\.description)
            let rest = notConsidered - named.count
            if rest > 0 {
                lines.append("(\(rest) more rule\(rest == 1 ? "" : "s") ruled out: event, channel or keywords do not fit)")
            }
        }
        if fired.isEmpty {
            lines.append("no rule fired")
        } else {
            lines.append("fired: " + fired.map(\.key).joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }
}

/// A rule that fires, with the actions to run.
public struct FiredRule: Sendable {
    public var flowID: String
    public var ruleID: String
    public var actions: [Action]
    /// `"<flow>/<rule>"`, the key of `ConversationSnapshot.ruleLastFired`.
    public var key: String
    /// The flow's own participant id (overrides `BIRD_FLOW_ID`), when its file sets `participant_id`.
    public var participantID: String?

    public init(flowID: String, ruleID: String, actions: [Action], participantID: String? = nil) {
        self.flowID = flowID
        self.ruleID = ruleID
        self.actions = actions
        self.key = "\(flowID)/\(ruleID)"
        self.participantID = participantID
    }
}

/// What happened to one rule while deciding.
public struct RuleTrace: Sendable, Hashable, CustomStringConvertible {
    public enum Outcome: Sendable, Hashable {
        /// The rule's conditions held and it fired.
        case fired
        /// A condition did not hold; the text says which and why.
        case notMatched(String)
        /// The rule matched or was not tried, but did not fire: cooldown, once per conversation,
        /// or an earlier rule already won.
        case skipped(String)
    }

    public var flowID: String
    public var ruleID: String
    public var outcome: Outcome
    /// Where the rule is written.
    public var file: String
    public var line: Int

    public var key: String { "\(flowID)/\(ruleID)" }

    public var description: String {
        switch outcome {
        case .fired: "\(key): fired"
        case .notMatched(let reason): "\(key): no match: \(reason)"
        case .skipped(let reason): "\(key): skipped: \(reason)"
        }
    }
}
