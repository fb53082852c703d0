/// How keywords are compared with a message (both sides normalized first).
public enum MatchMode: String, Sendable, Hashable, CaseIterable {
    /// Whole words and phrases anywhere in the message (the default): "price" matches "the price?"
    /// but not "priceless".
    case phrase
    /// The whole message is the keyword.
    case exact
    /// The message starts with the keyword.
    case prefix
    /// The keyword appears anywhere, also inside words ("price" matches "priceless").
    case contains
    /// Each keyword is a regular expression, matched case-insensitively against the message as written.
    case regex
}
