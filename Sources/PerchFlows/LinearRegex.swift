/// A regular expression of the flow language, searched case-insensitively in time linear in the
/// text: the pattern is compiled to a Thompson NFA and run as a Pike VM, so no pattern and no
/// message can make one match take exponential time (`^(\w+\s?)+$` against 34 word characters
/// and `!` stalled Swift's backtracking `Regex` for minutes).
///
/// Written by hand because no library Perch may use does this: Swift's `Regex` and Foundation's
/// `NSRegularExpression` both backtrack and cannot be given a step or time budget, and the
/// listed packages (DEPENDENCIES.md) have no regex engine. The language is the usual subset
/// that needs no backtracking: literals, `.`, classes with ranges and `\d \w \s` (and their
/// negations), anchors `^ $ \b \B`, groups, alternation and the quantifiers `* + ? {m} {m,}
/// {m,n}` (lazy forms accepted; they find the same matches). Backreferences, lookaround and
/// possessive quantifiers are refused when the flow loads, with a message saying so.
///
/// It works on Unicode scalars rather than grapheme clusters; texts over
/// ``maximumTextLength`` scalars are not searched (the rule counts as not matching).
struct LinearRegex: Sendable {
    /// The pattern as written.
    let source: String
    let program: [Instruction]
    /// A quantified part of the pattern holds another quantifier (`(\w+\s?)+`): harmless here,
    /// but it backtracks badly in most other engines, so `perch validate` warns.
    let hasNestedQuantifier: Bool
    private let isAnchoredAtStart: Bool

    /// The longest text searched, in Unicode scalars: with the program size limit this bounds a
    /// match at about 10^8 steps.
    static let maximumTextLength = 20_000
    /// The most instructions a pattern may compile to (counted repetitions are unrolled).
    static let maximumProgramSize = 5_000

    enum Outcome: Equatable {
        case found
        case notFound
        /// The text is longer than ``LinearRegex/maximumTextLength``; it was not searched.
        case textTooLong
    }

    init(_ source: String) throws(SyntaxError) {
        self.source = source
        var parser = Parser(source)
        let tree = try parser.parse()
        hasNestedQuantifier = tree.hasNestedQuantifier
        var compiler = Compiler()
        try compiler.emit(tree)
        compiler.program.append(.match)
        program = compiler.program
        if case .assert(.start) = program[0] { isAnchoredAtStart = true } else { isAnchoredAtStart = false }
    }

    /// Whether the pattern occurs anywhere in `text`.
    func search(_ text: String) -> Outcome {
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            scalars.append(scalar)
            if scalars.count > Self.maximumTextLength { return .textTooLong }
        }
        return run(scalars) ? .found : .notFound
    }

    /// The Pike VM without captures: the set of live program counters advances one scalar at a
    /// time, each counter at most once per position, so the work is O(text × program).
    private func run(_ text: [Unicode.Scalar]) -> Bool {
        let folded = text.map(Self.fold)
        var current = ThreadList(capacity: program.count)
        var next = ThreadList(capacity: program.count)
        var stack: [Int] = []
        for position in 0...text.count {
            // Unanchored search: a new thread starts at every position.
            if addThread(0, at: position, text: text, to: &current, stack: &stack) { return true }
            guard position < text.count else { break }
            next.clear()
            let scalar = text[position]
            let lower = folded[position]
            for pc in current.members {
                let consumes: Bool
                switch program[pc] {
                case .scalar(let wanted): consumes = wanted == lower
                case .any: consumes = scalar != "\n"
                case .set(let set): consumes = set.contains(scalar, folded: lower)
                default: consumes = false
                }
                if consumes, addThread(pc + 1, at: position + 1, text: text, to: &next, stack: &stack) {
                    return true
                }
            }
            swap(&current, &next)
            // A pattern anchored at the start cannot begin anywhere later.
            if current.members.isEmpty, isAnchoredAtStart { return false }
        }
        return false
    }

    /// Follows jumps, splits and assertions from `start`; true when it reaches `match`.
    private func addThread(
        _ start: Int, at position: Int, text: [Unicode.Scalar], to list: inout ThreadList, stack: inout [Int]
    ) -> Bool {
        stack.append(start)
        while let pc = stack.popLast() {
            guard list.insert(pc) else { continue }
            switch program[pc] {
            case .match:
                stack.removeAll(keepingCapacity: true)
                return true
            case .jump(let target):
                stack.append(target)
            case .split(let first, let second):
                stack.append(second)
                stack.append(first)
            case .assert(let assertion):
                if assertion.holds(at: position, in: text) { stack.append(pc + 1) }
            case .scalar, .any, .set:
                break
            }
        }
        return false
    }

    /// Simple case folding: the scalar's lower-case form when that is one scalar.
    static func fold(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        if scalar.isASCII {
            let value = scalar.value
            return value >= 0x41 && value <= 0x5A ? Unicode.Scalar(value | 0x20)! : scalar
        }
        let lower = scalar.properties.lowercaseMapping.unicodeScalars
        return lower.count == 1 ? lower.first! : scalar
    }

    /// Whether the scalar is a word character for `\w` and `\b`.
    static func isWord(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            let value = scalar.value
            return (value >= 0x30 && value <= 0x39) || (value >= 0x41 && value <= 0x5A)
                || (value >= 0x61 && value <= 0x7A) || value == 0x5F
        }
        let properties = scalar.properties
        switch properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark, .connectorPunctuation: return true
        default: return properties.isAlphabetic || properties.numericType != nil
        }
    }

    static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.numericType == .decimal
    }

    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isWhitespace
    }
}

extension LinearRegex {
    enum Instruction: Sendable {
        /// One scalar, already case-folded.
        case scalar(Unicode.Scalar)
        /// Any scalar but a line feed.
        case any
        case set(ScalarSet)
        case assert(Assertion)
        case split(Int, Int)
        case jump(Int)
        case match
    }

    enum Assertion: Sendable {
        case start, end, wordBoundary, notWordBoundary

        func holds(at position: Int, in text: [Unicode.Scalar]) -> Bool {
            switch self {
            case .start: return position == 0
            case .end: return position == text.count
            case .wordBoundary, .notWordBoundary:
                let before = position > 0 && LinearRegex.isWord(text[position - 1])
                let after = position < text.count && LinearRegex.isWord(text[position])
                return (before != after) == (self == .wordBoundary)
            }
        }
    }

    /// A bracketed class or a class escape.
    struct ScalarSet: Sendable {
        enum Item: Sendable {
            case range(UInt32, UInt32)
            case digit(Bool)
            case word(Bool)
            case space(Bool)
        }

        var items: [Item] = []
        var negated = false

        func contains(_ scalar: Unicode.Scalar, folded: Unicode.Scalar) -> Bool {
            var found = false
            for item in items where !found {
                switch item {
                case .range(let low, let high):
                    // Case-insensitive: the scalar, its lower-case and its upper-case form.
                    found = (low...high).contains(scalar.value) || (low...high).contains(folded.value)
                    if !found, scalar.isASCII, scalar.value >= 0x61, scalar.value <= 0x7A {
                        found = (low...high).contains(scalar.value & 0xDF)
                    }
                case .digit(let positive): found = LinearRegex.isDigit(scalar) == positive
                case .word(let positive): found = LinearRegex.isWord(scalar) == positive
                case .space(let positive): found = LinearRegex.isSpace(scalar) == positive
                }
            }
            return found != negated
        }
    }

    /// A sparse set of program counters: insertion, membership and clearing in O(1).
    struct ThreadList {
        private(set) var members: [Int] = []
        private var slot: [Int]

        init(capacity: Int) {
            slot = Array(repeating: -1, count: capacity)
            members.reserveCapacity(capacity)
        }

        mutating func insert(_ pc: Int) -> Bool {
            let index = slot[pc]
            if index >= 0, index < members.count, members[index] == pc { return false }
            slot[pc] = members.count
            members.append(pc)
            return true
        }

        mutating func clear() { members.removeAll(keepingCapacity: true) }
    }

    /// A pattern Perch cannot use, with what is wrong in words a flow author can act on.
    struct SyntaxError: Error, CustomStringConvertible {
        var message: String
        /// Offset in the pattern, in characters.
        var offset: Int
        var description: String { "\(message) (at character \(offset + 1) of the pattern)" }
    }
}
