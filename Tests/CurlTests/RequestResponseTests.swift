import Curl
import MicroHTTP
import Testing

@Suite("Requests and responses")
struct RequestResponseTests {
    @Test func binaryPostBodyArrivesIntactWithHeaders() async throws {
        // Every byte value, NUL and CR LF included, twice.
        let body = (0..<512).map { UInt8(truncatingIfNeeded: $0) }
        try await withServerAndClient(handler: { request in
            ServerResponse(status: 200, body: request.body)
        }) { server, client in
            let response = try await client.execute(
                ClientRequest(
                    method: "POST", url: server.url("/upload?kind=raw"),
                    headers: [("Content-Type", "application/octet-stream"), ("X-Perch-Test", "yes"), ("X-Empty", "")],
                    body: body))
            #expect(response.status == 200)
            #expect(response.body == body)

            let received = try #require(await server.log.requests.first)
            #expect(received.method == "POST")
            #expect(received.path == "/upload")
            #expect(received.query == "kind=raw")
            #expect(received.body == body)
            #expect(received.headers["content-type"] == "application/octet-stream")
            #expect(received.headers["x-perch-test"] == "yes")
            #expect(received.headers["x-empty"] == "")
            #expect(received.headers["content-length"] == "512")
            #expect(received.headers["expect"] == nil)
        }
    }

    @Test func largeBodyIsSentWithoutExpectContinue() async throws {
        // libcurl would send `Expect: 100-continue` for bodies over 1 MiB and wait for the server.
        let body = [UInt8](repeating: 0, count: 900_000) + [UInt8](repeating: 7, count: 300_000)
        // The test server caps bodies at 1 MiB; this one takes more.
        let big = HTTPServer(
            configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0, maxBodySize: 4 << 20)
        ) { request in
            ServerResponse(
                status: request.headers["expect"] == nil ? 200 : 417,
                body: request.body == body ? Array("same".utf8) : Array("different".utf8))
        }
        try big.start()
        let client = HTTPClient()
        let response = try await client.execute(
            ClientRequest(method: "PATCH", url: "http://127.0.0.1:\(big.port)/", body: body))
        #expect(response.status == 200)
        #expect(response.body == Array("same".utf8))
        await client.shutdown()
        await big.shutdown()
    }

    @Test func bodyWithoutContentTypeIsNotLabelledAsAForm() async throws {
        try await withServerAndClient { server, client in
            _ = try await client.execute(ClientRequest(method: "POST", url: server.url(), body: Array("a=b".utf8)))
            _ = try await client.execute(ClientRequest(method: "POST", url: server.url()))
            let received = await server.log.requests
            #expect(received.count == 2)
            #expect(received.allSatisfy { $0.headers["content-type"] == nil })
            #expect(received.map(\.body) == [Array("a=b".utf8), []])
            #expect(received.last?.headers["content-length"] == "0")
        }
    }

    @Test(arguments: ["GET", "POST", "PATCH", "DELETE", "PUT", "HEAD"])
    func methodIsSentAsGiven(method: String) async throws {
        try await withServerAndClient { server, client in
            let response = try await client.execute(ClientRequest(method: method, url: server.url("/m")))
            #expect(response.status == 200)
            #expect(response.body == (method == "HEAD" ? [] : Array("ok".utf8)))
            #expect(await server.log.requests.map(\.method) == [method])
        }
    }

    @Test func statusAndHeadersAreReadBack() async throws {
        try await withServerAndClient(handler: { _ in
            ServerResponse(
                status: 429,
                headers: HTTPHeaders([("Retry-After", "7"), ("X-Trace", "one"), ("X-Trace", "two")]),
                body: Array("slow down".utf8))
        }) { server, client in
            let response = try await client.execute(ClientRequest(url: server.url()))
            #expect(response.status == 429)
            #expect(response.header("retry-after") == "7")
            #expect(response.header("RETRY-AFTER") == "7")
            #expect(response.header("x-trace") == "one")
            #expect(response.headers.filter { $0.name == "X-Trace" }.map(\.value) == ["one", "two"])
            #expect(response.headers.contains { $0.name == "Retry-After" })
            #expect(response.header("missing") == nil)
            #expect(response.body == Array("slow down".utf8))
        }
    }
}
