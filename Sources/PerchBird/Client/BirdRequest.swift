import PerchEvents

/// One call to a Bird API, described as data: built by pure functions, executed by `BirdClient`.
public struct BirdRequest: Sendable, Hashable, CustomStringConvertible {
    /// Which API the call goes to (and so which base URL and key).
    public var generation: Generation
    public var method: String
    /// Path below the generation's base URL, starting with `/`.
    public var path: String
    public var body: JSONValue?
    /// Short name of the endpoint for logs and metrics: `send_message`, `update_conversation`, ...
    public var endpoint: String

    public init(generation: Generation, method: String, path: String, body: JSONValue? = nil, endpoint: String) {
        self.generation = generation
        self.method = method
        self.path = path
        self.body = body
        self.endpoint = endpoint
    }

    public var description: String { "\(method) \(generation.rawValue):\(path)" }

    /// An id as one path segment: every byte that RFC 3986 does not allow in a segment as it is
    /// (`pchar`: unreserved, sub-delims, `:` and `@`; Bird's feed ids hold a `:`) is percent-encoded,
    /// and so is an id that is all dots, so an id can never add a segment, climb with `..` or start
    /// a query. The ingress refuses such ids
    /// already; this holds for ids from anywhere else (flows, settings, Bird's own answers).
    static func segment(_ id: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(id.utf8.count)
        for byte in id.utf8 {
            switch byte {
            case 0x41...0x5A, 0x61...0x7A, 0x30...0x39, UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "~"),
                UInt8(ascii: ":"), UInt8(ascii: "@"), UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"),
                UInt8(ascii: "'"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"),
                UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "="):
                out.append(byte)
            case UInt8(ascii: ".") where id != "." && id != "..":
                out.append(byte)
            default:
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// What Bird answered to a successful call.
public struct BirdResponse: Sendable {
    public var status: Int
    public var body: JSONValue?

    public init(status: Int, body: JSONValue?) {
        self.status = status
        self.body = body
    }
}
