import Foundation

/// Text as keyword matching sees it: Unicode case folded, accents removed, punctuation and runs of
/// spaces dropped, split into words. Emoji are kept, each as a word of its own, so that a keyword
/// can be an emoji and "price💰" still has the word "price".
struct NormalizedText: Sendable, Hashable {
    /// The words in order.
    var tokens: [String]
    /// The words joined by single spaces: the form `exact`, `prefix` and `contains` compare.
    var joined: String

    init(_ text: String) {
        tokens = TextNormalizer.tokens(text)
        joined = tokens.joined(separator: " ")
    }

    /// Whether `phrase` occurs as whole consecutive words.
    func containsPhrase(_ phrase: [String]) -> Bool {
        guard let first = phrase.first, phrase.count <= tokens.count else { return false }
        var index = 0
        while index <= tokens.count - phrase.count {
            if tokens[index] == first {
                var matched = true
                for offset in 1..<phrase.count where tokens[index + offset] != phrase[offset] {
                    matched = false
                    break
                }
                if matched { return true }
            }
            index += 1
        }
        return false
    }
}

enum TextNormalizer {
    /// Case folding (Unicode-aware, `ß` becomes `ss`), accents and width folded, then split into words.
    static func tokens(_ text: String) -> [String] {
        let folded = text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
        var tokens: [String] = []
        var word = String.UnicodeScalarView()
        func flush() {
            if !word.isEmpty {
                tokens.append(String(word))
                word = String.UnicodeScalarView()
            }
        }
        for character in folded {
            if isEmoji(character) {
                flush()
                var emoji = String.UnicodeScalarView()
                // Variation selectors and skin tones do not change what the emoji says.
                for scalar in character.unicodeScalars
                where scalar.value != 0xFE0F && !(0x1F3FB...0x1F3FF).contains(scalar.value) {
                    emoji.append(scalar)
                }
                tokens.append(String(emoji))
                continue
            }
            for scalar in character.unicodeScalars {
                let properties = scalar.properties
                if properties.isAlphabetic || properties.numericType != nil {
                    word.append(scalar)
                } else if properties.generalCategory == .nonspacingMark
                    || properties.generalCategory == .spacingMark || properties.generalCategory == .enclosingMark
                {
                    continue  // a combining accent left by folding: part of the letter before it
                } else if scalar == "'" || scalar == "\u{2019}" {
                    continue  // "what's" is the word "whats", not "what" and "s"
                } else {
                    flush()
                }
            }
        }
        flush()
        return tokens
    }

    static func isEmoji(_ character: Character) -> Bool {
        guard let first = character.unicodeScalars.first else { return false }
        let properties = first.properties
        if properties.isEmojiPresentation { return true }
        // Text-default emoji (❤, ☀) count when an emoji variation selector follows.
        return properties.isEmoji && first.value > 0xFF && character.unicodeScalars.contains { $0.value == 0xFE0F }
    }
}
