import CYAML

/// Reads YAML text into a `Node` tree with positions, on top of libyaml's event parser.
///
/// Beyond what libyaml does, it rejects duplicate keys, applies merge keys (`<<`), resolves aliases
/// (rejecting recursive ones and capping how many nodes aliases may expand to), and accepts exactly
/// one document.
public enum YAMLParser {
    /// Limits that keep a hostile or broken document from exhausting memory or stack.
    public struct Limits: Sendable, Hashable {
        /// Most nodes that aliases may add in total (each alias counts the size of what it repeats).
        public var aliasExpansion: Int
        /// Deepest nesting of mappings and sequences.
        public var depth: Int

        public init(aliasExpansion: Int = 10_000, depth: Int = 256) {
            self.aliasExpansion = aliasExpansion
            self.depth = depth
        }
    }

    /// Parses one YAML document.
    /// - Parameters:
    ///   - text: the document.
    ///   - file: the name used in error messages.
    ///   - limits: alias-expansion and depth caps.
    /// - Returns: the root node, or `nil` when the text holds no document (empty, or comments only).
    public static func parse(_ text: String, file: String = "<input>", limits: Limits = .init()) throws(YAMLError)
        -> Node?
    {
        let reader = EventReader(text: text, file: file)
        var builder = TreeBuilder(reader: reader, limits: limits)
        return try builder.document()
    }
}

/// One libyaml event, copied into Swift values so that the C event can be deleted at once.
struct YAMLEvent {
    enum Kind {
        case streamStart, streamEnd, documentStart, documentEnd
        case alias, scalar, sequenceStart, sequenceEnd, mappingStart, mappingEnd
        case none
    }
    var kind: Kind
    var mark: Mark
    var anchor: String?
    var tag: String?
    var value: String = ""
    var style: Node.Scalar.Style = .plain
}

/// Owns the heap-allocated `yaml_parser_t` (libyaml keeps pointers into it, so it must not move)
/// and a copy of the input, which libyaml does not copy.
final class EventReader {
    private let parser: UnsafeMutablePointer<yaml_parser_t>
    private let input: UnsafeMutableBufferPointer<UInt8>
    let file: String

    init(text: String, file: String) {
        self.file = file
        parser = .allocate(capacity: 1)
        _ = yaml_parser_initialize(parser)
        // libyaml asserts on a NULL input pointer, which an empty Swift buffer may give: always
        // allocate at least one byte and pass the real length.
        let utf8 = Array(text.utf8)
        input = .allocate(capacity: max(utf8.count, 1))
        _ = input.initialize(from: utf8)
        yaml_parser_set_input_string(parser, input.baseAddress, utf8.count)
        yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
    }

    deinit {
        yaml_parser_delete(parser)
        parser.deallocate()
        input.deallocate()
    }

    func next() throws(YAMLError) -> YAMLEvent {
        var event = yaml_event_t()
        guard yaml_parser_parse(parser, &event) == 1 else {
            throw syntaxError()
        }
        // Every successfully parsed event owns memory; it is deleted on every path out of here.
        defer { yaml_event_delete(&event) }
        let mark = Mark(line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
        switch event.type {
        case YAML_STREAM_START_EVENT: return YAMLEvent(kind: .streamStart, mark: mark)
        case YAML_STREAM_END_EVENT: return YAMLEvent(kind: .streamEnd, mark: mark)
        case YAML_DOCUMENT_START_EVENT: return YAMLEvent(kind: .documentStart, mark: mark)
        case YAML_DOCUMENT_END_EVENT: return YAMLEvent(kind: .documentEnd, mark: mark)
        case YAML_ALIAS_EVENT:
            return YAMLEvent(kind: .alias, mark: mark, anchor: Self.string(event.data.alias.anchor))
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let value =
                scalar.value.map {
                    String(decoding: UnsafeBufferPointer(start: $0, count: scalar.length), as: UTF8.self)
                } ?? ""
            let style: Node.Scalar.Style
            switch scalar.style {
            case YAML_SINGLE_QUOTED_SCALAR_STYLE: style = .singleQuoted
            case YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .doubleQuoted
            case YAML_LITERAL_SCALAR_STYLE: style = .literal
            case YAML_FOLDED_SCALAR_STYLE: style = .folded
            default: style = .plain
            }
            return YAMLEvent(
                kind: .scalar, mark: mark, anchor: Self.string(scalar.anchor), tag: Self.tag(scalar.tag), value: value,
                style: style)
        case YAML_SEQUENCE_START_EVENT:
            let start = event.data.sequence_start
            return YAMLEvent(
                kind: .sequenceStart, mark: mark, anchor: Self.string(start.anchor), tag: Self.tag(start.tag))
        case YAML_SEQUENCE_END_EVENT: return YAMLEvent(kind: .sequenceEnd, mark: mark)
        case YAML_MAPPING_START_EVENT:
            let start = event.data.mapping_start
            return YAMLEvent(
                kind: .mappingStart, mark: mark, anchor: Self.string(start.anchor), tag: Self.tag(start.tag))
        case YAML_MAPPING_END_EVENT: return YAMLEvent(kind: .mappingEnd, mark: mark)
        default: return YAMLEvent(kind: .none, mark: mark)
        }
    }

    private func syntaxError() -> YAMLError {
        let state = parser.pointee
        let problem = state.problem.map { String(cString: $0) } ?? "malformed YAML"
        var message = problem
        if let context = state.context.map({ String(cString: $0) }) {
            let contextMark = state.context_mark
            message += " (\(context) at line \(contextMark.line + 1), column \(contextMark.column + 1))"
        }
        let mark = Mark(line: Int(state.problem_mark.line) + 1, column: Int(state.problem_mark.column) + 1)
        return YAMLError(kind: .syntax, file: file, mark: mark, message: message)
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
    }

    /// The non-specific tag `!` carries no type information; drop it.
    private static func tag(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let tag = string(pointer), tag != "!" else { return nil }
        return tag
    }
}
