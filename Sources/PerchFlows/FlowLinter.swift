import YAML

/// The checks that look across rules and flows; they give warnings, never errors.
struct FlowLinter {
    private var collectors: [String: DiagnosticCollector] = [:]

    init(sources: [FlowSource]) {
        for source in sources { collectors[source.path] = DiagnosticCollector(file: source.path, text: source.text) }
    }

    private func warning(_ file: String, _ mark: Mark, _ message: String, suggestion: String? = nil) -> Diagnostic {
        collectors[file]?.make(.warning, mark, message, suggestion: suggestion)
            ?? Diagnostic(file: file, mark: mark, severity: .warning, message: message, suggestion: suggestion)
    }

    func warnings(flows: [Flow], ordered: [(rule: Rule, facts: RuleFacts)]) -> [Diagnostic] {
        var warnings: [Diagnostic] = []
        var unreachable: Set<Int> = []

        // A rule after one that always fires for the same events can never fire.
        for (position, earlier) in ordered.enumerated() where earlier.facts.alwaysFires {
            for later in ordered[(position + 1)...] where covers(earlier.rule, later.rule) {
                if unreachable.insert(later.rule.ordinal).inserted {
                    warnings.append(
                        warning(
                            later.rule.file, later.rule.mark,
                            "rule '\(later.rule.id)' can never fire: the fallback '\(earlier.rule.key)' "
                                + "(\(earlier.rule.file):\(earlier.rule.mark.line)) always fires before it"))
                }
            }
        }

        // A rule with only keywords, all of them answered by an earlier keyword-only rule. Earlier
        // rules are found through one of the keywords (not by comparing every pair: sets have
        // thousands of rules).
        var plainOwners: [String: [Int]] = [:]
        for (position, later) in ordered.enumerated() {
            guard let keywords = later.facts.plainKeywords, let probe = keywords.first else { continue }
            if !unreachable.contains(later.rule.ordinal) {
                for earlierPosition in plainOwners[probe] ?? [] {
                    let earlier = ordered[earlierPosition]
                    guard let earlierKeywords = earlier.facts.plainKeywords,
                        earlier.facts.keywordMode == later.facts.keywordMode, keywords.isSubset(of: earlierKeywords),
                        covers(earlier.rule, later.rule)
                    else { continue }
                    unreachable.insert(later.rule.ordinal)
                    warnings.append(
                        warning(
                            later.rule.file, later.rule.mark,
                            "rule '\(later.rule.id)' can never fire: rule '\(earlier.rule.key)' "
                                + "(\(earlier.rule.file):\(earlier.rule.mark.line)) has the same keywords and no other condition"
                        ))
                    break
                }
            }
            for keyword in keywords { plainOwners[keyword, default: []].append(position) }
        }

        // The same keyword in two rules: the earlier one wins whenever both could match.
        var owners: [String: (rule: Rule, source: String)] = [:]
        for entry in ordered where !unreachable.contains(entry.rule.ordinal) {
            var ownKeywords: Set<String> = []
            for keyword in entry.facts.ownedKeywords where ownKeywords.insert(keyword.normalized).inserted {
                if let owner = owners[keyword.normalized] {
                    guard overlaps(owner.rule, entry.rule) else { continue }
                    warnings.append(
                        warning(
                            entry.rule.file, keyword.mark,
                            "keyword '\(keyword.source)' is also a keyword of rule '\(owner.rule.key)' "
                                + "(\(owner.rule.file):\(owner.rule.mark.line)), which is tried first"))
                } else {
                    owners[keyword.normalized] = (entry.rule, keyword.source)
                }
            }
        }

        // A `state` condition that no rule can make true.
        let setStates = Set(ordered.flatMap(\.facts.setsStates))
        for entry in ordered {
            for state in entry.facts.stateConditions where !setStates.contains(state.name) {
                warnings.append(
                    warning(
                        entry.rule.file, state.mark, "no rule sets the state '\(state.name)' (with set_state)",
                        suggestion: Suggestion.closest(to: state.name, in: setStates.sorted())))
            }
        }
        return warnings
    }

    /// Whether every event `later` could match also reaches `earlier`'s scope.
    private func covers(_ earlier: Rule, _ later: Rule) -> Bool {
        let kinds: Bool
        switch (earlier.kinds, later.kinds) {
        case (nil, _): kinds = true
        case (.some, nil): kinds = false
        case (.some(let a), .some(let b)): kinds = b.isSubset(of: a)
        }
        let channels: Bool
        switch (earlier.channels, later.channels) {
        case (nil, _): channels = true
        case (.some, nil): channels = false
        case (.some(let a), .some(let b)): channels = b.isSubset(of: a)
        }
        return kinds && channels && direction(of: earlier) == direction(of: later)
    }

    /// Whether some event could reach both rules' scopes.
    private func overlaps(_ a: Rule, _ b: Rule) -> Bool {
        if let x = a.kinds, let y = b.kinds, x.isDisjoint(with: y) { return false }
        if let x = a.channels, let y = b.channels, x.isDisjoint(with: y) { return false }
        return true
    }

    private func direction(of rule: Rule) -> String {
        for condition in rule.conditions {
            if case .direction(let direction) = condition { return direction?.rawValue ?? "any" }
        }
        return "any"
    }
}
