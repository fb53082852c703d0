import Testing

@testable import PerchEvents

@Suite struct JSONSerializationTests {
    static let trickyStrings: [String] = [
        "",
        "plain ascii",
        #"quote " inside"#,
        #"\"#,
        #"back\slash and "both" at \the\ "ends""#,
        "\"\"\"",
        "line\nfeed\rreturn\ttab",
        String((0..<0x20).map { Character(Unicode.Scalar(UInt8($0))) }),
        "del \u{7F} stays",
        "\0 nul first",
        "last nul \0",
        "héllo wörld — ünïcode",
        "日本語のテキスト",
        "emoji 👍🏽 and family 👨‍👩‍👧 and flag 🇳🇱",
        "combining e\u{301} and precomposed \u{E9}",
        "separators \u{2028}\u{2029} are not escaped",
        "\u{1F600}\n\u{1F600}\"\u{1F600}",
        "\r\n",
        String(repeating: "long run without escapes ", count: 40) + "\u{1}",
    ]

    @Test(arguments: trickyStrings)
    func stringsSerializeAsBefore(text: String) throws {
        let value = JSONValue.string(text)
        #expect(value.serialized() == Self.reference(value))
        #expect(value.serializedBytes() == Array(Self.reference(value).utf8))
        // And the text reads back as itself.
        #expect(try JSONValue(parsing: value.serialized()) == value)
    }

    @Test func escapesAreTheShortOnesOrLowerCaseHex() {
        let text = JSONValue.string("a\"b\\c\nd\re\tf\u{1}g\u{1F}h\u{8}").serialized()
        #expect(text == #""a\"b\\c\nd\re\tf\u0001g\u001fh\u0008""#)
    }

    @Test func numbersAndNestingSerializeAsBefore() {
        let numbers: [Double] = [
            0, -0.0, 1, -3, 1.5, 0.1, 1e-7, 123_456_789_012_345, 1e15, 1e16, -1e15, 2.5e300, .infinity, -.infinity,
            .nan,
        ]
        let value = JSONValue.object([
            "numbers": .array(numbers.map(JSONValue.number)),
            "zeta": .object(["b": .bool(true), "a": .bool(false), "é": .null, "Z": .string("upper")]),
            "alpha": .array([.object([:]), .array([]), .object(["only": .string("one \"member\"")])]),
            "ünïcode key": .string("v"),
            "10": .number(10), "9": .number(9),
        ])
        #expect(value.serialized() == Self.reference(value))
    }

    @Test func objectKeysAreSorted() {
        let value = JSONValue.object(["b": .number(2), "a": .number(1), "c": .object(["y": .null, "x": .null])])
        #expect(value.serialized() == #"{"a":1,"b":2,"c":{"x":null,"y":null}}"#)
    }

    /// The serializer as it was before it wrote bytes (one scalar at a time into a `String`):
    /// the output must stay exactly the same.
    static func reference(_ value: JSONValue) -> String {
        var out = ""
        write(value, to: &out)
        return out
    }

    private static func write(_ value: JSONValue, to out: inout String) {
        switch value {
        case .null: out += "null"
        case .bool(let flag): out += flag ? "true" : "false"
        case .number(let number):
            if number.rounded() == number, abs(number) < 1e15 {
                out += String(Int64(number))
            } else if number.isFinite {
                out += String(number)
            } else {
                out += "null"
            }
        case .string(let text): writeString(text, to: &out)
        case .array(let elements):
            out += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { out += "," }
                write(element, to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { out += "," }
                writeString(key, to: &out)
                out += ":"
                write(members[key]!, to: &out)
            }
            out += "}"
        }
    }

    private static func writeString(_ text: String, to out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u00" + String(repeating: "0", count: max(0, 2 - hex.count)) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
