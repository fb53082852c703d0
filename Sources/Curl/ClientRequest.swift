/// One HTTP request for `HTTPClient.execute(_:)`.
public struct ClientRequest: Sendable {
    /// Request method, such as `GET`, `POST`, `PATCH` or `DELETE`.
    public var method: String
    /// Absolute `http://` or `https://` URL.
    public var url: String
    /// Header fields in the order they are sent. A body without a `Content-Type` here is sent
    /// without one (libcurl would otherwise label it `application/x-www-form-urlencoded`).
    public var headers: [(name: String, value: String)]
    /// Request body, sent byte for byte (NUL bytes included); `nil` sends none.
    public var body: [UInt8]?
    /// Deadline for this request, overriding `HTTPClientConfiguration.requestTimeout`.
    public var timeout: Duration?

    /// Creates a request.
    /// - Parameters:
    ///   - method: Request method; `GET` by default.
    ///   - url: Absolute `http://` or `https://` URL.
    ///   - headers: Header fields in sending order.
    ///   - body: Body bytes, or `nil` for none.
    ///   - timeout: Deadline for the whole request, or `nil` for the client's default.
    public init(
        method: String = "GET",
        url: String,
        headers: [(name: String, value: String)] = [],
        body: [UInt8]? = nil,
        timeout: Duration? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}
