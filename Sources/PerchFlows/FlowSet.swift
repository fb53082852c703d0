import Foundation
import PerchEvents
import YAML

/// A loaded, checked and compiled set of flows: what the runtime asks which rules fire.
///
/// Order: flows are taken in path order, their rules in file order; a flow's rules from its first
/// `otherwise` rule on are its fallback part, tried only after the main part of every flow. So a
/// fallback in one file does not hide the rules of the files after it.
public struct FlowSet: Sendable {
    /// Short hash of the sources, shown in logs and `/readyz`.
    public var version: String
    public var warnings: [Diagnostic]
    public var ruleCount: Int { rules.count }
    /// Flow ids in path order.
    public var flowIDs: [String]

    let rules: [Rule]
    let index: RuleIndex

    /// Loads every `.yaml`/`.yml` file of the given files and directories as one set.
    /// - Throws: `FlowLoadError` with all diagnostics (errors and warnings) when there is an error.
    public static func load(paths: [String]) throws(FlowLoadError) -> FlowSet {
        let (sources, problems) = FlowSource.read(paths: paths)
        if !problems.isEmpty { throw FlowLoadError(diagnostics: problems) }
        return try load(sources: sources)
    }

    /// Loads flows from texts (tests, tools); `path` is the name diagnostics use.
    public static func load(sources: [FlowSource]) throws(FlowLoadError) -> FlowSet {
        let (set, diagnostics) = check(sources: sources)
        guard let set else { throw FlowLoadError(diagnostics: diagnostics) }
        return set
    }

    /// Checks flows and returns every diagnostic; the set is `nil` when there is an error.
    public static func check(sources: [FlowSource]) -> (FlowSet?, [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        var flows: [Flow] = []
        var flowIDs: [String: (file: String, line: Int)] = [:]
        for source in sources {
            var compiler = FlowCompiler(file: source.path, text: source.text)
            let root: Node?
            do {
                root = try YAMLParser.parse(source.text, file: source.path)
            } catch {
                compiler.diagnostics.error(error.mark, error.message)
                diagnostics += compiler.diagnostics.diagnostics
                continue
            }
            let flow = compiler.compile(root)
            if let flow {
                if let first = flowIDs[flow.id] {
                    compiler.diagnostics.error(
                        flow.idMark, "duplicate flow id '\(flow.id)' (also in \(first.file):\(first.line))")
                } else {
                    flowIDs[flow.id] = (flow.file, flow.idMark.line)
                }
                flows.append(flow)
            }
            diagnostics += compiler.diagnostics.diagnostics
        }
        let ordered = order(flows)
        diagnostics += FlowLinter(sources: sources).warnings(flows: flows, ordered: ordered)
        let fileOrder = Dictionary(sources.enumerated().map { ($1.path, $0) }) { first, _ in first }
        diagnostics = diagnostics.enumerated().sorted { a, b in
            let left = (fileOrder[a.element.file] ?? 0, a.element.mark.line, a.element.mark.column, a.offset)
            let right = (fileOrder[b.element.file] ?? 0, b.element.mark.line, b.element.mark.column, b.offset)
            return left < right
        }.map(\.element)
        if diagnostics.contains(where: { $0.severity == .error }) { return (nil, diagnostics) }
        let set = FlowSet(
            version: version(of: sources), warnings: diagnostics.filter { $0.severity == .warning },
            flowIDs: flows.map(\.id), rules: ordered.map(\.rule), index: RuleIndex(ordered.map(\.rule)))
        return (set, diagnostics)
    }

    /// The global evaluation order: main parts of all flows, then their fallback parts.
    static func order(_ flows: [Flow]) -> [(rule: Rule, facts: RuleFacts)] {
        var main: [(Rule, RuleFacts)] = []
        var fallback: [(Rule, RuleFacts)] = []
        for flow in flows {
            var inFallback = false
            for (rule, facts) in zip(flow.rules, flow.facts) {
                if !inFallback, rule.conditions.contains(where: { if case .otherwise = $0 { true } else { false } }) {
                    inFallback = true
                }
                var rule = rule
                rule.isFallbackPhase = inFallback
                if inFallback { fallback.append((rule, facts)) } else { main.append((rule, facts)) }
            }
        }
        var all = main + fallback
        for index in all.indices { all[index].0.ordinal = index }
        return all.map { (rule: $0.0, facts: $0.1) }
    }

    /// FNV-1a over paths and texts: stable across runs and machines, unlike `Hasher`.
    static func version(of sources: [FlowSource]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for source in sources {
            for byte in source.path.utf8 + [0] + source.text.utf8 + [0] {
                hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
            }
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex.prefix(12)
    }

    /// Decides which rules fire: the candidates the index finds, tried in order. Pure: no I/O.
    public func decide(_ input: MatchInput) -> Decision {
        let candidates = index.candidates(for: input.event, normalized: nil)
        var decision = evaluate(candidates.ordinals, input: input, normalized: candidates.normalized)
        decision.notConsidered = rules.count - decision.trace.count
        if decision.notConsidered > 0 {
            let rules = self.rules
            let considered = candidates.ordinals
            let normalized = candidates.normalized
            decision.explainRuledOut = {
                Self.ruledOut(rules: rules, considered: considered, input: input, normalized: normalized)
            }
        }
        return decision
    }

    /// The first failing condition of each rule not in `considered` (sorted ordinals), in rule order.
    private static func ruledOut(rules: [Rule], considered: [Int], input: MatchInput, normalized: NormalizedText?)
        -> [RuleTrace]
    {
        let context = EvaluationContext(input: input, normalized: normalized)
        var traces: [RuleTrace] = []
        var next = considered.startIndex
        for (ordinal, rule) in rules.enumerated() {
            while next < considered.endIndex, considered[next] < ordinal { next += 1 }
            if next < considered.endIndex, considered[next] == ordinal { continue }
            guard traces.count < Decision.ruledOutExplained else { break }
            let reason =
                rule.alreadyDecidedSkip(input) ?? rule.failure(context)
                ?? "ruled out by the index (its keywords are not in the text)"
            traces.append(
                RuleTrace(
                    flowID: rule.flowID, ruleID: rule.id, outcome: .notMatched(reason), file: rule.file,
                    line: rule.mark.line))
        }
        return traces
    }

    /// Like `decide`, but tries every rule of the set, so the trace says why each one did not fire.
    public func explain(_ input: MatchInput) -> Decision {
        evaluate(Array(rules.indices), input: input, normalized: nil)
    }

    /// A plain loop over all rules without the trace: the baseline the index is measured against.
    package func decideWithoutIndex(_ input: MatchInput) -> [String] {
        var context = EvaluationContext(input: input)
        var fired: [String] = []
        for rule in rules {
            if rule.alreadyDecidedSkip(input) == nil, rule.holds(context), rule.safetySkip(input) == nil {
                fired.append(rule.key)
                context.anyFired = true
                if !rule.continues || rule.actions.contains(where: { if case .stop = $0 { true } else { false } }) {
                    break
                }
            }
        }
        return fired
    }

    private func evaluate(_ ordinals: [Int], input: MatchInput, normalized: NormalizedText?) -> Decision {
        var context = EvaluationContext(input: input, normalized: normalized)
        var decision = Decision()
        var stoppedBy: String?
        for ordinal in ordinals {
            let rule = rules[ordinal]
            func trace(_ outcome: RuleTrace.Outcome) {
                decision.trace.append(
                    RuleTrace(
                        flowID: rule.flowID, ruleID: rule.id, outcome: outcome, file: rule.file, line: rule.mark.line))
            }
            if let winner = stoppedBy {
                trace(.skipped("\(winner) fired first"))
                continue
            }
            if let reason = rule.alreadyDecidedSkip(input) {
                trace(.notMatched(reason))
                continue
            }
            if !rule.holds(context) {
                trace(.notMatched(rule.failure(context) ?? "a condition did not hold"))
                continue
            }
            if let reason = rule.safetySkip(input) {
                trace(.skipped(reason))
                continue
            }
            trace(.fired)
            decision.fired.append(
                FiredRule(
                    flowID: rule.flowID, ruleID: rule.id, actions: rule.actions, participantID: rule.participantID))
            context.anyFired = true
            if !rule.continues || rule.actions.contains(where: { if case .stop = $0 { true } else { false } }) {
                stoppedBy = rule.key
            }
        }
        return decision
    }
}

extension FlowSet {
    /// Texts that regex rules did not search because they were over the length limit, since start.
    public static var regexTextsTooLong: Int { RegexBox.textsTooLong.load(ordering: .relaxed) }
}
