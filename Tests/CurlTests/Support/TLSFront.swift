import Curl
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// nginx terminating TLS and HTTP/2 in front of a `TestServer` (Benchmarks/distance/tls-front, with a
/// throwaway CA made by openssl), for the multiplexing tests. Needs `nginx` and `openssl` installed.
final class TLSFront: Sendable {
    let port: Int
    let caPath: String
    private let process: Process
    private let directory: URL

    /// Whether nginx and openssl are installed (the tests that need them are skipped otherwise).
    static var isAvailable: Bool {
        ["/usr/sbin/nginx", "/usr/bin/openssl"].allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Starts nginx in front of `upstreamPort` and returns once it accepts HTTPS requests.
    init(upstreamPort: Int) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("perch-tls-\(UUID().uuidString)")
        port = try Self.freePort()
        caPath = directory.appendingPathComponent("ca.pem").path
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        process = Process()
        process.executableURL = root.appendingPathComponent("Benchmarks/distance/tls-front")
        process.arguments = [String(upstreamPort), String(port), directory.path]
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin:" + (environment["PATH"] ?? "")
        process.environment = environment
        try process.run()
        try await waitUntilServing()
    }

    /// `https://127.0.0.1:PORT` + `path`.
    func url(_ path: String) -> String { "https://127.0.0.1:\(port)\(path)" }

    func stop() {
        process.terminate()
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Asks nginx's status page until it answers (the port is open once nginx has read its
    /// configuration), for at most 20 s.
    private func waitUntilServing() async throws {
        let client = HTTPClient(
            configuration: HTTPClientConfiguration(connectTimeout: .seconds(2), caBundlePath: caPath))
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline, process.isRunning {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("nginx.pid").path),
                let response = try? await client.execute(ClientRequest(url: url("/_front/status"))),
                response.status == 200
            {
                await client.shutdown()
                return
            }
            await Task.yield()
        }
        await client.shutdown()
        stop()
        throw TLSFrontError.didNotStart
    }

    /// A port that was free a moment ago (nginx cannot report one it picked itself).
    private static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw TLSFrontError.noPort }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                Glibc.bind(socket, pointer, length) == 0 && getsockname(socket, pointer, &length) == 0
            }
        }
        guard bound else { throw TLSFrontError.noPort }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

enum TLSFrontError: Error {
    case noPort
    case didNotStart
}
