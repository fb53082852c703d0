import YAML

/// One problem found in a flow file, positioned so an editor can jump to it.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    /// How bad it is: errors stop a flow set from loading, warnings do not.
    public enum Severity: String, Sendable, Hashable {
        case error
        case warning
    }

    public var file: String
    public var mark: Mark
    public var severity: Severity
    public var message: String
    /// A likely fix, such as the known name closest to a misspelled one.
    public var suggestion: String?
    /// The text of the line the mark points into, for showing it with a caret.
    public var sourceLine: String?

    public init(
        file: String, mark: Mark, severity: Severity, message: String, suggestion: String? = nil,
        sourceLine: String? = nil
    ) {
        self.file = file
        self.mark = mark
        self.severity = severity
        self.message = message
        self.suggestion = suggestion
        self.sourceLine = sourceLine
    }

    /// The message with its suggestion: `unknown condition 'keyword' (did you mean 'keywords'?)`.
    public var fullMessage: String {
        guard let suggestion else { return message }
        return "\(message) (did you mean '\(suggestion)'?)"
    }

    /// `file:line:col: error: message`, the form compilers use and editors understand.
    public var description: String {
        "\(file):\(mark.line):\(mark.column): \(severity.rawValue): \(fullMessage)"
    }

    /// The description, then the offending line and a caret under the column, as compilers print them.
    public var rendered: String {
        guard let sourceLine else { return description }
        let prefix = sourceLine.prefix(max(mark.column - 1, 0)).map { $0 == "\t" ? "\t" : " " }.joined()
        return "\(description)\n\(sourceLine)\n\(prefix)^"
    }
}
