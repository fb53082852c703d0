import Curl
import MicroHTTP
import Testing

@Suite("Connection reuse and limits")
struct ConnectionReuseTests {
    @Test func sequentialRequestsToOneHostShareOneConnection() async throws {
        try await withServerAndClient { server, client in
            for index in 0..<20 {
                let response = try await client.execute(ClientRequest(url: server.url("/n/\(index)")))
                #expect(response.status == 200)
                #expect(response.body == Array("ok".utf8))
            }
            #expect(await server.log.requests.map(\.path) == (0..<20).map { "/n/\($0)" })
            #expect(server.connectionsAccepted == 1)
        }
    }

    @Test func sequentialRequestsWithBodiesShareOneConnection() async throws {
        try await withServerAndClient { server, client in
            for method in ["POST", "PATCH", "DELETE", "GET", "POST"] {
                let response = try await client.execute(
                    ClientRequest(method: method, url: server.url(), body: Array("payload".utf8)))
                #expect(response.status == 200)
            }
            #expect(server.connectionsAccepted == 1)
        }
    }

    @Test(arguments: [1, 4])
    func concurrentRequestsStayWithinTheConnectionLimitPerHost(limit: Int) async throws {
        // Handlers are held until `limit` of them are in at once: without the limit, libcurl
        // would have opened a connection for each of the 64 requests by then.
        let gate = ConcurrencyGate(threshold: limit)
        let configuration = HTTPClientConfiguration(requestTimeout: .seconds(20), maxConnectionsPerHost: limit)
        try await withServerAndClient(
            configuration: configuration,
            handler: { request in
                await gate.enter()
                await gate.leave()
                return .text(200, request.path)
            }
        ) { server, client in
            let paths = (0..<64).map { "/c/\($0)" }
            let results = await withTaskGroup(of: Result<ClientResponse, any Error>.self) { group in
                for path in paths {
                    group.addTask {
                        await Result(catching: { try await client.execute(ClientRequest(url: server.url(path))) })
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            await gate.openNow()
            let bodies = try results.map { String(decoding: try $0.get().body, as: UTF8.self) }
            #expect(Set(bodies) == Set(paths))
            #expect(server.connectionsAccepted <= limit)
            #expect(await gate.maxInside == limit)
        }
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do {
            self = .success(try await body())
        } catch {
            self = .failure(error)
        }
    }
}
