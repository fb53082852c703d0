import YAML

/// Typed reads of YAML nodes that report a positioned error when the type is wrong.
extension FlowCompiler {
    mutating func mapping(_ node: Node, _ what: String) -> Node.Mapping? {
        if let mapping = node.mapping { return mapping }
        diagnostics.error(node.mark, "\(what) must be a mapping, found \(describe(node))")
        return nil
    }

    mutating func sequence(_ node: Node, _ what: String) -> Node.Sequence? {
        if let sequence = node.sequence { return sequence }
        diagnostics.error(node.mark, "\(what) must be a list, found \(describe(node))")
        return nil
    }

    /// A scalar's text; numbers and booleans count as their text, null does not.
    mutating func string(_ node: Node, _ what: String) -> String? {
        if let text = node.string { return text }
        diagnostics.error(node.mark, "\(what) must be a string, found \(describe(node))")
        return nil
    }

    /// One string or a list of strings, each with its position.
    mutating func strings(_ node: Node, _ what: String) -> [(value: String, mark: Mark)]? {
        if let text = node.string { return [(text, node.mark)] }
        guard let list = node.array else {
            diagnostics.error(node.mark, "\(what) must be a string or a list of strings, found \(describe(node))")
            return nil
        }
        var values: [(String, Mark)] = []
        for item in list {
            if let text = item.string {
                values.append((text, item.mark))
            } else {
                diagnostics.error(item.mark, "\(what) must hold strings, found \(describe(item))")
            }
        }
        if list.isEmpty { diagnostics.error(node.mark, "\(what) must not be empty") }
        return values
    }

    mutating func bool(_ node: Node, _ what: String) -> Bool? {
        if let flag = node.bool { return flag }
        diagnostics.error(node.mark, "\(what) must be true or false, found \(describe(node))")
        return nil
    }

    mutating func duration(_ node: Node, _ what: String) -> Duration? {
        guard let text = node.string, let duration = DurationText.parse(text) else {
            diagnostics.error(
                node.mark, "\(what): \(describe(node)) is not a duration (write it like 30s, 10m, 2h, 1d or 1h30m)")
            return nil
        }
        return duration
    }

    mutating func identifier(_ mapping: Node.Mapping, _ key: String, what: String) -> String? {
        guard let node = mapping[key] else {
            diagnostics.error(mapping.mark, "missing '\(key)' (the \(what))")
            return nil
        }
        guard let text = string(node, "'\(key)'") else { return nil }
        let allowed = text.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }
        if text.isEmpty || !allowed || text.contains("/") {
            diagnostics.error(node.mark, "'\(text)' is not a valid \(what) (letters, digits, '-', '_' and '.')")
        }
        return text
    }

    mutating func optionalString(_ mapping: Node.Mapping, _ key: String) -> String? {
        mapping[key].flatMap { string($0, "'\(key)'") }
    }

    mutating func matchMode(_ node: Node) -> MatchMode? {
        guard let text = string(node, "'match'") else { return nil }
        guard let mode = MatchMode(rawValue: text) else {
            diagnostics.unknown("match mode", text, at: node.mark, known: MatchMode.allCases.map(\.rawValue))
            return nil
        }
        return mode
    }

    /// Reports every key of `mapping` that is not in `allowed`, with the closest allowed one.
    mutating func checkKeys(_ mapping: Node.Mapping, allowed: [String], what: String) {
        for entry in mapping.entries {
            guard let key = entry.key.string else {
                diagnostics.error(entry.key.mark, "\(what)s must be strings, found \(describe(entry.key))")
                continue
            }
            if !allowed.contains(key) { diagnostics.unknown(what, key, at: entry.key.mark, known: allowed) }
        }
    }

    /// A text template, with syntax errors and unknown variables reported at their column.
    mutating func template(_ node: Node, _ what: String) -> TextTemplate? {
        guard let text = string(node, what) else { return nil }
        do {
            let template = try TextTemplate(parsing: text)
            for case .variable(let variable) in template.segments where !TemplateVariables.isKnown(variable.path) {
                diagnostics.unknown(
                    "template variable", variable.path, at: mark(in: node, offset: variable.offset, text: text),
                    known: TemplateVariables.names + TemplateVariables.openPrefixes.map { $0 + "..." })
            }
            return template
        } catch let error as TextTemplate.SyntaxError {
            diagnostics.error(mark(in: node, offset: error.offset, text: text), error.message)
        } catch {
            diagnostics.error(node.mark, "\(error)")
        }
        return nil
    }

    /// The position of a character inside a scalar: exact for one-line plain and quoted scalars
    /// without escapes, else the scalar's own position.
    func mark(in node: Node, offset: Int, text: String) -> Mark {
        guard let scalar = node.scalar, !text.prefix(offset).contains("\n") else { return node.mark }
        switch scalar.style {
        case .plain: return Mark(line: scalar.mark.line, column: scalar.mark.column + offset)
        case .singleQuoted where !text.prefix(offset).contains("'"),
            .doubleQuoted where !text.prefix(offset).contains(where: { $0 == "\"" || $0 == "\\" }):
            return Mark(line: scalar.mark.line, column: scalar.mark.column + 1 + offset)
        default: return node.mark
        }
    }

    func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar):
            if scalar.isNull { return "nothing (null)" }
            return "'\(scalar.value)'"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        }
    }
}
