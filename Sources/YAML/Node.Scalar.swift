extension Node {
    /// A scalar as written: its text, how it was quoted, and its tag.
    public struct Scalar: Sendable, Hashable {
        /// How a scalar was written.
        public enum Style: Sendable, Hashable {
            case plain
            case singleQuoted
            case doubleQuoted
            case literal
            case folded
        }

        public var value: String
        public var style: Style
        public var tag: String?
        public var mark: Mark

        public init(value: String, style: Style = .plain, tag: String? = nil, mark: Mark) {
            self.value = value
            self.style = style
            self.tag = tag
            self.mark = mark
        }

        static let tagPrefix = "tag:yaml.org,2002:"

        /// Core-schema resolution applies only to plain, untagged scalars, or to an explicit tag.
        private func resolves(as name: String) -> Bool {
            if let tag { return tag == Self.tagPrefix + name }
            return style == .plain
        }

        public var isNull: Bool {
            guard resolves(as: "null") else { return false }
            return ["", "~", "null", "Null", "NULL"].contains(value)
        }

        public var bool: Bool? {
            guard resolves(as: "bool") else { return nil }
            switch value {
            case "true", "True", "TRUE": return true
            case "false", "False", "FALSE": return false
            default: return nil
            }
        }

        public var int: Int? {
            guard resolves(as: "int") else { return nil }
            var text = Substring(value)
            var sign = 1
            if text.first == "-" || text.first == "+" {
                if text.first == "-" { sign = -1 }
                text = text.dropFirst()
            }
            let parsed: Int?
            if text.hasPrefix("0x") {
                parsed = Int(text.dropFirst(2), radix: 16)
            } else if text.hasPrefix("0o") {
                parsed = Int(text.dropFirst(2), radix: 8)
            } else if !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }) {
                parsed = Int(text)
            } else {
                parsed = nil
            }
            return parsed.map { $0 * sign }
        }

        public var double: Double? {
            if let int { return Double(int) }
            guard resolves(as: "float") || tag == Self.tagPrefix + "int" else { return nil }
            switch value {
            case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .infinity
            case "-.inf", "-.Inf", "-.INF": return -.infinity
            case ".nan", ".NaN", ".NAN": return .nan
            default:
                guard value.first.map({ $0.isNumber || $0 == "-" || $0 == "+" || $0 == "." }) == true else {
                    return nil
                }
                return Double(value)
            }
        }
    }
}
