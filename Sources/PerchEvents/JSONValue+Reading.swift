/// Field access used by the decoders: lenient about types where Bird is (numbers as ids), strict
/// about absence (empty strings count as absent, because Bird sends `"reference": ""`).
extension JSONValue {
    var objectValue: [String: JSONValue]? {
        if case .object(let members) = self { return members }
        return nil
    }

    var arrayValue: [JSONValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    var isObject: Bool { objectValue != nil }

    /// A string, or a number written as text (legacy `msisdn`); nil when absent, null or empty.
    var text: String? {
        switch self {
        case .string(let text): return text.isEmpty ? nil : text
        case .number: return stringValue
        default: return nil
        }
    }

    /// The text of the member at a dotted path.
    func text(_ path: String) -> String? { member(at: path)?.text }

    /// ``value(at:)`` without the intermediate array: the decoders' hot path (about 1 µs less per
    /// field, which adds up to most of a decode).
    func member(at path: String) -> JSONValue? {
        // Searched as UTF-8: `Character` comparison would run grapheme breaking on every byte.
        let utf8 = path.utf8
        var current = self
        var start = utf8.startIndex
        while true {
            let end = utf8[start...].firstIndex(of: UInt8(ascii: ".")) ?? utf8.endIndex
            let component = path[start..<end]
            switch current {
            case .object(let members):
                guard let next = members[String(component)] else { return nil }
                current = next
            case .array(let elements):
                guard let position = Int(component), elements.indices.contains(position) else { return nil }
                current = elements[position]
            default:
                return nil
            }
            if end == utf8.endIndex { return current }
            start = utf8.index(after: end)
        }
    }

    /// A number, or a string that holds one (coordinates sometimes arrive as strings).
    var double: Double? {
        switch self {
        case .number(let number): return number
        case .string(let text): return Double(text)
        default: return nil
        }
    }
}
