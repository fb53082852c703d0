import Foundation
import PerchEvents
import PerchFlows
import Testing

@Suite struct MatchModeTests {
    func rule(_ mode: String, _ keywords: String) throws -> FlowSet {
        try flowSet(
            "flow: f\nrules:\n  - id: r\n    match: \(mode)\n    when: { keywords: \(keywords) }\n    reply: x\n")
    }

    @Test func phraseIsTheDefaultAndMatchesWholeWords() throws {
        let set = try flowSet(
            "flow: f\nrules:\n  - id: r\n    when: { keywords: [price, opening times] }\n    reply: x\n")
        #expect(set.fired("what's the price?") == ["f/r"])
        #expect(set.fired("priceless") == [])
        #expect(set.fired("Opening   times, please") == ["f/r"])
        #expect(set.fired("times opening") == [])
    }

    @Test func exact() throws {
        let set = try rule("exact", "[stop]")
        #expect(set.fired("STOP!") == ["f/r"])
        #expect(set.fired("stop it") == [])
    }

    @Test func prefix() throws {
        let set = try rule("prefix", "[order]")
        #expect(set.fired("Orders?") == ["f/r"])
        #expect(set.fired("order 123") == ["f/r"])
        #expect(set.fired("my order") == [])
    }

    @Test func contains() throws {
        let set = try rule("contains", "[price]")
        #expect(set.fired("priceless") == ["f/r"])
        #expect(set.fired("pric") == [])
    }

    @Test func regex() throws {
        let set = try rule("regex", "['^(hi|hello)\\b', 'ord(er)?\\s*\\d+']")
        #expect(set.fired("Hello there") == ["f/r"])
        #expect(set.fired("ord 42") == ["f/r"])
        #expect(set.fired("say hello") == [])
    }

    @Test func flowLevelModeAndRuleOverride() throws {
        let set = try flowSet(
            """
            flow: f
            match: contains
            rules:
              - id: inside
                when: { keywords: [cost] }
                reply: x
              - id: words
                match: phrase
                when: { keywords: [free] }
                reply: y
            """)
        #expect(set.fired("costly") == ["f/inside"])
        #expect(set.fired("freebie") == [])
        #expect(set.fired("is it free") == ["f/words"])
    }
}

@Suite struct NormalizationTests {
    let set: FlowSet

    init() throws {
        set = try flowSet(
            """
            flow: f
            rules:
              - id: price
                when: { keywords: [preço, price] }
                reply: x
              - id: street
                when: { keywords: [straße] }
                reply: s
              - id: thumbs
                when: { keywords: ["👍"] }
                reply: t
              - id: whats
                when: { keywords: ["what's up"] }
                reply: w
            """)
    }

    @Test(arguments: ["PREÇO", "preco", "Preço?!", "qual o   preço...", "¿price?", "PRICE💰", "ｐｒｉｃｅ"])
    func foldsCaseAccentsPunctuationWidthAndEmoji(_ text: String) {
        #expect(set.fired(text) == ["f/price"])
    }

    @Test(arguments: ["priceless", "preços", "pri ce"])
    func wholeWordsOnly(_ text: String) {
        #expect(set.fired(text) == [])
    }

    @Test func caseFoldingIsUnicodeAware() {
        #expect(set.fired("STRASSE") == ["f/street"])
    }

    @Test func emojiAreWordsOfTheirOwn() {
        #expect(set.fired("great 👍🏽") == ["f/thumbs"])
        #expect(set.fired("great👍") == ["f/thumbs"])
    }

    @Test func apostrophesDoNotSplitWords() {
        #expect(set.fired("WHAT’S UP") == ["f/whats"])
        #expect(set.fired("whats up") == ["f/whats"])
    }
}

@Suite struct IndexTests {
    /// The index must never change the outcome: compare with the plain loop on many texts.
    @Test func indexedAndPlainLoopAgree() throws {
        var yaml = "flow: f\nchannels: [whatsapp, sms]\nrules:\n"
        let words = ["price", "hours", "agent", "refund", "menu", "delivery", "order", "help", "cost", "time"]
        for index in 0..<60 {
            let a = words[index % words.count]
            let b = words[(index * 7 + 3) % words.count]
            switch index % 6 {
            case 0: yaml += "  - id: r\(index)\n    when: { keywords: [\(a) \(b)\(index)] }\n    reply: x\n"
            case 1:
                yaml += "  - id: r\(index)\n    when: { keywords: { all: [\(a), \(b)] }, channel: sms }\n    reply: x\n"
            case 2:
                yaml +=
                    "  - id: r\(index)\n    match: prefix\n    when: { keywords: [\(b)\(index % 4)] }\n    reply: x\n"
            case 3:
                yaml +=
                    "  - id: r\(index)\n    when: { state: s\(index % 3), keywords: [\(a)] }\n    continue: true\n    set_state: s\(index % 3)\n"
            case 4:
                yaml +=
                    "  - id: r\(index)\n    when: { keywords: { none: [\(a)] }, first_message: false }\n    reply: x\n"
            default: yaml += "  - id: r\(index)\n    when: { event: conversation, keywords: [\(a)] }\n    reply: x\n"
            }
        }
        let set = try flowSet(yaml)
        var generator = SystemRandomNumberGenerator()
        for trial in 0..<400 {
            let count = Int.random(in: 0...4, using: &generator)
            let text = (0..<count).map { _ in
                let word = words.randomElement(using: &generator)!
                return Bool.random(using: &generator) ? word + String(Int.random(in: 0...60, using: &generator)) : word
            }.joined(separator: " ")
            let platform = ["whatsapp", "sms", "telegram"][trial % 3]
            let event = message(text, platform: platform, kind: trial % 5 == 0 ? .conversation : .message)
            let conversation = ConversationSnapshot(
                state: ["s0", "s1", "s2", nil][trial % 4], isFirstMessage: trial % 2 == 0)
            let input = MatchInput(event: event, now: noon, conversation: conversation)
            let indexed = set.decide(input).fired.map(\.key)
            #expect(indexed == set.decideWithoutIndex(input), "text: \(text), platform: \(platform)")
            let explained = set.explain(input)
            #expect(indexed == explained.fired.map(\.key))
            // The fast check and the reason-giving one agree: a rule that did not hold has a reason.
            #expect(!explained.trace.contains { $0.outcome == .notMatched("a condition did not hold") })
        }
    }
}
