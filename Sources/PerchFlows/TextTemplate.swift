import PerchEvents

/// A text with placeholders: `Hi {{ contact.name | default: 'there' }}!`.
///
/// Written by hand rather than on swift-mustache: the language needs only variables and one
/// filter (`default`), the checker must know every variable name and its column before any event
/// exists (to report unknown variables), and chat texts must not be HTML-escaped. Mustache would
/// need a pre-translation of `| default:` into inverted sections, triple braces everywhere, and
/// still could not list its variables for validation.
public struct TextTemplate: Sendable, Hashable, CustomStringConvertible {
    enum Segment: Sendable, Hashable {
        case literal(String)
        case variable(Variable)
    }

    /// One `{{ path | default: '...' }}` placeholder.
    struct Variable: Sendable, Hashable {
        var path: String
        var fallback: String?
        /// Character offset of the path inside the template text, for positioned errors.
        var offset: Int
    }

    /// A syntax problem in a template, at a character offset.
    struct SyntaxError: Error, Hashable {
        var offset: Int
        var message: String
    }

    /// The template as written.
    public let source: String
    let segments: [Segment]

    /// A template with no placeholders.
    public init(literal text: String) {
        source = text
        segments = [.literal(text)]
    }

    /// Parses a template.
    public init(parsing source: String) throws {
        self.source = source
        segments = try Self.parse(source)
    }

    public var description: String { source }

    /// Whether the text has no placeholders.
    public var isLiteral: Bool { !segments.contains { if case .variable = $0 { true } else { false } } }

    /// The variable paths used, in order.
    public var variables: [String] {
        segments.compactMap { if case .variable(let variable) = $0 { variable.path } else { nil } }
    }

    /// Fills the placeholders from an event. A missing or empty value renders as its `default`, or as
    /// nothing when there is none.
    /// - Parameters:
    ///   - event: the event whose fields the variables name.
    ///   - extra: values the runtime adds (`state`, ...), looked up by the full path first.
    public func render(_ event: Event, extra: [String: String] = [:]) -> String {
        var output = ""
        for segment in segments {
            switch segment {
            case .literal(let text): output += text
            case .variable(let variable):
                let value = extra[variable.path] ?? TemplateVariables.value(variable.path, in: event)
                if let value, !value.isEmpty {
                    output += value
                } else {
                    output += variable.fallback ?? ""
                }
            }
        }
        return output
    }

    static func parse(_ source: String) throws(SyntaxError) -> [Segment] {
        var segments: [Segment] = []
        let characters = Array(source)
        var literal = ""
        var index = 0
        while index < characters.count {
            if characters[index] == "{", index + 1 < characters.count, characters[index + 1] == "{" {
                let start = index
                var end = index + 2
                while end + 1 < characters.count, !(characters[end] == "}" && characters[end + 1] == "}") {
                    end += 1
                }
                guard end + 1 < characters.count else {
                    throw SyntaxError(offset: start, message: "'{{' is not closed with '}}'")
                }
                if !literal.isEmpty {
                    segments.append(.literal(literal))
                    literal = ""
                }
                segments.append(.variable(try variable(characters[(start + 2)..<end], at: start + 2)))
                index = end + 2
            } else {
                literal.append(characters[index])
                index += 1
            }
        }
        if !literal.isEmpty { segments.append(.literal(literal)) }
        return segments
    }

    private static func variable(_ body: ArraySlice<Character>, at offset: Int) throws(SyntaxError) -> Variable {
        let text = String(body)
        let leading = text.prefix { $0 == " " }.count
        let parts = text.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false)
        let path = parts[0].trimmingSpaces
        guard !path.isEmpty else { throw SyntaxError(offset: offset, message: "empty placeholder '{{ }}'") }
        guard path.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." || $0 == "-" }) else {
            throw SyntaxError(offset: offset + leading, message: "'\(path)' is not a variable name")
        }
        var fallback: String?
        if parts.count == 2 {
            let filter = parts[1].trimmingSpaces
            let filterOffset = offset + parts[0].count + 1 + parts[1].prefix { $0 == " " }.count
            guard filter.hasPrefix("default") else {
                let name = String(filter.prefix { $0.isLetter || $0 == "_" })
                throw SyntaxError(
                    offset: filterOffset, message: "unknown filter '\(name)' (the only filter is 'default')")
            }
            let argument = filter.dropFirst("default".count).trimmingSpaces
            guard argument.hasPrefix(":") else {
                throw SyntaxError(offset: filterOffset, message: "'default' needs a value: default: 'text'")
            }
            let quoted = argument.dropFirst().trimmingSpaces
            guard let quote = quoted.first, quote == "'" || quote == "\"", quoted.count >= 2, quoted.last == quote
            else {
                throw SyntaxError(offset: filterOffset, message: "the default value must be quoted: default: 'text'")
            }
            fallback = String(quoted.dropFirst().dropLast())
        }
        return Variable(path: path, fallback: fallback, offset: offset + leading)
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        var slice = Substring(self)
        while slice.first == " " { slice = slice.dropFirst() }
        while slice.last == " " { slice = slice.dropLast() }
        return String(slice)
    }
}
