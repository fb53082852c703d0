import Curl
import MicroHTTP
import Testing

/// Bird at a distance: many calls in flight at once, over HTTP/2 as streams of one connection, over
/// HTTP/1.1 as a pool sized for them (issue 20).
@Suite("Calls in flight: HTTP/2 multiplexing and the HTTP/1.1 pool")
struct MultiplexingTests {
    static let inFlight = 50

    @Test(.enabled(if: TLSFront.isAvailable, "needs nginx and openssl"))
    func concurrentHTTPSRequestsAreStreamsOfOneConnection() async throws {
        let rendezvous = Rendezvous()
        let server = try TestServer { _ in
            await rendezvous.arriveAndWait()
            return .text(200, "ok")
        }
        let front = try await TLSFront(upstreamPort: server.server.port)
        let client = HTTPClient(
            configuration: .sized(forInFlight: 64, base: HTTPClientConfiguration(caBundlePath: front.caPath)))
        defer {
            front.stop()
        }
        let responses = try await withThrowingTaskGroup(of: ClientResponse.self) { group in
            for index in 0..<Self.inFlight {
                group.addTask {
                    try await client.execute(
                        ClientRequest(method: "POST", url: front.url("/send/\(index)"), body: Array("hello".utf8)))
                }
            }
            // All of them are at the stand-in at once before any is answered.
            try await withDeadline(.seconds(20)) { await rendezvous.waitForArrivals(Self.inFlight) }
            await rendezvous.release()
            return try await group.reduce(into: []) { $0.append($1) }
        }
        await client.shutdown()
        await server.server.shutdown()
        #expect(responses.count == Self.inFlight)
        #expect(responses.allSatisfy { $0.status == 200 && $0.httpVersion == "2" })
        // Without waiting for a multiplexed stream, each request found no usable connection yet
        // and opened its own (up to the per-host limit).
        let opened = responses.reduce(0) { $0 + $1.connectionsOpened }
        #expect(opened >= 1 && opened <= 2, "connections opened: \(opened)")
    }

    @Test func plainHTTPKeepsAConnectionPerCallInFlight() async throws {
        let rendezvous = Rendezvous()
        try await withServerAndClient(
            configuration: .sized(forInFlight: Self.inFlight),
            handler: { _ in
                await rendezvous.arriveAndWait()
                return .text(200, "ok")
            }
        ) { server, client in
            let responses = try await withThrowingTaskGroup(of: ClientResponse.self) { group in
                for index in 0..<Self.inFlight {
                    group.addTask { try await client.execute(ClientRequest(url: server.url("/n/\(index)"))) }
                }
                // With the old fixed pool of 8 only 8 would ever arrive.
                try await withDeadline(.seconds(20)) { await rendezvous.waitForArrivals(Self.inFlight) }
                await rendezvous.release()
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(responses.allSatisfy { $0.status == 200 && $0.httpVersion == "1.1" })
            #expect(server.connectionsAccepted == Self.inFlight)
        }
    }

    @Test(.enabled(if: TLSFront.isAvailable, "needs nginx and openssl"))
    func aResetStreamIsAFailureTheServerMayHaveActedOn() async throws {
        let server = try TestServer { _ in .text(200, "ok") }
        let front = try await TLSFront(upstreamPort: server.server.port)
        let client = HTTPClient(configuration: HTTPClientConfiguration(caBundlePath: front.caPath))
        defer { front.stop() }
        // nginx answers this location by closing the request: over HTTP/2 a reset of its stream.
        let result = await Result(catching: {
            try await client.execute(
                ClientRequest(method: "POST", url: front.url("/_front/reset"), body: Array("send".utf8)))
        })
        await client.shutdown()
        await server.server.shutdown()
        let error = try #require(result.failure as? HTTPClientError)
        #expect(error == .streamReset)
        #expect(error.mayHaveReachedServer)
        #expect(!HTTPClientError.connectFailed.mayHaveReachedServer)
    }
}

extension Result where Failure == any Error {
    fileprivate var failure: (any Error)? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
