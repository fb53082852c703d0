import Testing

@testable import Curl

@Suite("Response head parsing")
struct ResponseHeadLineTests {
    private func parse(_ text: String) -> ResponseHeadLine {
        Array(text.utf8).withUnsafeBytes { ResponseHeadLine($0) }
    }

    @Test func statusLinesStartANewResponse() {
        #expect(parse("HTTP/1.1 200 OK\r\n") == .status)
        #expect(parse("HTTP/2 429\r\n") == .status)
    }

    @Test func fieldsKeepTheirSpellingAndLoseSurroundingBlanks() {
        #expect(parse("Retry-After: 7\r\n") == .field(name: "Retry-After", value: "7"))
        #expect(parse("X-A:\t spaced value \t\r\n") == .field(name: "X-A", value: "spaced value"))
        #expect(parse("X-Empty:\r\n") == .field(name: "X-Empty", value: ""))
        #expect(parse("Location: http://h/p?a=b:c\r\n") == .field(name: "Location", value: "http://h/p?a=b:c"))
    }

    @Test func blankLineEndsTheHead() {
        #expect(parse("\r\n") == .end)
        #expect(parse("\n") == .end)
    }

    @Test func foldedAndMalformedLinesAreIgnored() {
        #expect(parse(" continued\r\n") == .other)
        #expect(parse("no colon here\r\n") == .other)
    }

    @Test func durationsBecomeAtLeastOneMillisecond() {
        #expect(Duration.milliseconds(300).curlMilliseconds == 300)
        #expect(Duration.seconds(2).curlMilliseconds == 2000)
        #expect(Duration.microseconds(10).curlMilliseconds == 1)
        #expect(Duration.zero.curlMilliseconds == 1)
        #expect(Duration.seconds(Int64.max).curlMilliseconds == Int.max)
    }
}
