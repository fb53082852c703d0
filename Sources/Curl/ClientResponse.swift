/// The answer to a `ClientRequest`: any status counts as an answer, also 4xx and 5xx.
public struct ClientResponse: Sendable {
    /// HTTP status code, such as 200 or 429.
    public var status: Int
    /// Header fields of the final response, names spelled as received, in received order.
    public var headers: [(name: String, value: String)]
    /// Response body as received (no content decoding).
    public var body: [UInt8]
    /// The HTTP version of the response: `"1.1"`, `"2"`, ...; empty when not known.
    public var httpVersion: String
    /// New connections this request had to open (0 when it reused one, or a stream of one).
    public var connectionsOpened: Int

    /// Creates a response (the client does; tests and fakes may too).
    public init(
        status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = [], httpVersion: String = "",
        connectionsOpened: Int = 0
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.httpVersion = httpVersion
        self.connectionsOpened = connectionsOpened
    }

    /// The value of the first header field called `name`, compared case-insensitively.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }
}
