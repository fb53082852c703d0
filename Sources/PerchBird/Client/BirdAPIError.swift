/// A Bird API call that did not succeed, with what Bird said about it.
public struct BirdAPIError: Error, Sendable, CustomStringConvertible {
    enum Code: Sendable {
        case status
        case transport
        case timeout
        case notConfigured
        case invalidRequest
        case cancelled
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
    /// Attempts made before giving up (1 when the call was not retried).
    public var attempts: Int = 1

    /// True for failures worth trying again: no answer, timeouts, 429 and 5xx.
    public var isRetryable: Bool {
        switch code {
        case .transport, .timeout: return true
        case .notConfigured, .invalidRequest, .cancelled: return false
        case .status: return status == 429 || (status ?? 0) >= 500
        }
    }

    /// True when no answer came within the request timeout.
    public var isTimeout: Bool { code == .timeout }
    /// Bird may have taken the request although the call failed: no answer in time, a connection that
    /// broke, or a 5xx. (A 429 was not processed; other 4xx were refused.)
    public var mayHaveReachedBird: Bool {
        switch code {
        case .transport, .timeout: true
        case .status: (status ?? 0) >= 500
        case .notConfigured, .invalidRequest, .cancelled: false
        }
    }

    /// True when the calling task was cancelled (shutdown), not a failure of Bird.
    public var isCancelled: Bool { code == .cancelled }

    static func status(_ status: Int, birdCode: String?, message: String, retryAfter: Double?) -> BirdAPIError {
        BirdAPIError(
            code: .status, status: status, birdCode: birdCode, message: message, retryAfterSeconds: retryAfter)
    }

    static func transport(_ message: String) -> BirdAPIError {
        BirdAPIError(code: .transport, status: nil, birdCode: nil, message: message, retryAfterSeconds: nil)
    }

    static func timeout(_ message: String) -> BirdAPIError {
        BirdAPIError(code: .timeout, status: nil, birdCode: nil, message: message, retryAfterSeconds: nil)
    }

    static func invalidRequest(_ message: String) -> BirdAPIError {
        BirdAPIError(code: .invalidRequest, status: nil, birdCode: nil, message: message, retryAfterSeconds: nil)
    }

    static func notConfigured(_ message: String) -> BirdAPIError {
        BirdAPIError(code: .notConfigured, status: nil, birdCode: nil, message: message, retryAfterSeconds: nil)
    }

    static func cancelled() -> BirdAPIError {
        BirdAPIError(
            code: .cancelled, status: nil, birdCode: nil, message: "the call was cancelled", retryAfterSeconds: nil)
    }

    public var description: String {
        var text: String
        switch code {
        case .status: text = "Bird answered \(status ?? 0)"
        case .timeout: text = "Bird did not answer in time"
        case .transport: text = "Bird could not be reached"
        case .notConfigured: text = "Bird is not configured"
        case .invalidRequest: text = "the request to Bird cannot be sent"
        case .cancelled: text = "Bird call cancelled"
        }
        if let birdCode { text += " (code \(birdCode))" }
        text += ": " + message
        if attempts > 1 { text += " (after \(attempts) attempts)" }
        return text
    }
}
