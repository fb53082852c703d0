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
        // Most messages are ASCII: they need neither folding nor Unicode property lookups, which
        // cost more than everything else a decision does.
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return asciiTokens(text) }
        let folded = text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
        return unicodeTokens(folded)
    }

    private static func asciiTokens(_ text: String) -> [String] {
        var tokens: [String] = []
        var word: [UInt8] = []
        word.reserveCapacity(16)
        for byte in text.utf8 {
            if let folded = foldASCII(byte) {
                if folded != 0 { word.append(folded) }
            } else if !word.isEmpty {
                tokens.append(String(decoding: word, as: UTF8.self))
                word.removeAll(keepingCapacity: true)
            }
        }
        if !word.isEmpty { tokens.append(String(decoding: word, as: UTF8.self)) }
        return tokens
    }

    /// A lower-case letter or digit; 0 for an apostrophe ("what's" is the word "whats"); nil for a separator.
    @inline(__always)
    private static func foldASCII(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 65...90: byte + 32
        case 97...122, 48...57: byte
        case 39: 0
        default: nil
        }
    }

    private static func unicodeTokens(_ folded: String) -> [String] {
        var tokens: [String] = []
        var word = String.UnicodeScalarView()
        func flush() {
            if !word.isEmpty {
                tokens.append(String(word))
                word = String.UnicodeScalarView()
            }
        }
        let scalars = Array(folded.unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            if scalar.isASCII {
                if let byte = foldASCII(UInt8(scalar.value)) {
                    if byte != 0 { word.append(Unicode.Scalar(byte)) }
                } else {
                    flush()
                }
                continue
            }
            // Variation selectors, skin tones and joiners do not change what an emoji says.
            if scalar.value == 0xFE0F || scalar.value == 0x200D || (0x1F3FB...0x1F3FF).contains(scalar.value) {
                continue
            }
            let properties = scalar.properties
            let nextIsEmojiSelector = index + 1 < scalars.count && scalars[index + 1].value == 0xFE0F
            if properties.isEmojiPresentation || (properties.isEmoji && nextIsEmojiSelector) {
                flush()
                tokens.append(String(scalar))  // an emoji is a word of its own
            } else if properties.isAlphabetic || properties.numericType != nil {
                word.append(scalar)
            } else if [.nonspacingMark, .spacingMark, .enclosingMark].contains(properties.generalCategory) {
                continue  // a combining accent left by folding: part of the letter before it
            } else if scalar == "\u{2019}" {
                continue  // typographic apostrophe
            } else {
                flush()
            }
        }
        flush()
        return tokens
    }
}
