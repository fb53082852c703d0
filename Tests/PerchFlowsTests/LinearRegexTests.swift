import Foundation
import Testing

@testable import PerchFlows

/// The flow language's regex engine: the same answers as Swift's `Regex` on the subset it takes,
/// linear time on the patterns that make backtracking engines stall, and clear refusals.
@Suite struct LinearRegexTests {
    static let cases: [(String, String)] = [
        (#"\b[0-9]{6,}\b"#, "my order is 1234567 thanks"), (#"\b[0-9]{6,}\b"#, "order 12345"),
        (#"^(hi|hello)\b"#, "Hello there"), (#"^(hi|hello)\b"#, "oh hi"), (#"ord(er)?\s*\d+"#, "ORDER 42"),
        (#"ord(er)?\s*\d+"#, "ord42"), (#"order #?[0-9]{5}"#, "order #12345"), ("^$", ""), ("^$", "x"),
        (#"colou?r"#, "What COLOR?"), (#"[^a-z ]"#, "only letters"), (#"[^a-z ]"#, "letters!"),
        (#"a{2,3}$"#, "caaa"), (#"^a{2,3}$"#, "aaaa"), (#"x*"#, ""), (#"(a|b)*c"#, "ababc"),
        (#"\Bel"#, "hello"), (#"\bel"#, "hello"), (#"\w+@\w+\.com"#, "mail bob@example.com now"),
        (#"^\s*$"#, "   "), (#"\."#, "a.b"), (#"\."#, "ab"), (#"[A-F]+"#, "cafe"), (#"caf[eé]"#, "CAFÉ"),
        (#"^(?:yes|y)$"#, "Y"), (#"end$"#, "the end\n"), (#"^.+$"#, "two\nlines"), (#"a.c"#, "a\nc"),
        (#"\d{3}-\d{4}"#, "call 555-1234"), (#"[\d-]{5}"#, "12-34"), (#"^(\w+\s?)+$"#, "just some words"),
    ]

    @Test(arguments: cases)
    func agreesWithSwiftRegex(pattern: String, text: String) throws {
        let expected = try Regex(pattern).ignoresCase().firstMatch(in: text) != nil
        #expect((try LinearRegex(pattern).search(text) == .found) == expected, "/\(pattern)/ on '\(text)'")
    }

    /// The issue's reproduction: Swift's `Regex` takes exponential time here, this engine a few
    /// thousand steps.
    @Test func catastrophicPatternsFinish() throws {
        let text = String(repeating: "a", count: 34) + "!"
        #expect(try LinearRegex(#"^(\w+\s?)+$"#).search(text) == .notFound)
        #expect(try LinearRegex(#"^(a+)+$"#).search(text) == .notFound)
        #expect(try LinearRegex(#"^(a|a)*$"#).search(String(repeating: "a", count: 5000) + "!") == .notFound)
        #expect(try LinearRegex(#"(x+x+)+y"#).search(String(repeating: "x", count: 5000)) == .notFound)
    }

    @Test func tooLongTextIsNotSearched() throws {
        let text = String(repeating: "a", count: LinearRegex.maximumTextLength + 1)
        #expect(try LinearRegex("a").search(text) == .textTooLong)
        #expect(try LinearRegex("a").search(String(text.dropLast())) == .found)
    }

    @Test(arguments: [
        (#"(a)\1"#, "backreferences"), ("a(?=b)", "lookahead"), ("(?<!a)b", "lookbehind"), ("a++", "possessive"),
        ("(a", "missing ')'"), ("a)", "unmatched ')'"), ("[a-", "missing ']'"), ("*a", "nothing before it"),
        ("a{5,2}", "below the minimum"), ("a{2000}", "over 1000"), (#"\q"#, "unknown escape"),
        ("(a{1000}){1000}", "too large"),
    ])
    func refusesWhatItCannotRunInLinearTime(pattern: String, reason: String) {
        #expect {
            _ = try LinearRegex(pattern)
        } throws: { error in
            "\(error)".contains(reason)
        }
    }

    @Test func flagsNestedQuantifiers() throws {
        #expect(try LinearRegex(#"^(\w+\s?)+$"#).hasNestedQuantifier)
        #expect(try LinearRegex(#"(a*b)*"#).hasNestedQuantifier)
        #expect(try !LinearRegex(#"\b[0-9]{6,}\b"#).hasNestedQuantifier)
        #expect(try !LinearRegex(#"(ab?)+"#).hasNestedQuantifier)
    }

    /// `perch validate` prints flow warnings: a nested quantifier is one, at the pattern's place.
    @Test func validationWarnsOnNestedQuantifiers() {
        let found = diagnostics(
            "flow: f\nrules:\n  - id: words\n    when: { regex: \"^(\\\\w+\\\\s?)+$\" }\n    reply: x\n",
            file: "flows/words.yaml")
        let warning = found.first { $0.message.contains("nests quantifiers") }
        #expect(warning?.severity == .warning)
        #expect(warning?.description.hasPrefix("flows/words.yaml:4:") == true, "\(found)")
    }

    /// A rule whose text is too long to search does not fire, and explain says why.
    @Test func tooLongTextExplainsItself() throws {
        let set = try flowSet("flow: f\nrules:\n  - id: r\n    when: { regex: \"a\" }\n    reply: x\n")
        let before = RegexBox.textsTooLong.load(ordering: .relaxed)
        let decision = set.explain(
            MatchInput(event: message(String(repeating: "a", count: LinearRegex.maximumTextLength + 1)), now: Date()))
        #expect(decision.fired.isEmpty)
        #expect(decision.explanation.contains("not searched"), "\(decision.explanation)")
        #expect(RegexBox.textsTooLong.load(ordering: .relaxed) > before)
    }
}
