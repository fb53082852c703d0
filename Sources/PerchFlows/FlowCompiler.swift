import Foundation
import PerchEvents
import YAML

/// Turns the YAML of one flow file into a `Flow`, reporting every problem it finds on the way
/// (it keeps going after an error, so a user sees all of them at once).
struct FlowCompiler {
    var diagnostics: DiagnosticCollector
    var calendars: [String: BusinessCalendar] = [:]
    var flowMode: MatchMode = .phrase
    var flowChannels: Set<String>?

    static let flowKeys = ["flow", "description", "channels", "calendars", "rules", "match", "participant_id"]
    static let ruleKeys = [
        "id", "description", "when", "match", "continue", "cooldown", "once_per_conversation", "do",
    ]
    static let actionKeys = ["reply", "send_template", "update_conversation", "handoff", "set_state", "http", "stop"]
    static let conditionKeys = [
        "event", "direction", "channel", "conversation_status", "message_type", "keywords", "text", "regex",
        "first_message", "business_hours", "state", "attributes", "otherwise", "any", "all", "not",
    ]

    init(file: String, text: String) {
        diagnostics = DiagnosticCollector(file: file, text: text)
    }

    var file: String { diagnostics.file }

    // MARK: - Flow

    mutating func compile(_ root: Node?) -> Flow? {
        guard let root else {
            diagnostics.error(Mark(line: 1, column: 1), "the file is empty; a flow needs 'flow' and 'rules'")
            return nil
        }
        guard let mapping = mapping(root, "a flow file") else { return nil }
        checkKeys(mapping, allowed: Self.flowKeys, what: "flow key")

        let flowID = identifier(mapping, "flow", what: "flow id") ?? "?"
        let description = optionalString(mapping, "description")
        let participantID = optionalString(mapping, "participant_id")
        if let node = mapping["match"] { flowMode = matchMode(node) ?? .phrase }
        if let node = mapping["channels"] {
            flowChannels = strings(node, "'channels'").map { Set($0.map { $0.value.lowercased() }) }
        }
        if let node = mapping["calendars"] { compileCalendars(node) }

        var rules: [Rule] = []
        var facts: [RuleFacts] = []
        if let node = mapping["rules"] {
            if let list = sequence(node, "'rules'") {
                if list.nodes.isEmpty { diagnostics.warning(node.mark, "the flow has no rules") }
                var seen: [String: Mark] = [:]
                for ruleNode in list.nodes {
                    guard let (rule, fact) = compileRule(ruleNode, flowID: flowID, participantID: participantID)
                    else { continue }
                    let idMark = ruleNode["id"]?.mark ?? rule.mark
                    if let first = seen[rule.id] {
                        diagnostics.error(
                            idMark, "duplicate rule id '\(rule.id)' (first used at line \(first.line))")
                    } else {
                        seen[rule.id] = idMark
                    }
                    rules.append(rule)
                    facts.append(fact)
                }
            }
        } else {
            diagnostics.error(root.mark, "a flow needs a 'rules' list")
        }
        return Flow(
            id: flowID, file: file, idMark: mapping["flow"]?.mark ?? root.mark, description: description,
            participantID: participantID, rules: rules, facts: facts)
    }

    private mutating func compileCalendars(_ node: Node) {
        guard let mapping = mapping(node, "'calendars'") else { return }
        for entry in mapping.entries {
            guard let name = entry.key.string else { continue }
            guard let body = self.mapping(entry.value, "calendar '\(name)'") else { continue }
            checkKeys(body, allowed: ["timezone", "weekly", "closed"], what: "calendar key")
            var timeZone = TimeZone(identifier: "UTC")!
            if let zoneNode = body["timezone"] {
                if let zoneName = string(zoneNode, "'timezone'") {
                    if let zone = TimeZone(identifier: zoneName) {
                        timeZone = zone
                    } else {
                        diagnostics.unknown(
                            "time zone", zoneName, at: zoneNode.mark, known: TimeZone.knownTimeZoneIdentifiers)
                    }
                }
            } else {
                diagnostics.error(
                    body.mark, "calendar '\(name)' needs a 'timezone' (an IANA name like Europe/Amsterdam)")
            }
            var weekly: [Int: [BusinessCalendar.Range]] = [:]
            if let weeklyNode = body["weekly"], let days = self.mapping(weeklyNode, "'weekly'") {
                for day in days.entries {
                    guard let dayText = day.key.string else { continue }
                    guard let numbers = BusinessCalendar.days(dayText) else {
                        diagnostics.error(
                            day.key.mark,
                            "'\(dayText)' is not a day or day range (use mon, tue, ... sun, mon-fri, sat,sun)")
                        continue
                    }
                    let rangeNodes = day.value.array ?? [day.value]
                    var ranges: [BusinessCalendar.Range] = []
                    for rangeNode in rangeNodes {
                        guard let text = string(rangeNode, "an opening range") else { continue }
                        if text.lowercased() == "closed" { continue }
                        if let range = BusinessCalendar.range(text) {
                            ranges.append(range)
                        } else {
                            diagnostics.error(
                                rangeNode.mark,
                                "'\(text)' is not an opening range like \"09:00-17:30\" (start before end, within one day)"
                            )
                        }
                    }
                    for number in numbers { weekly[number, default: []] += ranges }
                }
            } else if body["weekly"] == nil {
                diagnostics.error(body.mark, "calendar '\(name)' needs 'weekly' opening hours")
            }
            var closed: Set<String> = []
            if let closedNode = body["closed"], let dates = strings(closedNode, "'closed'") {
                for date in dates {
                    if BusinessCalendar.isDate(date.value) {
                        closed.insert(date.value)
                    } else {
                        diagnostics.error(date.mark, "'\(date.value)' is not a date like 2026-12-25")
                    }
                }
            }
            calendars[name] = BusinessCalendar(name: name, timeZone: timeZone, weekly: weekly, closed: closed)
        }
    }

    // MARK: - Rules

    private mutating func compileRule(_ node: Node, flowID: String, participantID: String?) -> (Rule, RuleFacts)? {
        guard let mapping = mapping(node, "a rule") else { return nil }
        checkKeys(mapping, allowed: Self.ruleKeys + Self.actionKeys, what: "rule key")
        let id = identifier(mapping, "id", what: "rule id") ?? "?"
        var facts = RuleFacts(file: file, mark: mapping.mark)

        var mode = flowMode
        if let node = mapping["match"], let parsed = matchMode(node) { mode = parsed }
        facts.keywordMode = mode

        let continues = mapping["continue"].flatMap { bool($0, "'continue'") } ?? false
        let once = mapping["once_per_conversation"].flatMap { bool($0, "'once_per_conversation'") } ?? false
        var cooldown: Duration?
        if let node = mapping["cooldown"] { cooldown = duration(node, "'cooldown'") }

        // Conditions.
        var conditions: [Condition] = []
        var kinds: Set<Event.Kind>? = [.message]
        var channels = flowChannels
        var requiredWords: [[String]]?
        if let whenNode = mapping["when"] {
            if let when = self.mapping(whenNode, "'when'") {
                if when.entries.isEmpty {
                    diagnostics.error(
                        whenNode.mark, "'when' is empty; write `otherwise: true` for a rule that always fires")
                }
                checkKeys(when, allowed: Self.conditionKeys, what: "condition")
                // Scope first: the index and the trace both read it there.
                var scopeConditions: [Condition] = []
                if let eventNode = when["event"], let event = eventCondition(eventNode) {
                    scopeConditions.append(event)
                    if case .event(let eventKinds, let names, _) = event {
                        kinds = names.isEmpty ? eventKinds : nil
                    }
                    if eventNode.string == "message", when["direction"] == nil {
                        scopeConditions.append(.direction(.incoming))
                    }
                } else if when["event"] == nil {
                    scopeConditions.append(.event(kinds: [.message], names: [], written: "a message"))
                    if when["direction"] == nil { scopeConditions.append(.direction(.incoming)) }
                }
                if let directionNode = when["direction"],
                    let direction = condition("direction", directionNode, mode: mode)
                {
                    scopeConditions.append(direction)
                }
                if let channelNode = when["channel"] {
                    if let channel = condition("channel", channelNode, mode: mode) {
                        scopeConditions.append(channel)
                        if case .channel(let set, _) = channel { channels = set }
                    }
                } else if let flowChannels {
                    scopeConditions.append(.channel(flowChannels, fromFlow: true))
                }
                var rest: [Condition] = []
                for entry in when.entries {
                    guard let key = entry.key.string, !["event", "direction", "channel"].contains(key),
                        Self.conditionKeys.contains(key)
                    else { continue }
                    if let condition = condition(key, entry.value, mode: mode) {
                        rest.append(condition)
                        if case .keywords(let keywords) = condition { requiredWords = keywords.requiredWords }
                    }
                    collectFacts(key, entry.value, into: &facts)
                }
                conditions = scopeConditions + rest

                let written = Set(when.entries.compactMap(\.key.string))
                let safe = !continues && !once && cooldown == nil
                if safe, written == ["otherwise"], when["otherwise"]?.bool == true { facts.alwaysFires = true }
                if safe, written == ["keywords"], let list = when["keywords"]?.array {
                    facts.plainKeywords = Set(
                        list.compactMap { $0.string.map(TextNormalizer.tokens) }
                            .map { $0.joined(separator: " ") })
                }
            }
        } else {
            diagnostics.error(
                mapping.mark, "rule '\(id)' needs 'when' (use `when: { otherwise: true }` for a fallback)")
        }

        // Actions.
        var actions: [Action] = []
        let actionEntries = mapping.entries.filter { $0.key.string.map(Self.actionKeys.contains) ?? false }
        if let doEntry = mapping.entry("do") {
            if !actionEntries.isEmpty {
                diagnostics.error(
                    actionEntries[0].key.mark, "a rule has either one action or a 'do' list, not both")
            }
            if let list = sequence(doEntry.value, "'do'") {
                if list.nodes.isEmpty { diagnostics.error(doEntry.value.mark, "'do' needs at least one action") }
                for item in list.nodes {
                    if item.string == "stop" {
                        actions.append(.stop)
                        continue
                    }
                    guard let step = self.mapping(item, "an action") else { continue }
                    guard step.count == 1, let entry = step.entries.first, let name = entry.key.string else {
                        diagnostics.error(item.mark, "each 'do' step is one action, like `- reply: \"...\"`")
                        continue
                    }
                    guard Self.actionKeys.contains(name) else {
                        diagnostics.unknown("action", name, at: entry.key.mark, known: Self.actionKeys)
                        continue
                    }
                    if let action = action(name, entry.value) { actions.append(action) }
                    if name == "set_state" { facts.setsStates += stateNames(entry.value) }
                }
            }
        } else if actionEntries.count > 1 {
            diagnostics.error(
                actionEntries[1].key.mark,
                "a rule has one action; use a 'do' list for several (found '\(actionEntries[0].key.string ?? "")' "
                    + "and '\(actionEntries[1].key.string ?? "")')")
        } else if let entry = actionEntries.first, let name = entry.key.string {
            if let action = action(name, entry.value) { actions.append(action) }
            if name == "set_state" { facts.setsStates += stateNames(entry.value) }
        } else {
            diagnostics.error(
                mapping.mark, "rule '\(id)' has no action (reply, send_template, handoff, ... or a 'do' list)")
        }

        let rule = Rule(
            flowID: flowID, id: id, file: file, mark: mapping.mark, conditions: conditions, actions: actions,
            continues: continues, cooldown: cooldown, oncePerConversation: once, participantID: participantID,
            isFallbackPhase: false, kinds: kinds, channels: channels, requiredWords: requiredWords)
        return (rule, facts)
    }

    private func stateNames(_ node: Node) -> [String] {
        if let name = node.string { return [name] }
        if let name = node["name"]?.string { return [name] }
        return []
    }

    private func collectFacts(_ key: String, _ node: Node, into facts: inout RuleFacts) {
        switch key {
        case "keywords":
            let list = node.array ?? node["any"]?.array ?? []
            for keyword in list {
                guard let source = keyword.string else { continue }
                let normalized = TextNormalizer.tokens(source).joined(separator: " ")
                if !normalized.isEmpty { facts.ownedKeywords.append((normalized, source, keyword.mark)) }
            }
        case "state":
            for item in node.array ?? [node] {
                if let name = item.string { facts.stateConditions.append((name, item.mark)) }
            }
        case "any", "all":
            for item in node.array ?? [] {
                for entry in item.mapping?.entries ?? []
                where entry.key.string == "state" || entry.key.string == "any"
                    || entry.key.string == "all" || entry.key.string == "not"
                {
                    collectFacts(entry.key.string!, entry.value, into: &facts)
                }
            }
        case "not":
            for entry in node.mapping?.entries ?? [] {
                if let name = entry.key.string, ["state", "any", "all", "not"].contains(name) {
                    collectFacts(name, entry.value, into: &facts)
                }
            }
        default: break
        }
    }
}
