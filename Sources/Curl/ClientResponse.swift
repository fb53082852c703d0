/// The answer to a `ClientRequest`: any status counts as an answer, also 4xx and 5xx.
public struct ClientResponse: Sendable {
    /// HTTP status code, such as 200 or 429.
    public var status: Int
    /// Header fields of the final response, names spelled as received, in received order.
    public var headers: [(name: String, value: String)]
    /// Response body as received (no content decoding).
    public var body: [UInt8]

    /// Creates a response (the client does; tests and fakes may too).
    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The value of the first header field called `name`, compared case-insensitively.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }
}
