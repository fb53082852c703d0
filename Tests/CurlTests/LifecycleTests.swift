import Curl
import MicroHTTP
import Testing

@Suite("Shutdown and cancellation")
struct LifecycleTests {
    @Test func shutdownFailsRequestsInFlightAndLaterOnes() async throws {
        let rendezvous = Rendezvous()
        let server = try TestServer(handler: { _ in
            await rendezvous.arriveAndWait()
            return .text(200, "late")
        })
        let client = HTTPClient()
        let url = server.url()
        let pending = (0..<3).map { _ in
            Task { try await client.execute(ClientRequest(url: url)) }
        }
        try await withDeadline { await rendezvous.waitForArrivals(3) }

        await client.shutdown()
        for request in pending {
            await #expect(throws: HTTPClientError.shutdown) { try await request.value }
        }
        await #expect(throws: HTTPClientError.shutdown) {
            try await client.execute(ClientRequest(url: url))
        }
        await client.shutdown()  // idempotent

        await rendezvous.release()
        await server.server.shutdown()
    }

    @Test func shutdownWithNothingInFlightReturns() async throws {
        let client = HTTPClient()
        await client.shutdown()
        await client.shutdown()
        await #expect(throws: HTTPClientError.shutdown) {
            try await client.execute(ClientRequest(url: "http://127.0.0.1:1/"))
        }
    }

    @Test func cancellingTheTaskAbortsItsRequestOnly() async throws {
        let rendezvous = Rendezvous()
        let server = try TestServer(handler: { request in
            if request.path == "/hang" {
                await rendezvous.arriveAndWait()
            }
            return .text(200, request.path)
        })
        let client = HTTPClient()
        let url = server.url("/hang")
        let hanging = Task { try await client.execute(ClientRequest(url: url)) }
        try await withDeadline { await rendezvous.waitForArrivals(1) }

        hanging.cancel()
        await #expect(throws: CancellationError.self) { try await hanging.value }
        // The client still works, on a new connection since the aborted one was closed.
        let response = try await client.execute(ClientRequest(url: server.url("/fine")))
        #expect(response.body == Array("/fine".utf8))

        await rendezvous.release()
        await client.shutdown()
        await server.server.shutdown()
    }

    @Test func alreadyCancelledTaskSendsNothing() async throws {
        try await withServerAndClient { server, client in
            let url = server.url()
            let task = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                return try await client.execute(ClientRequest(url: url))
            }
            await #expect(throws: CancellationError.self) { try await task.value }
            #expect(server.connectionsAccepted == 0)
        }
    }

    @Test func droppingAClientWithoutShutdownClosesItsConnections() async throws {
        try await withServerAndClient { server, _ in
            var client: HTTPClient? = HTTPClient()
            let response = try await client?.execute(ClientRequest(url: server.url()))
            #expect(response?.status == 200)
            #expect(server.server.connectionsOpen == 1)  // kept alive for reuse
            client = nil
            // The loop thread notices, stops and closes the connection it kept alive.
            try await withDeadline {
                while server.server.connectionsOpen > 0 {
                    try await Task.sleep(for: .milliseconds(5))
                }
            }
        }
    }
}

@Suite("Cancellation races")
struct CancellationRaceTests {
    @Test func cancellingAtAnyMomentCompletesEveryRequestExactlyOnce() async throws {
        try await withServerAndClient(configuration: HTTPClientConfiguration(maxConnectionsPerHost: 4)) {
            server, client in
            let url = server.url()
            // A guard against a hang, not a timing check: a loaded 2-core CI machine needs room.
            let outcomes = try await withDeadline(.seconds(60)) {
                await withTaskGroup(of: String.self) { group in
                    for index in 0..<300 {
                        let task = Task { try await client.execute(ClientRequest(url: url)) }
                        // Cancel before submission, while queued, mid-transfer or after the end:
                        // the pause only spreads the moment of cancellation, it waits for nothing.
                        if index % 3 != 0 {
                            try? await Task.sleep(for: .microseconds(40 * (index % 25)))
                        }
                        task.cancel()
                        group.addTask {
                            switch await task.result {
                            case .success(let response): return response.status == 200 ? "ok" : "bad status"
                            case .failure(is CancellationError): return "cancelled"
                            case .failure(let error): return "\(error)"
                            }
                        }
                    }
                    return await group.reduce(into: [String: Int]()) { $0[$1, default: 0] += 1 }
                }
            }
            #expect(Set(outcomes.keys).isSubset(of: ["ok", "cancelled"]), "\(outcomes)")
            #expect(outcomes.values.reduce(0, +) == 300)
            // And the client still works afterwards.
            #expect(try await client.execute(ClientRequest(url: url)).status == 200)
        }
    }
}
