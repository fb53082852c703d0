import Curl
import Testing

@Suite("Failures")
struct FailureTests {
    @Test func serverThatNeverAnswersHitsTheRequestTimeout() async throws {
        let listener = try RawListener(listening: true)
        // The configured default is long: the request's own timeout must win.
        let client = HTTPClient(configuration: HTTPClientConfiguration(requestTimeout: .seconds(30)))
        defer { withExtendedLifetime(listener) {} }
        let clock = ContinuousClock()
        let start = clock.now
        let error = await #expect(throws: HTTPClientError.timeout) {
            try await client.execute(ClientRequest(url: listener.url("/slow"), timeout: .milliseconds(300)))
        }
        let elapsed = clock.now - start
        #expect(elapsed >= .milliseconds(290))
        #expect(elapsed < .seconds(10))
        #expect(error?.isTimeout == true)
        #expect(error?.message.contains("/slow") == true)
        await client.shutdown()
    }

    @Test func configuredRequestTimeoutAppliesWithoutAPerRequestOne() async throws {
        let listener = try RawListener(listening: true)
        let client = HTTPClient(configuration: HTTPClientConfiguration(requestTimeout: .milliseconds(200)))
        await #expect(throws: HTTPClientError.timeout) {
            try await client.execute(ClientRequest(url: listener.url()))
        }
        withExtendedLifetime(listener) {}
        await client.shutdown()
    }

    @Test func refusedConnectionIsConnectFailed() async throws {
        let closedPort = try RawListener(listening: false)
        let client = HTTPClient()
        let error = await #expect(throws: HTTPClientError.connectFailed) {
            try await client.execute(ClientRequest(url: closedPort.url()))
        }
        #expect(error?.isConnectFailed == true)
        #expect(error?.description.contains("connectFailed") == true)
        withExtendedLifetime(closedPort) {}
        await client.shutdown()
    }

    @Test func unknownHostIsHostNotFound() async throws {
        let client = HTTPClient()
        await #expect(throws: HTTPClientError.hostNotFound) {
            try await client.execute(ClientRequest(url: "http://perch-no-such-host.invalid/"))
        }
        await client.shutdown()
    }

    @Test(arguments: [
        ClientRequest(url: "not a url"),
        ClientRequest(url: "file:///etc/passwd"),
        ClientRequest(method: "GET /x", url: "http://127.0.0.1:1/"),
        ClientRequest(url: "http://127.0.0.1:1/", headers: [("X-Evil", "a\r\nInjected: yes")]),
        ClientRequest(url: "http://127.0.0.1:1/", headers: [("Bad Name", "x")]),
    ])
    func malformedRequestsAreRejectedBeforeSending(request: ClientRequest) async throws {
        let client = HTTPClient()
        await #expect(throws: HTTPClientError.invalidRequest) {
            try await client.execute(request)
        }
        await client.shutdown()
    }

    @Test func oversizedResponseBodyIsRejected() async throws {
        try await withServerAndClient(
            configuration: HTTPClientConfiguration(maxResponseBodySize: 1000),
            handler: { _ in .text(200, String(repeating: "x", count: 5000)) }
        ) { server, client in
            await #expect(throws: HTTPClientError.responseTooLarge) {
                try await client.execute(ClientRequest(url: server.url()))
            }
            // The client stays usable afterwards.
            let small = HTTPClient(configuration: HTTPClientConfiguration(maxResponseBodySize: 5000))
            let response = try await small.execute(ClientRequest(url: server.url()))
            #expect(response.body.count == 5000)
            await small.shutdown()
        }
    }

    @Test func errorsCompareByKindNotMessage() {
        #expect(HTTPClientError.timeout == HTTPClientError.timeout)
        #expect(HTTPClientError.timeout != HTTPClientError.connectFailed)
        #expect(HTTPClientError.shutdown.isShutdown)
        #expect(!HTTPClientError.shutdown.isTimeout)
    }
}
