/// One node of a YAML document: a scalar, a mapping or a sequence, with the position where it starts.
///
/// Scalars keep their text and style as written: there is no YAML 1.1 type guessing (`yes` stays the
/// string "yes"); the typed accessors (`bool`, `int`, `double`, `isNull`) apply the YAML 1.2 core schema
/// to plain scalars only, when the consumer asks for them.
public enum Node: Sendable, Hashable {
    case scalar(Scalar)
    case mapping(Mapping)
    case sequence(Sequence)

    /// Where the node starts (1-based line and column).
    public var mark: Mark {
        switch self {
        case .scalar(let scalar): scalar.mark
        case .mapping(let mapping): mapping.mark
        case .sequence(let sequence): sequence.mark
        }
    }

    /// The explicit tag (`tag:yaml.org,2002:str` for `!!str`), if the document wrote one.
    public var tag: String? {
        switch self {
        case .scalar(let scalar): scalar.tag
        case .mapping(let mapping): mapping.tag
        case .sequence(let sequence): sequence.tag
        }
    }

    /// A short name of the node's kind for messages: "a string", "a mapping", "a list".
    public var kindDescription: String {
        switch self {
        case .scalar(let scalar): scalar.isNull ? "null" : "a scalar"
        case .mapping: "a mapping"
        case .sequence: "a list"
        }
    }
}

extension Node {
    /// The scalar, when this node is one.
    public var scalar: Scalar? {
        if case .scalar(let scalar) = self { return scalar }
        return nil
    }

    /// The mapping, when this node is one.
    public var mapping: Mapping? {
        if case .mapping(let mapping) = self { return mapping }
        return nil
    }

    /// The sequence, when this node is one.
    public var sequence: Sequence? {
        if case .sequence(let sequence) = self { return sequence }
        return nil
    }

    /// The text of a scalar that is not null (quoted scalars are always text).
    public var string: String? {
        guard let scalar, !scalar.isNull else { return nil }
        return scalar.value
    }

    /// `true`/`false` of a plain scalar (YAML 1.2 core: true, True, TRUE, false, ...), or a `!!bool` tag.
    public var bool: Bool? { scalar?.bool }

    /// An integer written as a plain scalar (decimal, `0x`, `0o`), or with an `!!int` tag.
    public var int: Int? { scalar?.int }

    /// A number written as a plain scalar, or with a `!!float` tag.
    public var double: Double? { scalar?.double }

    /// Whether this is a null scalar: plain empty, `~`, `null`, or `!!null`.
    public var isNull: Bool { scalar?.isNull ?? false }

    /// The value for a string key, when this node is a mapping.
    public subscript(key: String) -> Node? { mapping?[key] }

    /// The elements, when this node is a sequence.
    public var array: [Node]? { sequence?.nodes }
}
