import YAML

extension FlowCompiler {
    /// Compiles one action; `nil` after reporting an error.
    mutating func action(_ name: String, _ node: Node) -> Action? {
        switch name {
        case "reply": return reply(node).map(Action.reply)
        case "send_template": return sendTemplate(node).map(Action.sendTemplate)
        case "update_conversation": return updateConversation(node).map(Action.updateConversation)
        case "handoff": return handoff(node).map(Action.handoff)
        case "set_state": return setState(node).map(Action.setState)
        case "http": return http(node).map(Action.http)
        case "stop":
            guard let flag = bool(node, "'stop'") else { return nil }
            if !flag { diagnostics.error(node.mark, "'stop: false' does nothing; remove it") }
            return .stop
        default: return nil
        }
    }

    private mutating func reply(_ node: Node) -> ReplyAction? {
        guard let mapping = node.mapping else {
            return template(node, "'reply'").map { ReplyAction(text: $0) }
        }
        checkKeys(mapping, allowed: ["text", "buttons", "fallback_template"], what: "reply key")
        guard let textNode = mapping["text"] else {
            diagnostics.error(node.mark, "'reply' needs 'text'")
            return nil
        }
        guard let text = template(textNode, "'text'") else { return nil }
        var buttons: [String] = []
        if let buttonsNode = mapping["buttons"], let values = strings(buttonsNode, "'buttons'") {
            buttons = values.map(\.value)
            if buttons.count > 10 { diagnostics.error(buttonsNode.mark, "at most 10 quick-reply buttons") }
        }
        var fallback: TemplateAction?
        if let fallbackNode = mapping["fallback_template"] {
            guard let parsed = sendTemplate(fallbackNode) else { return nil }
            fallback = parsed
        }
        return ReplyAction(text: text, buttons: buttons, fallbackTemplate: fallback)
    }

    private mutating func sendTemplate(_ node: Node) -> TemplateAction? {
        guard let mapping = mapping(node, "'send_template'") else { return nil }
        if mapping["project"] != nil {
            checkKeys(mapping, allowed: ["project", "version", "locale", "parameters"], what: "send_template key")
            let project = required(mapping, "project", in: "send_template")
            let locale = required(mapping, "locale", in: "send_template")
            let version = mapping["version"].flatMap { string($0, "'version'") } ?? "latest"
            var parameters: [String: TextTemplate] = [:]
            if let parametersNode = mapping["parameters"], let fields = self.mapping(parametersNode, "'parameters'") {
                for field in fields.entries {
                    guard let key = field.key.string else { continue }
                    if let value = template(field.value, "parameter '\(key)'") { parameters[key] = value }
                }
            }
            guard let project, let locale else { return nil }
            return .bird(BirdTemplate(project: project, version: version, locale: locale, parameters: parameters))
        }
        if mapping["namespace"] != nil || mapping["name"] != nil {
            checkKeys(mapping, allowed: ["namespace", "name", "language", "params"], what: "send_template key")
            let namespace = required(mapping, "namespace", in: "send_template")
            let name = required(mapping, "name", in: "send_template")
            let language = required(mapping, "language", in: "send_template")
            var params: [TextTemplate] = []
            if let paramsNode = mapping["params"], let list = sequence(paramsNode, "'params'") {
                params = list.nodes.compactMap { template($0, "a template parameter") }
            }
            guard let namespace, let name, let language else { return nil }
            return .legacy(LegacyTemplate(namespace: namespace, name: name, language: language, params: params))
        }
        checkKeys(
            mapping,
            allowed: ["project", "version", "locale", "parameters", "namespace", "name", "language", "params"],
            what: "send_template key")
        diagnostics.error(
            node.mark,
            "'send_template' needs 'project' and 'locale' (Bird) or 'namespace', 'name' and 'language' (legacy)")
        return nil
    }

    private mutating func required(_ mapping: Node.Mapping, _ key: String, in what: String) -> String? {
        guard let node = mapping[key] else {
            diagnostics.error(mapping.mark, "'\(what)' needs '\(key)'")
            return nil
        }
        return string(node, "'\(key)'")
    }

    private mutating func updateConversation(_ node: Node) -> UpdateConversationAction? {
        guard let mapping = mapping(node, "'update_conversation'") else { return nil }
        checkKeys(mapping, allowed: ["status", "name", "attributes"], what: "update_conversation key")
        var action = UpdateConversationAction()
        if let statusNode = mapping["status"], let status = string(statusNode, "'status'") {
            let known = ["active", "archived", "closed"]
            if known.contains(status) {
                action.status = status
            } else {
                diagnostics.unknown("conversation status", status, at: statusNode.mark, known: known)
            }
        }
        if let nameNode = mapping["name"] { action.name = template(nameNode, "'name'") }
        if let attributesNode = mapping["attributes"], let fields = self.mapping(attributesNode, "'attributes'") {
            for field in fields.entries {
                guard let key = field.key.string else { continue }
                if let value = template(field.value, "attribute '\(key)'") { action.attributes[key] = value }
            }
        }
        if mapping.entries.isEmpty { diagnostics.error(node.mark, "'update_conversation' changes nothing") }
        return action
    }

    private mutating func handoff(_ node: Node) -> HandoffAction? {
        if let team = node.string { return HandoffAction(team: team) }
        guard let mapping = mapping(node, "'handoff'") else { return nil }
        checkKeys(mapping, allowed: ["team", "agent", "note"], what: "handoff key")
        var action = HandoffAction()
        action.team = mapping["team"].flatMap { string($0, "'team'") }
        action.agent = mapping["agent"].flatMap { string($0, "'agent'") }
        if let noteNode = mapping["note"] { action.note = template(noteNode, "'note'") }
        if mapping["team"] == nil, mapping["agent"] == nil {
            diagnostics.error(node.mark, "'handoff' needs a 'team' or an 'agent'")
        }
        return action
    }

    private mutating func setState(_ node: Node) -> SetStateAction? {
        if node.isNull { return SetStateAction(name: nil) }
        if let name = node.string { return SetStateAction(name: name) }
        guard let mapping = mapping(node, "'set_state'") else { return nil }
        checkKeys(mapping, allowed: ["name", "expiry"], what: "set_state key")
        var action = SetStateAction(name: nil)
        if let nameNode = mapping["name"], !nameNode.isNull { action.name = string(nameNode, "'name'") }
        if let expiryNode = mapping["expiry"] { action.expiry = duration(expiryNode, "'expiry'") }
        return action
    }

    private mutating func http(_ node: Node) -> HTTPAction? {
        guard let mapping = mapping(node, "'http'") else { return nil }
        checkKeys(mapping, allowed: ["url", "method", "headers", "body", "timeout"], what: "http key")
        guard let urlNode = mapping["url"] else {
            diagnostics.error(node.mark, "'http' needs 'url'")
            return nil
        }
        guard let url = string(urlNode, "'url'") else { return nil }
        if !(url.hasPrefix("https://") || url.hasPrefix("http://")) || url.count < 10 {
            diagnostics.error(urlNode.mark, "'\(url)' is not an http(s) URL")
        }
        var action = HTTPAction(url: url)
        if let methodNode = mapping["method"], let method = string(methodNode, "'method'") {
            let known = ["GET", "POST", "PUT", "PATCH", "DELETE"]
            if known.contains(method.uppercased()) {
                action.method = method.uppercased()
            } else {
                diagnostics.unknown("HTTP method", method, at: methodNode.mark, known: known)
            }
        }
        if let headersNode = mapping["headers"], let fields = self.mapping(headersNode, "'headers'") {
            for field in fields.entries {
                if let key = field.key.string, let value = string(field.value, "header '\(key)'") {
                    action.headers[key] = value
                }
            }
        }
        if let bodyNode = mapping["body"] { action.body = jsonTemplate(bodyNode) }
        if let timeoutNode = mapping["timeout"], let timeout = duration(timeoutNode, "'timeout'") {
            action.timeout = timeout
        }
        return action
    }

    private mutating func jsonTemplate(_ node: Node) -> JSONTemplate {
        switch node {
        case .scalar(let scalar):
            if scalar.isNull { return .null }
            if let flag = scalar.bool { return .bool(flag) }
            if let number = scalar.double, scalar.style == .plain { return .number(number) }
            return template(node, "a body value").map(JSONTemplate.string) ?? .null
        case .sequence(let sequence):
            return .array(sequence.nodes.map { jsonTemplate($0) })
        case .mapping(let mapping):
            return .object(
                mapping.entries.compactMap { entry in
                    guard let key = entry.key.string else { return nil }
                    return (key, jsonTemplate(entry.value))
                })
        }
    }
}
