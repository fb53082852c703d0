/// The query string as the legacy signature signs it: parameters sorted by name (byte order,
/// values of one name in received order) and form-encoded like Go's `url.Values.Encode()`.
enum QueryEncoding {
    static func sorted(_ query: [(name: String, value: String)]) -> String {
        let ordered = query.enumerated().sorted { lhs, rhs in
            if lhs.element.name == rhs.element.name { return lhs.offset < rhs.offset }
            return lhs.element.name.utf8.lexicographicallyPrecedes(rhs.element.name.utf8)
        }
        return ordered.map { escape($0.element.name) + "=" + escape($0.element.value) }.joined(separator: "&")
    }

    /// Go's `url.QueryEscape`: unreserved bytes stay, space becomes `+`, the rest `%XX`.
    static func escape(_ text: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in text.utf8 {
            switch byte {
            case 0x41...0x5A, 0x61...0x7A, 0x30...0x39, UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                out.append(byte)
            case UInt8(ascii: " "):
                out.append(UInt8(ascii: "+"))
            default:
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
