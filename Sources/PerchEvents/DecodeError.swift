/// Why a webhook body could not be decoded into an ``Event``; the description is short enough to
/// send back to the caller in a 400 answer and says what to fix.
public struct DecodeError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Sendable, Hashable {
        case emptyBody
        case malformedJSON(String)
        case notAnObject
        case missingField(String)
        case wrongType(field: String, expected: String)
        case malformedForm
    }

    private let code: Code

    private init(_ code: Code) { self.code = code }

    /// The body is empty where a payload was required.
    static var emptyBody: DecodeError { DecodeError(.emptyBody) }
    /// The body is not JSON; `detail` is a short parser message without body content.
    static func malformedJSON(_ detail: String) -> DecodeError { DecodeError(.malformedJSON(detail)) }
    /// The JSON document is valid but is not an object at the top.
    static var notAnObject: DecodeError { DecodeError(.notAnObject) }
    /// A required field is absent, null or empty; `path` is dotted (`message.id`).
    static func missingField(_ path: String) -> DecodeError { DecodeError(.missingField(path)) }
    /// A field is present with a type the decoder cannot use.
    static func wrongType(_ path: String, expected: String) -> DecodeError {
        DecodeError(.wrongType(field: path, expected: expected))
    }
    /// A form-encoded body is not valid `application/x-www-form-urlencoded`.
    static var malformedForm: DecodeError { DecodeError(.malformedForm) }

    /// The dotted path of the field at fault, when the error is about one field.
    public var field: String? {
        switch code {
        case .missingField(let path), .wrongType(let path, _): return path
        default: return nil
        }
    }

    public var description: String {
        switch code {
        case .emptyBody: return "empty body: a JSON payload is required"
        case .malformedJSON(let detail): return "malformed JSON: \(detail)"
        case .notAnObject: return "malformed payload: expected a JSON object at the top level"
        case .missingField(let path): return "missing field '\(path)'"
        case .wrongType(let path, let expected): return "field '\(path)' must be \(expected)"
        case .malformedForm: return "malformed form body: expected application/x-www-form-urlencoded"
        }
    }
}
