import MicroHTTP
import Testing

@Suite struct HTTPHeadersTests {
    @Test func lookupIgnoresCaseAndReturnsTheFirstValue() {
        var headers = HTTPHeaders([("Content-Type", "application/json")])
        headers.add(name: "X-Trace", value: "one")
        headers.add(name: "x-trace", value: "two")
        #expect(headers["content-type"] == "application/json")
        #expect(headers["CONTENT-TYPE"] == "application/json")
        #expect(headers["X-TRACE"] == "one")
        #expect(headers.values(for: "x-Trace") == ["one", "two"])
        #expect(headers["Content-Typ"] == nil)
        #expect(headers["Content-Typee"] == nil)
    }

    @Test func iterationKeepsOrderAndSpelling() {
        let headers = HTTPHeaders([("B", "1"), ("a", "2"), ("C-d", "3")])
        #expect(headers.map(\.name) == ["B", "a", "C-d"])
        #expect(headers.map(\.value) == ["1", "2", "3"])
    }

    @Test func onlyLettersFoldCase() {
        // '@' (0x40) and '`' (0x60) differ only in the case bit but are not letters.
        #expect(HTTPHeaders([("a@", "x")])["a`"] == nil)
        #expect(HTTPHeaders([("x[", "x")])["x{"] == nil)
    }

    @Test func replaceOrAddKeepsOneField() {
        var headers = HTTPHeaders([("Connection", "keep-alive"), ("connection", "x")])
        headers.replaceOrAdd(name: "Connection", value: "close")
        #expect(headers.values(for: "connection") == ["close"])
    }
}

@Suite struct ServerRequestTests {
    @Test func splitsTargetAtTheFirstQuestionMarkAndKeepsTheRawQuery() {
        let request = ServerRequest(method: "GET", target: "/a%2Fb?z=1&a=%20x+y&z=2&flag&e=&q=a?b")
        #expect(request.path == "/a%2Fb")
        #expect(request.query == "z=1&a=%20x+y&z=2&flag&e=&q=a?b")
        #expect(request.queryItems.map(\.name) == ["z", "a", "z", "flag", "e", "q"])
        #expect(request.queryItems.map(\.value) == ["1", " x y", "2", "", "", "a?b"])
    }

    @Test func noQuery() {
        let request = ServerRequest(method: "GET", target: "/plain")
        #expect(request.path == "/plain")
        #expect(request.query == "")
        #expect(request.queryItems.isEmpty)
    }

    @Test func malformedEscapesAreKept() {
        let request = ServerRequest(method: "GET", target: "/?a=%zz&b=%4&c=%41%c3%a9")
        #expect(request.queryItems.map(\.value) == ["%zz", "%4", "Aé"])
    }

    @Test func responseHelpersSetContentType() {
        #expect(ServerResponse.json(201, "{}").headers["content-type"] == "application/json")
        #expect(ServerResponse.json(201, "{}").body == Array("{}".utf8))
        #expect(ServerResponse.text(404, "no").headers["Content-Type"]?.hasPrefix("text/plain") == true)
        #expect(ServerResponse.text(404, "no").status == 404)
    }
}
