/// Why an `HTTPServer` could not start.
public struct HTTPServerError: Error, Sendable, CustomStringConvertible {
    private enum Code: Sendable {
        case bind
        case daemon
        case alreadyStarted
        case configuration
    }

    private let code: Code
    /// What went wrong, in words a user can act on.
    public let message: String

    public var description: String { message }

    static func bind(_ message: String) -> HTTPServerError { HTTPServerError(code: .bind, message: message) }
    static func daemon(_ message: String) -> HTTPServerError { HTTPServerError(code: .daemon, message: message) }
    static func configuration(_ message: String) -> HTTPServerError {
        HTTPServerError(code: .configuration, message: message)
    }
    static let alreadyStarted = HTTPServerError(
        code: .alreadyStarted, message: "the HTTP server was already started; create a new one to start again")
}
