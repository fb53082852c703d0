import Curl
import MicroHTTP

/// A real HTTP server on 127.0.0.1 for the client tests, remembering the requests it got.
final class TestServer: Sendable {
    let server: HTTPServer
    let log = RequestLog()

    init(handler: @escaping @Sendable (ServerRequest) async -> ServerResponse) throws {
        let log = log
        server = HTTPServer(configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0)) { request in
            await log.append(request)
            return await handler(request)
        }
        try server.start()
    }

    func url(_ path: String = "/") -> String { "http://127.0.0.1:\(server.port)\(path)" }

    var connectionsAccepted: Int { server.connectionsAccepted }
}

/// The requests a `TestServer` received, in arrival order.
actor RequestLog {
    private(set) var requests: [ServerRequest] = []

    func append(_ request: ServerRequest) { requests.append(request) }
}

/// Runs `body` against a started server and a new client, shutting both down afterwards (also
/// when `body` throws).
func withServerAndClient(
    configuration: HTTPClientConfiguration = .init(),
    handler: @escaping @Sendable (ServerRequest) async -> ServerResponse = { _ in .text(200, "ok") },
    _ body: (TestServer, HTTPClient) async throws -> Void
) async throws {
    let server = try TestServer(handler: handler)
    let client = HTTPClient(configuration: configuration)
    do {
        try await body(server, client)
    } catch {
        await client.shutdown()
        await server.server.shutdown()
        throw error
    }
    await client.shutdown()
    await server.server.shutdown()
}
