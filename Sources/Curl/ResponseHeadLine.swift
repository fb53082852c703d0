/// One line of a response head as libcurl hands it to the header callback.
enum ResponseHeadLine: Equatable {
    /// A status line: a new response begins (interim 1xx responses come before the final one).
    case status
    /// A header field.
    case field(name: String, value: String)
    /// The empty line that ends a head.
    case end
    /// Anything else (such as obsolete folded continuation lines).
    case other

    /// Classifies a raw line, with or without its CRLF.
    init(_ bytes: UnsafeRawBufferPointer) {
        var line = bytes[...]
        while let last = line.last, last == UInt8(ascii: "\r") || last == UInt8(ascii: "\n") {
            line = line.dropLast()
        }
        if line.isEmpty {
            self = .end
            return
        }
        if line.starts(with: "HTTP/".utf8) {
            self = .status
            return
        }
        guard let first = line.first, first != UInt8(ascii: " "), first != UInt8(ascii: "\t"),
            let colon = line.firstIndex(of: UInt8(ascii: ":"))
        else {
            self = .other
            return
        }
        let isBlank: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        var value = line[(colon + 1)...]
        while let c = value.first, isBlank(c) { value = value.dropFirst() }
        while let c = value.last, isBlank(c) { value = value.dropLast() }
        self = .field(
            name: String(decoding: line[..<colon], as: UTF8.self),
            value: String(decoding: value, as: UTF8.self))
    }
}
