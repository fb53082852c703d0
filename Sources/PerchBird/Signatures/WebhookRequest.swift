/// A webhook request as the signature schemes see it.
public struct WebhookRequest: Sendable {
    /// The full URL as Bird called it: `scheme://host[:port]/path?query`, query in received order
    /// (behind a proxy, built from the configured public URL).
    public var url: String
    /// Header fields with lower-cased names.
    public var headers: [String: String]
    /// The raw body.
    public var body: [UInt8]
    /// Decoded query parameters in received order.
    public var query: [(name: String, value: String)]

    /// - Parameters:
    ///   - url: the full URL as Bird called it.
    ///   - headers: header fields; names are lower-cased here.
    ///   - body: the raw body.
    ///   - query: decoded query parameters in received order.
    public init(
        url: String, headers: [String: String] = [:], body: [UInt8] = [], query: [(name: String, value: String)] = []
    ) {
        self.url = url
        self.headers = Dictionary(
            headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { _, last in last })
        self.body = body
        self.query = query
    }
}
