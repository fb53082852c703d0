extension LinearRegex {
    /// The parsed pattern.
    indirect enum Node {
        case empty
        /// One scalar, already case-folded.
        case scalar(Unicode.Scalar)
        case any
        case set(ScalarSet)
        case assert(Assertion)
        case concatenation([Node])
        case alternation([Node])
        case repetition(Node, min: Int, max: Int?)

        /// A repetition of more than one inside a repetition of more than one.
        var hasNestedQuantifier: Bool {
            switch self {
            case .repetition(let child, _, let max):
                return (max != 1 && child.repeats) || child.hasNestedQuantifier
            case .concatenation(let children), .alternation(let children):
                return children.contains { $0.hasNestedQuantifier }
            default:
                return false
            }
        }

        private var repeats: Bool {
            switch self {
            case .repetition(let child, _, let max): return max != 1 || child.repeats
            case .concatenation(let children), .alternation(let children): return children.contains { $0.repeats }
            default: return false
            }
        }
    }

    /// Recursive descent over the pattern's scalars.
    struct Parser {
        private let pattern: [Unicode.Scalar]
        private var index = 0
        private var depth = 0
        /// Counted repetitions above this are refused (they would be unrolled).
        static let maximumCount = 1000

        init(_ source: String) { pattern = Array(source.unicodeScalars) }

        mutating func parse() throws(SyntaxError) -> Node {
            let node = try alternation()
            if index < pattern.count { throw error("unmatched ')'") }
            return node
        }

        private var next: Unicode.Scalar? { index < pattern.count ? pattern[index] : nil }

        private func error(_ message: String) -> SyntaxError { SyntaxError(message: message, offset: index) }

        private mutating func alternation() throws(SyntaxError) -> Node {
            var branches = [try concatenation()]
            while next == "|" {
                index += 1
                branches.append(try concatenation())
            }
            return branches.count == 1 ? branches[0] : .alternation(branches)
        }

        private mutating func concatenation() throws(SyntaxError) -> Node {
            var items: [Node] = []
            while let scalar = next, scalar != "|", scalar != ")" {
                items.append(try quantified(try atom()))
            }
            return items.isEmpty ? .empty : items.count == 1 ? items[0] : .concatenation(items)
        }

        private mutating func atom() throws(SyntaxError) -> Node {
            let scalar = pattern[index]
            index += 1
            switch scalar {
            case "(": return try group()
            case ".": return .any
            case "^": return .assert(.start)
            case "$": return .assert(.end)
            case "[": return .set(try bracketed())
            case "\\":
                switch try escape(inClass: false) {
                case .scalar(let value): return .scalar(LinearRegex.fold(value))
                case .item(let item): return .set(ScalarSet(items: [item]))
                case .assertion(let assertion): return .assert(assertion)
                }
            case "*", "+", "?":
                index -= 1
                throw error("'\(scalar)' has nothing before it to repeat")
            default: return .scalar(LinearRegex.fold(scalar))
            }
        }

        private mutating func group() throws(SyntaxError) -> Node {
            depth += 1
            defer { depth -= 1 }
            guard depth <= 100 else { throw error("groups are nested more than 100 deep") }
            if next == "?" {
                index += 1
                switch next ?? "\0" {
                case ":":
                    index += 1
                case "=", "!":
                    throw error("lookahead is not supported (Perch's regexes run in linear time)")
                case "<" where index + 1 < pattern.count && (pattern[index + 1] == "=" || pattern[index + 1] == "!"):
                    throw error("lookbehind is not supported (Perch's regexes run in linear time)")
                case "<", "P", "'":
                    // A named group: the name is skipped, captures are not used.
                    if next == "P" { index += 1 }
                    let close: Unicode.Scalar = next == "'" ? "'" : ">"
                    index += 1
                    while let scalar = next, scalar != close { index += 1 }
                    guard next == close else { throw error("the group's name is not closed") }
                    index += 1
                default:
                    throw error("this kind of group '(?' is not supported; use '(' or '(?:'")
                }
            }
            let inner = try alternation()
            guard next == ")" else { throw error("missing ')'") }
            index += 1
            return inner
        }

        private mutating func quantified(_ node: Node) throws(SyntaxError) -> Node {
            var bounds: (min: Int, max: Int?)
            switch next ?? "\0" {
            case "*": bounds = (0, nil)
            case "+": bounds = (1, nil)
            case "?": bounds = (0, 1)
            case "{":
                guard let counted = try counted() else { return node }
                bounds = counted
            default: return node
            }
            index += 1
            if next == "?" {
                index += 1  // Lazy: the same matches for a yes/no search.
            } else if next == "+" {
                throw error("possessive quantifiers are not supported")
            }
            if let scalar = next, scalar == "*" || scalar == "+" || scalar == "?" {
                throw error("'\(scalar)' follows another quantifier; put the repeated part in a group")
            }
            return .repetition(node, min: bounds.min, max: bounds.max)
        }

        /// `{m}`, `{m,}` or `{m,n}`, leaving `index` on the closing brace; nil (nothing consumed)
        /// when the brace does not start one, as then it is a literal `{`.
        private mutating func counted() throws(SyntaxError) -> (min: Int, max: Int?)? {
            var cursor = index + 1
            func number() -> Int? {
                var value: Int?
                while cursor < pattern.count, (0x30...0x39).contains(pattern[cursor].value) {
                    value = min((value ?? 0) * 10 + Int(pattern[cursor].value - 0x30), 1_000_000)
                    cursor += 1
                }
                return value
            }
            guard let low = number() else { return nil }
            var high: Int? = low
            if cursor < pattern.count, pattern[cursor] == "," {
                cursor += 1
                high = number()
            }
            guard cursor < pattern.count, pattern[cursor] == "}" else { return nil }
            guard max(low, high ?? 0) <= Self.maximumCount else {
                throw error("a count over \(Self.maximumCount) is not supported")
            }
            if let high, high < low { throw error("{\(low),\(high)}: the maximum is below the minimum") }
            index = cursor
            return (low, high)
        }

        private enum Escaped {
            case scalar(Unicode.Scalar)
            case item(ScalarSet.Item)
            case assertion(Assertion)
        }

        /// After a backslash.
        private mutating func escape(inClass: Bool) throws(SyntaxError) -> Escaped {
            guard let scalar = next else { throw error("the pattern ends with a lone '\\'") }
            index += 1
            switch scalar {
            case "d": return .item(.digit(true))
            case "D": return .item(.digit(false))
            case "w": return .item(.word(true))
            case "W": return .item(.word(false))
            case "s": return .item(.space(true))
            case "S": return .item(.space(false))
            case "n": return .scalar("\n")
            case "t": return .scalar("\t")
            case "r": return .scalar("\r")
            case "f": return .scalar("\u{0C}")
            case "v": return .scalar("\u{0B}")
            case "0": return .scalar("\0")
            case "b" where !inClass: return .assertion(.wordBoundary)
            case "B" where !inClass: return .assertion(.notWordBoundary)
            case "A" where !inClass: return .assertion(.start)
            case "z" where !inClass, "Z" where !inClass: return .assertion(.end)
            case "x", "u": return .scalar(try hexadecimal(digits: scalar == "x" ? 2 : 4))
            case "1"..."9":
                index -= 1
                throw error("backreferences are not supported (Perch's regexes run in linear time)")
            default:
                if scalar.isASCII, scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                    index -= 1
                    throw error("unknown escape '\\\(scalar)'")
                }
                return .scalar(scalar)
            }
        }

        /// `\xHH`, `\uHHHH`, or either with braces: `\x{H...}`.
        private mutating func hexadecimal(digits: Int) throws(SyntaxError) -> Unicode.Scalar {
            var text = ""
            if next == "{" {
                index += 1
                while let scalar = next, scalar != "}", text.count < 8 {
                    text.unicodeScalars.append(scalar)
                    index += 1
                }
                guard next == "}" else { throw error("missing '}' after a hexadecimal escape") }
                index += 1
            } else {
                while text.count < digits, let scalar = next {
                    text.unicodeScalars.append(scalar)
                    index += 1
                }
            }
            guard let value = UInt32(text, radix: 16), let scalar = Unicode.Scalar(value) else {
                throw error("'\(text)' is not a hexadecimal Unicode scalar")
            }
            return scalar
        }

        /// After `[`: items up to the closing `]`.
        private mutating func bracketed() throws(SyntaxError) -> ScalarSet {
            var set = ScalarSet()
            if next == "^" {
                set.negated = true
                index += 1
            }
            var first = true
            while let scalar = next, scalar != "]" || first {
                first = false
                index += 1
                var low: Unicode.Scalar
                switch scalar {
                case "[":
                    index -= 1
                    throw error("'[' inside a class is not supported; write '\\['")
                case "\\":
                    switch try escape(inClass: true) {
                    case .scalar(let value): low = value
                    case .item(let item):
                        set.items.append(item)
                        continue
                    case .assertion: throw error("an assertion cannot be in a class")
                    }
                default: low = scalar
                }
                if next == "-", index + 1 < pattern.count, pattern[index + 1] != "]" {
                    index += 1
                    var high = pattern[index]
                    index += 1
                    if high == "\\" {
                        guard case .scalar(let value) = try escape(inClass: true) else {
                            throw error("a class escape cannot end a range")
                        }
                        high = value
                    }
                    guard low.value <= high.value else { throw error("the range \(low)-\(high) is out of order") }
                    set.items.append(.range(low.value, high.value))
                } else {
                    let folded = LinearRegex.fold(low)
                    set.items.append(.range(low.value, low.value))
                    if folded != low { set.items.append(.range(folded.value, folded.value)) }
                }
            }
            guard next == "]" else { throw error("missing ']'") }
            index += 1
            return set
        }
    }

    /// Turns the tree into Pike VM instructions.
    struct Compiler {
        var program: [Instruction] = []

        mutating func emit(_ node: Node) throws(SyntaxError) {
            switch node {
            case .empty: break
            case .scalar(let scalar): try append(.scalar(scalar))
            case .any: try append(.any)
            case .set(let set): try append(.set(set))
            case .assert(let assertion): try append(.assert(assertion))
            case .concatenation(let children):
                for child in children { try emit(child) }
            case .alternation(let branches):
                var exits: [Int] = []
                for branch in branches.dropLast() {
                    let split = program.count
                    try append(.split(split + 1, -1))
                    try emit(branch)
                    exits.append(program.count)
                    try append(.jump(-1))
                    program[split] = .split(split + 1, program.count)
                }
                try emit(branches[branches.count - 1])
                for exit in exits { program[exit] = .jump(program.count) }
            case .repetition(let child, let low, let high):
                for _ in 0..<low { try emit(child) }
                if let high {
                    var skips: [Int] = []
                    for _ in low..<high {
                        skips.append(program.count)
                        try append(.split(program.count + 1, -1))
                        try emit(child)
                    }
                    for skip in skips { program[skip] = .split(skip + 1, program.count) }
                } else {
                    let split = program.count
                    try append(.split(split + 1, -1))
                    try emit(child)
                    try append(.jump(split))
                    program[split] = .split(split + 1, program.count)
                }
            }
        }

        private mutating func append(_ instruction: Instruction) throws(SyntaxError) {
            guard program.count < LinearRegex.maximumProgramSize else {
                throw SyntaxError(
                    message: "the pattern is too large (over \(LinearRegex.maximumProgramSize) steps once "
                        + "its counted repetitions are written out)", offset: 0)
            }
            program.append(instruction)
        }
    }
}
