/// A Bird API call that did not succeed, with what Bird said about it.
public struct BirdAPIError: Error, Sendable, CustomStringConvertible {
    enum Code: Sendable {
        case status
        case transport
        case notConfigured
    }

    let code: Code
    /// HTTP status Bird answered, when it answered.
    public var status: Int?
    /// Bird's own error code (legacy: a number; Bird platform: a string), when its body had one.
    public var birdCode: String?
    /// What went wrong, in Bird's words when it gave any.
    public var message: String
    /// Seconds Bird asked us to wait (`Retry-After`), when it did.
    public var retryAfterSeconds: Double?

    /// True for failures worth trying again: no answer, timeouts, 429 and 5xx.
    public var isRetryable: Bool {
        switch code {
        case .transport: return true
        case .notConfigured: return false
        case .status: return status == 429 || (status ?? 0) >= 500
        }
    }

    static func status(_ status: Int, birdCode: String?, message: String, retryAfter: Double?) -> BirdAPIError {
        BirdAPIError(
            code: .status, status: status, birdCode: birdCode, message: message, retryAfterSeconds: retryAfter)
    }

    static func transport(_ message: String) -> BirdAPIError {
        BirdAPIError(code: .transport, status: nil, birdCode: nil, message: message, retryAfterSeconds: nil)
    }

    static func notConfigured(_ message: String) -> BirdAPIError {
        BirdAPIError(code: .notConfigured, status: nil, birdCode: nil, message: message, retryAfterSeconds: nil)
    }

    public var description: String {
        var text = status.map { "Bird answered \($0)" } ?? "Bird could not be reached"
        if let birdCode { text += " (code \(birdCode))" }
        return text + ": " + message
    }
}
