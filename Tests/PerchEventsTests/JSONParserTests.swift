import PerchEvents
import Testing

@Suite struct JSONParserTests {
    @Test func parsesEveryKindOfValue() throws {
        let value = try JSONValue.parse(
            Array(
                #" {"a":[1,-2.5,3e2,0,-0.0,1E-2],"b":{"c":null,"d":true,"e":false},"f":"x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00","f":"last"} "#
                    .utf8))
        #expect(
            value["a"] == .array([.number(1), .number(-2.5), .number(300), .number(0), .number(-0.0), .number(0.01)]))
        #expect(value["b"] == .object(["c": .null, "d": .bool(true), "e": .bool(false)]))
        // Duplicate members: the last one wins.
        #expect(value["f"] == .string("last"))
        #expect(
            try JSONValue.parse(Array(#""x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00""#.utf8))
                == .string("x\"\\/\u{8}\u{c}\n\r\té😀"))
        #expect(try JSONValue.parse(Array("\"日本語 ✨\"".utf8)) == .string("日本語 ✨"))
        #expect(try JSONValue.parse(Array("31612345678".utf8)).stringValue == "31612345678")
        #expect(try JSONValue.parse(Array("12345678901234567890".utf8)) == .number(1.2345678901234567e19))
    }

    @Test(arguments: [
        "{", "}", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "01", "1.", "-", "1e", ".5", "+1", "tru", "nul",
        "\"\\x\"", "\"\\u12\"", "\"\\ud83d\"", "\"\\ude00\"", "\"a\nb\"", "\"open", "[1] 2", "NaN", "Infinity",
    ])
    func rejectsInvalidJSON(_ text: String) {
        #expect(throws: DecodeError.self) { try JSONValue.parse(Array(text.utf8)) }
    }

    @Test func rejectsInvalidUTF8AndDeepNesting() {
        #expect(throws: DecodeError.self) { try JSONValue.parse([0x22, 0xC3, 0x28, 0x22]) }
        #expect(throws: DecodeError.self) { try JSONValue.parse([0x22, 0xED, 0xA0, 0x80, 0x22]) }
        let deep = Array((String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)).utf8)
        #expect(throws: DecodeError.self) { try JSONValue.parse(deep) }
        let fine = Array((String(repeating: "[", count: 100) + String(repeating: "]", count: 100)).utf8)
        #expect(throws: Never.self) { try JSONValue.parse(fine) }
    }
}
