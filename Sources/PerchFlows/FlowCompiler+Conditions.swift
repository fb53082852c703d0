import PerchEvents
import YAML

extension FlowCompiler {
    mutating func eventCondition(_ node: Node) -> Condition? {
        guard let values = strings(node, "'event'") else { return nil }
        var kinds: Set<Event.Kind> = []
        var names: Set<String> = []
        var any = false
        for value in values {
            if value.value == "any" {
                any = true
            } else if value.value.contains(".") {
                names.insert(value.value)
            } else if let kind = Event.Kind(rawValue: value.value) {
                kinds.insert(kind)
            } else {
                diagnostics.unknown(
                    "event", value.value, at: value.mark,
                    known: ["message", "conversation", "voice_call", "sms_status", "any"])
            }
        }
        let written = values.map(\.value).joined(separator: " or ")
        if any { return .event(kinds: nil, names: [], written: written) }
        return .event(kinds: kinds.isEmpty && !names.isEmpty ? [] : kinds, names: names, written: written)
    }

    /// Compiles one condition; `nil` after reporting an error.
    mutating func condition(_ key: String, _ node: Node, mode: MatchMode) -> Condition? {
        switch key {
        case "event":
            return eventCondition(node)
        case "direction":
            guard let text = string(node, "'direction'") else { return nil }
            if text == "any" { return .direction(nil) }
            guard let direction = Event.Direction(rawValue: text) else {
                diagnostics.unknown("direction", text, at: node.mark, known: ["incoming", "outgoing", "any"])
                return nil
            }
            return .direction(direction)
        case "channel":
            guard let values = strings(node, "'channel'") else { return nil }
            return .channel(Set(values.map { $0.value.lowercased() }), fromFlow: false)
        case "conversation_status":
            guard let values = strings(node, "'conversation_status'") else { return nil }
            return .conversationStatus(Set(values.map(\.value)))
        case "message_type":
            guard let values = strings(node, "'message_type'") else { return nil }
            return .messageType(Set(values.map(\.value)))
        case "keywords":
            return keywords(node, mode: mode).map(Condition.keywords)
        case "text":
            guard let values = strings(node, "'text'") else { return nil }
            return .text(values.map { TextNormalizer.tokens($0.value).joined(separator: " ") })
        case "regex":
            guard let pattern = string(node, "'regex'") else { return nil }
            return regex(pattern, at: node.mark).map(Condition.regex)
        case "first_message":
            return bool(node, "'first_message'").map(Condition.firstMessage)
        case "business_hours":
            return businessHours(node)
        case "state":
            if node.isNull { return .state([nil]) }
            if let list = node.array {
                var states: Set<String?> = []
                for item in list {
                    if item.isNull {
                        states.insert(nil)
                    } else if let name = string(item, "a state") {
                        states.insert(name)
                    }
                }
                return .state(states)
            }
            return string(node, "'state'").map { .state([$0]) }
        case "attributes":
            return attributes(node)
        case "otherwise":
            guard let flag = bool(node, "'otherwise'") else { return nil }
            if !flag { diagnostics.error(node.mark, "'otherwise: false' never holds; remove it") }
            return .otherwise
        case "any", "all":
            guard let list = sequence(node, "'\(key)'") else { return nil }
            if list.nodes.isEmpty { diagnostics.error(node.mark, "'\(key)' needs at least one condition") }
            let parts = list.nodes.compactMap { conditionGroup($0, mode: mode) }
            return key == "any" ? .any(parts) : .all(parts)
        case "not":
            return conditionGroup(node, mode: mode).map(Condition.not)
        default:
            return nil
        }
    }

    /// A mapping of conditions that must all hold (the element of `any`/`all`, the body of `not`).
    mutating func conditionGroup(_ node: Node, mode: MatchMode) -> Condition? {
        guard let mapping = mapping(node, "a condition") else { return nil }
        checkKeys(mapping, allowed: Self.conditionKeys, what: "condition")
        if mapping.entries.isEmpty { diagnostics.error(node.mark, "an empty condition always holds; remove it") }
        var parts: [Condition] = []
        for entry in mapping.entries {
            guard let key = entry.key.string, Self.conditionKeys.contains(key) else { continue }
            if let condition = condition(key, entry.value, mode: mode) { parts.append(condition) }
        }
        return parts.count == 1 ? parts[0] : .all(parts)
    }

    mutating func keywords(_ node: Node, mode: MatchMode) -> KeywordCondition? {
        var result = KeywordCondition(any: [], all: [], none: [], mode: mode)
        if node.array != nil || node.string != nil {
            result.any = keywordList(node, "'keywords'", mode: mode)
        } else if let mapping = node.mapping {
            checkKeys(mapping, allowed: ["any", "all", "none"], what: "keywords key")
            if let any = mapping["any"] { result.any = keywordList(any, "'any'", mode: mode) }
            if let all = mapping["all"] { result.all = keywordList(all, "'all'", mode: mode) }
            if let none = mapping["none"] { result.none = keywordList(none, "'none'", mode: mode) }
            if mapping["any"] == nil, mapping["all"] == nil, mapping["none"] == nil {
                diagnostics.error(node.mark, "'keywords' needs 'any', 'all' or 'none'")
                return nil
            }
        } else {
            diagnostics.error(
                node.mark, "'keywords' must be a list or a mapping of any/all/none, found \(describe(node))")
            return nil
        }
        return result
    }

    private mutating func keywordList(_ node: Node, _ what: String, mode: MatchMode) -> [Keyword] {
        guard let values = strings(node, what) else { return [] }
        var keywords: [Keyword] = []
        for value in values {
            if mode == .regex {
                if let regex = regex(value.value, at: value.mark) {
                    keywords.append(Keyword(source: value.value, mark: value.mark, regex: regex))
                }
                continue
            }
            let keyword = Keyword(source: value.value, mark: value.mark)
            if keyword.tokens.isEmpty {
                diagnostics.error(value.mark, "keyword '\(value.value)' has no letters, digits or emoji to match")
                continue
            }
            keywords.append(keyword)
        }
        return keywords
    }

    mutating func regex(_ pattern: String, at mark: Mark) -> RegexBox? {
        do {
            let compiled = try RegexBox(pattern)
            if compiled.regex.hasNestedQuantifier {
                diagnostics.warning(
                    mark,
                    "regular expression '\(pattern)' nests quantifiers: Perch matches it in linear time, but most "
                        + "other engines backtrack badly on it; repeat one part only, as in '^[\\w\\s]+$'")
            }
            return compiled
        } catch {
            diagnostics.error(mark, "bad regular expression '\(pattern)': \(error)")
            return nil
        }
    }

    private mutating func businessHours(_ node: Node) -> Condition? {
        var calendarNode = node
        var open = true
        if let mapping = node.mapping {
            checkKeys(mapping, allowed: ["calendar", "is"], what: "business_hours key")
            guard let named = mapping["calendar"] else {
                diagnostics.error(node.mark, "'business_hours' needs 'calendar'")
                return nil
            }
            calendarNode = named
            if let isNode = mapping["is"], let state = string(isNode, "'is'") {
                switch state {
                case "open": open = true
                case "closed": open = false
                default:
                    diagnostics.unknown("business_hours state", state, at: isNode.mark, known: ["open", "closed"])
                }
            }
        }
        guard let name = string(calendarNode, "'calendar'") else { return nil }
        guard let calendar = calendars[name] else {
            diagnostics.unknown("calendar", name, at: calendarNode.mark, known: calendars.keys.sorted())
            return nil
        }
        return .businessHours(calendar, open: open)
    }

    private mutating func attributes(_ node: Node) -> Condition? {
        guard let mapping = mapping(node, "'attributes'") else { return nil }
        checkKeys(mapping, allowed: ["contact", "conversation"], what: "attributes owner")
        var tests: [AttributeTest] = []
        for entry in mapping.entries {
            guard let ownerName = entry.key.string, let owner = AttributeTest.Owner(rawValue: ownerName),
                let fields = self.mapping(entry.value, "'\(ownerName)' attributes")
            else { continue }
            for field in fields.entries {
                guard let key = field.key.string else { continue }
                var values: [String] = []
                if let list = field.value.array {
                    values = list.compactMap { string($0, "an attribute value") }
                } else if field.value.isNull {
                    values = []  // present with any value
                } else if let value = string(field.value, "an attribute value") {
                    values = [value]
                }
                tests.append(AttributeTest(owner: owner, key: key, values: values))
            }
        }
        return .attributes(tests)
    }
}
