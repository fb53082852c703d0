/// Why `HTTPClient.execute(_:)` got no response. Compare with `==` against the static values
/// (`error == .timeout`); `message` says what happened, with libcurl's own explanation.
public struct HTTPClientError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: String, Sendable, Hashable {
        case timeout
        case connectFailed
        case hostNotFound
        case connectionClosed
        case streamReset
        case tlsFailed
        case invalidRequest
        case responseTooLarge
        case shutdown
        case transferFailed
    }

    private let code: Code
    /// What went wrong, for people: includes libcurl's error text where there is one.
    public var message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The request did not complete within its timeout (connecting included).
    public static let timeout = HTTPClientError(.timeout, "request timed out")
    /// No TCP connection could be made (refused, unreachable).
    public static let connectFailed = HTTPClientError(.connectFailed, "could not connect")
    /// The host name did not resolve.
    public static let hostNotFound = HTTPClientError(.hostNotFound, "host not found")
    /// The connection broke or closed before a complete response arrived.
    public static let connectionClosed = HTTPClientError(.connectionClosed, "connection closed")
    /// The server reset the request's HTTP/2 stream, or the HTTP/2 connection broke, after the
    /// request was sent: the server may have acted on it.
    public static let streamReset = HTTPClientError(.streamReset, "HTTP/2 stream reset")
    /// The TLS handshake or certificate verification failed.
    public static let tlsFailed = HTTPClientError(.tlsFailed, "TLS failed")
    /// The request cannot be sent as given (bad URL, method or header).
    public static let invalidRequest = HTTPClientError(.invalidRequest, "invalid request")
    /// The response body exceeded `HTTPClientConfiguration.maxResponseBodySize`.
    public static let responseTooLarge = HTTPClientError(.responseTooLarge, "response too large")
    /// The client was shut down before the request completed.
    public static let shutdown = HTTPClientError(.shutdown, "HTTP client is shut down")
    /// Any other transfer failure.
    public static let transferFailed = HTTPClientError(.transferFailed, "transfer failed")

    /// A copy of this error with a more specific message.
    func with(message: String) -> HTTPClientError {
        HTTPClientError(code, message)
    }

    /// Whether the request timed out.
    public var isTimeout: Bool { code == .timeout }
    /// Whether no connection could be made.
    public var isConnectFailed: Bool { code == .connectFailed }
    /// Whether the server may have received and acted on the request although no response came:
    /// a timeout, a connection that closed or a stream reset mid-exchange, another transfer failure,
    /// or a shutdown with the request in flight. False when the request cannot have left (no
    /// connection, no TLS, invalid). A caller must not resend a non-idempotent request blind when true.
    public var mayHaveReachedServer: Bool {
        switch code {
        case .timeout, .connectionClosed, .streamReset, .transferFailed, .responseTooLarge, .shutdown: true
        case .connectFailed, .hostNotFound, .tlsFailed, .invalidRequest: false
        }
    }
    /// Whether the client was shut down.
    public var isShutdown: Bool { code == .shutdown }

    /// Errors are equal when they are of the same kind; the message is not compared.
    public static func == (lhs: HTTPClientError, rhs: HTTPClientError) -> Bool {
        lhs.code == rhs.code
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
    }

    public var description: String { "HTTPClientError.\(code.rawValue): \(message)" }
}
