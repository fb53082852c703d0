import Curl
import MicroHTTP
import Testing

/// The client keeps its libcurl easy handles for later requests without clearing all their
/// options: nothing one request set may show in the next one on the same handle.
@Suite("Easy handle reuse")
struct HandleReuseTests {
    @Test func eachRequestOnAReusedHandleCarriesOnlyItsOwnMethodBodyAndHeaders() async throws {
        try await withServerAndClient { server, client in
            // One after the other: every request runs on the handle the one before it used.
            let requests = [
                ClientRequest(
                    method: "POST", url: server.url("/1"),
                    headers: [("Content-Type", "text/plain"), ("X-First", "1")], body: Array("first".utf8)),
                ClientRequest(method: "DELETE", url: server.url("/2")),
                ClientRequest(method: "HEAD", url: server.url("/3"), headers: [("X-Third", "3")]),
                ClientRequest(url: server.url("/4")),
                ClientRequest(method: "PATCH", url: server.url("/5"), body: Array("fifth".utf8)),
                ClientRequest(method: "post", url: server.url("/6")),
                ClientRequest(method: "get", url: server.url("/7")),
                ClientRequest(method: "PUT", url: server.url("/8"), headers: [("X-Eighth", "")]),
            ]
            var bodies: [[UInt8]] = []
            for request in requests {
                let response = try await client.execute(request)
                #expect(response.status == 200)
                bodies.append(response.body)
            }
            // Only the HEAD response has no body: a HEAD left on the handle would empty the GET's.
            #expect(bodies == requests.map { $0.method == "HEAD" ? [] : Array("ok".utf8) })

            let received = await server.log.requests
            try #require(received.count == requests.count)
            #expect(received.map(\.method) == ["POST", "DELETE", "HEAD", "GET", "PATCH", "POST", "GET", "PUT"])
            #expect(received.map(\.path) == (1...8).map { "/\($0)" })
            #expect(received.map(\.body) == [Array("first".utf8), [], [], [], Array("fifth".utf8), [], [], []])
            #expect(received.map { $0.headers["content-length"] } == ["5", nil, nil, nil, "5", "0", nil, nil])
            #expect(
                received.map { $0.headers["content-type"] } == ["text/plain", nil, nil, nil, nil, nil, nil, nil])
            #expect(received.map { $0.headers["x-first"] } == ["1", nil, nil, nil, nil, nil, nil, nil])
            #expect(received.map { $0.headers["x-third"] } == [nil, nil, "3", nil, nil, nil, nil, nil])
            #expect(received.map { $0.headers["x-eighth"] } == [nil, nil, nil, nil, nil, nil, nil, ""])
            #expect(received.allSatisfy { $0.headers["expect"] == nil })
            #expect(server.connectionsAccepted == 1)
        }
    }

    @Test func aRequestTimeoutStaysWithItsRequest() async throws {
        // The handler takes its time on purpose: the delay is what the timeouts are measured
        // against, not a wait for something to happen.
        try await withServerAndClient(
            configuration: HTTPClientConfiguration(requestTimeout: .seconds(30)),
            handler: { request in
                if request.path == "/slow" {
                    try? await Task.sleep(for: .milliseconds(600))
                }
                return .text(200, request.path)
            }
        ) { server, client in
            _ = try await client.execute(ClientRequest(url: server.url("/warm")))
            await #expect(throws: HTTPClientError.timeout) {
                try await client.execute(ClientRequest(url: server.url("/slow"), timeout: .milliseconds(100)))
            }
            // The same handle again, with the client's 30 s: the 100 ms must not have stayed.
            let slow = try await client.execute(ClientRequest(url: server.url("/slow")))
            #expect(slow.body == Array("/slow".utf8))
            // And a short timeout still applies on a handle that ran a long one.
            await #expect(throws: HTTPClientError.timeout) {
                try await client.execute(ClientRequest(url: server.url("/slow"), timeout: .milliseconds(100)))
            }
        }
    }

    @Test func cancellingARequestOnAReusedHandleLeavesTheHandleUsable() async throws {
        let rendezvous = Rendezvous()
        try await withServerAndClient(handler: { request in
            if request.path == "/hang" {
                await rendezvous.arriveAndWait()
            }
            return .text(200, request.path)
        }) { server, client in
            // Held handlers must go before the server stops, also when a check below throws.
            do {
                try await cancelThreeTimes(server, client, rendezvous)
            } catch {
                await rendezvous.release()
                throw error
            }
            await rendezvous.release()
        }
    }

    private func cancelThreeTimes(_ server: TestServer, _ client: HTTPClient, _ rendezvous: Rendezvous) async throws {
        for round in 0..<3 {
            let warm = try await client.execute(ClientRequest(url: server.url("/warm/\(round)")))
            #expect(warm.body == Array("/warm/\(round)".utf8))
            let url = server.url("/hang")
            let hanging = Task {
                try await client.execute(
                    ClientRequest(method: "POST", url: url, headers: [("X-Hang", "yes")], body: [1, 2, 3]))
            }
            try await withDeadline { await rendezvous.waitForArrivals(1) }
            hanging.cancel()
            await #expect(throws: CancellationError.self) { try await hanging.value }
            let after = try await client.execute(ClientRequest(url: server.url("/after/\(round)")))
            #expect(after.body == Array("/after/\(round)".utf8))
        }
        let received = await server.log.requests.filter { $0.path.hasPrefix("/after/") }
        #expect(received.count == 3)
        #expect(received.allSatisfy { $0.method == "GET" && $0.body.isEmpty && $0.headers["x-hang"] == nil })
    }

    @Test func aRequestWakesAnIdleLoopAtOnce() async throws {
        // Between these requests the loop sleeps with nothing in flight, for up to a second at a
        // time: each request must wake it. Without the wakeup, 40 of them would take 40 s; the
        // deadline is a bound on that, not a timing measurement.
        try await withServerAndClient { server, client in
            let url = server.url()
            try await withDeadline(.seconds(15)) {
                for _ in 0..<40 {
                    let response = try await client.execute(ClientRequest(url: url))
                    #expect(response.status == 200)
                }
            }
        }
    }
}
