import Synchronization
import YAML

/// One keyword of a rule, normalized once when the flow loads.
struct Keyword: Sendable {
    var source: String
    var mark: Mark
    var tokens: [String]
    var normalized: String
    var regex: RegexBox?

    init(source: String, mark: Mark, regex: RegexBox? = nil) {
        self.source = source
        self.mark = mark
        tokens = TextNormalizer.tokens(source)
        normalized = tokens.joined(separator: " ")
        self.regex = regex
    }

    func matches(_ text: NormalizedText, raw: String, mode: MatchMode) -> Bool {
        switch mode {
        case .phrase: text.containsPhrase(tokens)
        case .exact: text.joined == normalized
        case .prefix: text.joined.hasPrefix(normalized) && !normalized.isEmpty
        case .contains: !normalized.isEmpty && text.joined.contains(normalized)
        case .regex: regex?.matches(raw) ?? false
        }
    }
}

/// The `keywords` condition: a list (any of them), or `any`/`all`/`none`.
struct KeywordCondition: Sendable {
    var any: [Keyword]
    var all: [Keyword]
    var none: [Keyword]
    var mode: MatchMode

    /// `nil` when it holds, else why not.
    func failure(_ text: NormalizedText?, raw: String?) -> String? {
        guard let text, let raw else { return "keywords: the event has no text" }
        if !any.isEmpty, !any.contains(where: { $0.matches(text, raw: raw, mode: mode) }) {
            return "keywords: none of \(Self.list(any)) in the text (\(mode.rawValue))"
        }
        if let missing = all.first(where: { !$0.matches(text, raw: raw, mode: mode) }) {
            return "keywords: '\(missing.source)' is not in the text (all of \(Self.list(all)) needed)"
        }
        if let found = none.first(where: { $0.matches(text, raw: raw, mode: mode) }) {
            return "keywords: the text has '\(found.source)', which is excluded (none)"
        }
        return nil
    }

    static func list(_ keywords: [Keyword]) -> String {
        let shown = keywords.prefix(5).map { "'\($0.source)'" }.joined(separator: ", ")
        return "[" + shown + (keywords.count > 5 ? ", ... \(keywords.count - 5) more" : "") + "]"
    }

    /// For the index: alternatives of which one must be fully present in the text, each a list of
    /// words (all of them needed); `nil` when the condition cannot be indexed that way.
    var requiredWords: [[String]]? {
        guard mode == .phrase || mode == .exact else { return nil }
        if !any.isEmpty {
            let alternatives = any.map(\.tokens)
            return alternatives.allSatisfy({ !$0.isEmpty }) ? alternatives : nil
        }
        if !all.isEmpty {
            let words = all.flatMap(\.tokens)
            return words.isEmpty ? nil : [words]
        }
        return nil
    }
}

/// A compiled `regex` (condition or keyword), searched in linear time.
struct RegexBox: Sendable {
    let source: String
    let regex: LinearRegex

    init(_ source: String) throws(LinearRegex.SyntaxError) {
        self.source = source
        regex = try LinearRegex(source)
    }

    func matches(_ text: String) -> Bool {
        search(text) == .found
    }

    /// Searches `text`; a text too long to search counts (and is counted) as no match.
    func search(_ text: String) -> LinearRegex.Outcome {
        let outcome = regex.search(text)
        if outcome == .textTooLong { RegexBox.textsTooLong.add(1, ordering: .relaxed) }
        return outcome
    }

    /// Texts not searched because they were over ``LinearRegex/maximumTextLength``, for `/metrics`.
    static let textsTooLong = Atomic<Int>(0)
}
