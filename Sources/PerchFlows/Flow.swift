import YAML

/// One compiled flow file.
struct Flow: Sendable {
    var id: String
    var file: String
    var idMark: Mark
    var description: String?
    var participantID: String?
    var rules: [Rule]
    /// What the linter needs to know about each rule, in the same order.
    var facts: [RuleFacts]
}

/// Facts about a rule as written, for the checks that look across rules.
struct RuleFacts: Sendable {
    var file: String
    var mark: Mark
    /// The rule's `when` has nothing but `otherwise: true` (and no cooldown, once or continue), so it
    /// fires for every event of its scope.
    var alwaysFires = false
    /// The rule's `when` is only a plain keyword list (its scope aside) and it always fires when one
    /// matches; the normalized keywords.
    var plainKeywords: Set<String>?
    var keywordMode: MatchMode = .phrase
    /// Keywords of the `any` list (or plain list) with where each is written.
    var ownedKeywords: [(normalized: String, source: String, mark: Mark)] = []
    /// States named by `state` conditions, with where.
    var stateConditions: [(name: String, mark: Mark)] = []
    /// States this rule sets.
    var setsStates: [String] = []
}
