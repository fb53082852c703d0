/// The answer a handler gives to one request.
public struct ServerResponse: Sendable {
    /// The status code, e.g. 200.
    public var status: Int
    /// Header fields to send. `Content-Length` is computed by the server and any given here is ignored.
    public var headers: HTTPHeaders
    /// The body (empty for none).
    public var body: [UInt8]

    /// Creates a response.
    public init(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A `text/plain; charset=utf-8` response.
    public static func text(_ status: Int, _ text: String) -> ServerResponse {
        ServerResponse(
            status: status, headers: HTTPHeaders([("Content-Type", "text/plain; charset=utf-8")]),
            body: Array(text.utf8))
    }

    /// An `application/json` response; `json` is sent as given.
    public static func json(_ status: Int, _ json: String) -> ServerResponse {
        ServerResponse(
            status: status, headers: HTTPHeaders([("Content-Type", "application/json")]), body: Array(json.utf8))
    }

    /// An `application/json` response whose body is already UTF-8 JSON bytes.
    public static func json(_ status: Int, bytes: [UInt8]) -> ServerResponse {
        ServerResponse(status: status, headers: HTTPHeaders([("Content-Type", "application/json")]), body: bytes)
    }
}

/// The handler the server calls for every request; it runs as a Swift task and may suspend
/// without holding up libmicrohttpd's threads.
public typealias HTTPHandler = @Sendable (ServerRequest) async -> ServerResponse
