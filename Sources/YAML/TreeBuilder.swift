/// Builds the node tree from libyaml events: anchors and aliases, merge keys, duplicate keys.
struct TreeBuilder {
    let reader: EventReader
    let limits: YAMLParser.Limits
    private var anchors: [String: (node: Node, size: Int)] = [:]
    private var anchorsInProgress: Set<String> = []
    private var expanded = 0
    private var depth = 0

    init(reader: EventReader, limits: YAMLParser.Limits) {
        self.reader = reader
        self.limits = limits
    }

    private var file: String { reader.file }

    mutating func document() throws(YAMLError) -> Node? {
        var event = try reader.next()
        if event.kind == .streamStart { event = try reader.next() }
        guard event.kind == .documentStart else { return nil }
        let (root, _) = try node(try reader.next())
        _ = try reader.next()  // document end
        let after = try reader.next()
        if after.kind == .documentStart {
            throw YAMLError(
                kind: .multipleDocuments, file: file, mark: after.mark,
                message: "expected a single document, found a second one")
        }
        return root
    }

    /// Builds the node that starts with `event`; returns it and how many nodes it holds.
    private mutating func node(_ event: YAMLEvent) throws(YAMLError) -> (Node, Int) {
        switch event.kind {
        case .alias:
            let name = event.anchor ?? ""
            guard let anchored = anchors[name] else {
                if anchorsInProgress.contains(name) {
                    throw YAMLError(
                        kind: .recursiveAlias, file: file, mark: event.mark,
                        message: "alias '*\(name)' refers to the node that contains it (recursive alias)")
                }
                throw YAMLError(
                    kind: .unknownAlias, file: file, mark: event.mark, message: "unknown alias '*\(name)'")
            }
            expanded += anchored.size
            if expanded > limits.aliasExpansion {
                throw YAMLError(
                    kind: .tooManyAliases, file: file, mark: event.mark,
                    message: "aliases expand to more than \(limits.aliasExpansion) nodes")
            }
            return anchored
        case .scalar:
            let node = Node.scalar(
                Node.Scalar(value: event.value, style: event.style, tag: event.tag, mark: event.mark))
            if let anchor = event.anchor { anchors[anchor] = (node, 1) }
            return (node, 1)
        case .sequenceStart:
            try enter(event)
            var nodes: [Node] = []
            var size = 1
            while true {
                let next = try reader.next()
                if next.kind == .sequenceEnd { break }
                let (child, childSize) = try node(next)
                nodes.append(child)
                size += childSize
            }
            let node = Node.sequence(Node.Sequence(nodes: nodes, tag: event.tag, mark: event.mark))
            leave(event, node, size)
            return (node, size)
        case .mappingStart:
            try enter(event)
            let (node, size) = try mapping(event)
            leave(event, node, size)
            return (node, size)
        default:
            throw YAMLError(kind: .syntax, file: file, mark: event.mark, message: "unexpected YAML event")
        }
    }

    private mutating func enter(_ event: YAMLEvent) throws(YAMLError) {
        depth += 1
        if depth > limits.depth {
            throw YAMLError(
                kind: .tooDeep, file: file, mark: event.mark, message: "nesting deeper than \(limits.depth) levels")
        }
        if let anchor = event.anchor {
            anchors[anchor] = nil  // a redefined anchor must not be visible inside its new node
            anchorsInProgress.insert(anchor)
        }
    }

    private mutating func leave(_ event: YAMLEvent, _ node: Node, _ size: Int) {
        depth -= 1
        if let anchor = event.anchor {
            anchorsInProgress.remove(anchor)
            anchors[anchor] = (node, size)
        }
    }

    private mutating func mapping(_ start: YAMLEvent) throws(YAMLError) -> (Node, Int) {
        var entries: [Node.Mapping.Entry] = []
        var keyMarks: [String: Mark] = [:]
        var merges: [Node] = []
        var size = 1
        while true {
            let next = try reader.next()
            if next.kind == .mappingEnd { break }
            let (key, keySize) = try node(next)
            let (value, valueSize) = try node(try reader.next())
            size += keySize + valueSize
            if let scalar = key.scalar, scalar.style == .plain, scalar.value == "<<",
                scalar.tag == nil || scalar.tag == Node.Scalar.tagPrefix + "merge"
            {
                merges.append(value)
                continue
            }
            if let name = Self.identity(of: key) {
                if let first = keyMarks[name] {
                    throw YAMLError(
                        kind: .duplicateKey, file: file, mark: key.mark,
                        message: "duplicate key '\(name)' (first defined at line \(first.line), column \(first.column))"
                    )
                }
                keyMarks[name] = key.mark
            }
            entries.append(.init(key: key, value: value))
        }
        if !merges.isEmpty {
            entries = try merged(entries, explicitKeys: Set(keyMarks.keys), sources: merges)
        }
        return (.mapping(Node.Mapping(entries: entries, tag: start.tag, mark: start.mark)), size)
    }

    /// Applies `<<` merge keys: entries of the merged mappings come first, in order; explicit keys
    /// win over merged ones, and an earlier merged mapping wins over a later one.
    private func merged(_ entries: [Node.Mapping.Entry], explicitKeys: Set<String>, sources: [Node]) throws(YAMLError)
        -> [Node.Mapping.Entry]
    {
        var mappings: [Node.Mapping] = []
        for source in sources {
            switch source {
            case .mapping(let mapping): mappings.append(mapping)
            case .sequence(let sequence):
                for element in sequence.nodes {
                    guard let mapping = element.mapping else {
                        throw YAMLError(
                            kind: .badMerge, file: file, mark: element.mark,
                            message: "a merge key (<<) list may hold only mappings, found \(element.kindDescription)")
                    }
                    mappings.append(mapping)
                }
            case .scalar:
                throw YAMLError(
                    kind: .badMerge, file: file, mark: source.mark,
                    message: "a merge key (<<) needs a mapping or a list of mappings, found \(source.kindDescription)")
            }
        }
        var seen = explicitKeys
        var result: [Node.Mapping.Entry] = []
        for mapping in mappings {
            for entry in mapping.entries {
                guard let name = Self.identity(of: entry.key) else { continue }
                if seen.insert(name).inserted { result.append(entry) }
            }
        }
        return result + entries
    }

    /// Keys are compared by their scalar text; complex keys are not checked for duplicates.
    private static func identity(of key: Node) -> String? { key.scalar?.value }
}
