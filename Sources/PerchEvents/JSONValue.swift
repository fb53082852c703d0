/// A JSON document as a Swift value: what Perch keeps of a webhook body for templates and traces.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The member `key` of an object; `nil` for anything else or a missing key.
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// The element at `index` of an array; `nil` when out of range or not an array.
    public subscript(index: Int) -> JSONValue? {
        if case .array(let elements) = self, elements.indices.contains(index) { return elements[index] }
        return nil
    }

    /// Follows a dotted path such as `message.content.text` (array indices as numbers).
    public func value(at path: some StringProtocol) -> JSONValue? {
        var current: JSONValue? = self
        for component in path.split(separator: ".") {
            if let index = Int(component), case .array = current {
                current = current?[index]
            } else {
                current = current?[String(component)]
            }
        }
        return current
    }

    /// The value as a string when it is a string, or a number or bool written as text.
    public var stringValue: String? {
        switch self {
        case .string(let text): return text
        case .number(let number):
            if number.rounded() == number, abs(number) < 1e15 { return String(Int64(number)) }
            return String(number)
        case .bool(let flag): return flag ? "true" : "false"
        default: return nil
        }
    }
}
