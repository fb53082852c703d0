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

    public init(file: String, mark: Mark, severity: Severity, message: String) {
        self.file = file
        self.mark = mark
        self.severity = severity
        self.message = message
    }

    /// `file:line:col: error: message`, the form compilers use and editors understand.
    public var description: String { "\(file):\(mark.line):\(mark.column): \(severity.rawValue): \(message)" }
}
