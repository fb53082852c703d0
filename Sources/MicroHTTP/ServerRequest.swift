/// One HTTP request as the server received it.
public struct ServerRequest: Sendable {
    /// The method, e.g. `GET` or `POST`, exactly as sent.
    public var method: String
    /// The path part of the request target, as received (not percent-decoded), without the query.
    public var path: String
    /// The raw query string as received, without `?`; `""` if none. Its order is kept, since
    /// webhook signatures hash it.
    public var query: String
    /// The raw request target exactly as received: `path` + `?` + `query`.
    public var target: String
    /// The request header fields, in received order.
    public var headers: HTTPHeaders
    /// The request body (empty when none).
    public var body: [UInt8]
    /// The client's numeric IP address, as the socket saw it (a proxy's, behind one); nil when unknown.
    public var remoteAddress: String?

    /// Creates a request; `path` and `query` are split from `target` at the first `?`.
    public init(
        method: String, target: String, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = [],
        remoteAddress: String? = nil
    ) {
        self.method = method
        self.remoteAddress = remoteAddress
        self.target = target
        if let mark = target.utf8.firstIndex(of: UInt8(ascii: "?")) {
            path = String(target[..<mark])
            query = String(target[target.utf8.index(after: mark)...])
        } else {
            path = target
            query = ""
        }
        self.headers = headers
        self.body = body
    }

    /// Whether the client is on this host (an IPv4 or IPv6 loopback address).
    public var isFromLoopback: Bool {
        guard let remoteAddress else { return false }
        return remoteAddress.hasPrefix("127.") || remoteAddress == "::1" || remoteAddress.hasPrefix("::ffff:127.")
    }

    /// The query's `name=value` pairs, percent-decoded (`+` as space), in received order.
    public var queryItems: [(name: String, value: String)] {
        guard !query.isEmpty else { return [] }
        return query.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true).map { item in
            if let equals = item.firstIndex(of: UInt8(ascii: "=")) {
                return (
                    name: FormDecoding.decode(item[item.startIndex..<equals]),
                    value: FormDecoding.decode(item[item.index(after: equals)...])
                )
            }
            return (name: FormDecoding.decode(item), value: "")
        }
    }
}

/// Decoding of `application/x-www-form-urlencoded` components.
enum FormDecoding {
    /// Percent-decodes `bytes` and turns `+` into a space; malformed escapes are kept as written.
    static func decode<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "+") {
                output.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"),
                let first = bytes.index(index, offsetBy: 1, limitedBy: bytes.endIndex), first != bytes.endIndex,
                let second = bytes.index(first, offsetBy: 1, limitedBy: bytes.endIndex), second != bytes.endIndex,
                let high = hexValue(bytes[first]), let low = hexValue(bytes[second])
            {
                output.append(high << 4 | low)
                index = second
            } else {
                output.append(byte)
            }
            index = bytes.index(after: index)
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
