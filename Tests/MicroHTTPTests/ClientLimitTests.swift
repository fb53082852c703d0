import Foundation
import Glibc
import MicroHTTP
import PerchTesting
import Testing

/// Per-client limits over real sockets: a slow client (slowloris) must not hold the connections
/// that Bird's webhooks need. The attacker connects from 127.0.0.2, the legitimate client from
/// 127.0.0.1, so that the server sees two client addresses.
@Suite struct ClientLimitTests {
    static func get(_ path: String) -> String { "GET \(path) HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n" }

    /// One address opens as many connections as the server takes and sends half a request on each:
    /// the per-client cap leaves room for everyone else.
    @Test func oneClientAddressCannotTakeEveryConnection() async throws {
        try await withServer(
            { configuration in
                configuration.connectionLimit = 8
                configuration.connectionsPerClient = 4
                configuration.idleTimeoutSeconds = 60
            }, handler: echo
        ) { server in
            let port = server.port
            let attackers = try await onThread {
                (0..<8).compactMap { _ -> RawClient? in
                    guard let client = try? RawClient(port: port, source: "127.0.0.2") else { return nil }
                    try? client.send("POST /slow HTTP/1.1\r\nHost: test\r\n")
                    return client
                }
            }
            #expect(attackers.count == 8)
            let status = try await onThread {
                let client = try RawClient(port: port)
                try client.send(Self.get("/bird"))
                return try client.readResponse().status
            }
            #expect(status == 200)
            withExtendedLifetime(attackers) {}
        }
    }

    /// Idle time alone never ends a request that trickles a byte at a time: the whole request has
    /// a deadline.
    @Test func aRequestThatTricklesIsCutAtTheRequestDeadline() async throws {
        try await withServer(
            { configuration in
                configuration.idleTimeoutSeconds = 60
                configuration.requestTimeoutSeconds = 1
            }, handler: echo
        ) { server in
            let port = server.port
            let cut = try await onThread { () throws -> Bool in
                let client = try RawClient(port: port, timeoutSeconds: 1)
                try client.send("POST /slow HTTP/1.1\r\nHost: test\r\n")
                // The attacker's pace: a byte every 200 ms, for at most 15 s.
                for byte in Array(String(repeating: "X-Slow: yes\r\n", count: 10).utf8).prefix(75) {
                    usleep(200_000)
                    var probe: UInt8 = 0
                    let read = recv(client.descriptor, &probe, 1, Int32(MSG_DONTWAIT))
                    if read == 0 || (read < 0 && errno != EAGAIN && errno != EWOULDBLOCK) { return true }
                    guard (try? client.send([byte])) != nil else { return true }
                }
                return false
            }
            #expect(cut)
            #expect(server.requestsTimedOut >= 1)
            // The server still answers everyone else.
            let status = try await onThread {
                let client = try RawClient(port: port)
                try client.send(Self.get("/after"))
                return try client.readResponse().status
            }
            #expect(status == 200)
        }
    }

    /// A kept-alive connection gets a fresh deadline for each request: a client that asks again
    /// within the deadline is served every time.
    @Test func keptAliveConnectionsGetAFreshDeadlinePerRequest() async throws {
        try await withServer({ $0.requestTimeoutSeconds = 2 }, handler: echo) { server in
            let port = server.port
            let statuses = try await onThread {
                let client = try RawClient(port: port)
                return try (0..<3).map { _ in
                    try client.send("GET /again HTTP/1.1\r\nHost: test\r\n\r\n")
                    return try client.readResponse().status
                }
            }
            #expect(statuses == [200, 200, 200])
        }
    }
}
