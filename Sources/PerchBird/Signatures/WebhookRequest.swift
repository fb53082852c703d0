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
        var lowered = [String: String](minimumCapacity: headers.count)
        for (name, value) in headers { lowered[Self.lowercased(name)] = value }
        self.headers = lowered
        self.body = body
        self.query = query
    }

    /// `name.lowercased()`, without the new string when the name is lower-case ASCII already.
    private static func lowercased(_ name: String) -> String {
        let plain = name.utf8.allSatisfy { $0 < 0x80 && !($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z")) }
        return plain ? name : name.lowercased()
    }
}
