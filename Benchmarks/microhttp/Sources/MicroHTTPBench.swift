import Dispatch
import Glibc
import MicroHTTP

/// Answers every request with 200 `{"ok":true}` so that `run` can compare MicroHTTP with nginx.
/// Usage: MicroHTTPBench [port] [threads] [inline|yield]; stops on SIGTERM or SIGINT.
/// `yield` makes the handler suspend once, to measure the suspend/resume path.
@main
enum MicroHTTPBench {
    static let ok = ServerResponse.json(200, #"{"ok":true}"#)

    static func main() async throws {
        let arguments = CommandLine.arguments
        let port = arguments.count > 1 ? Int(arguments[1]) ?? 8081 : 8081
        let threads = arguments.count > 2 ? Int(arguments[2]) ?? 2 : 2
        let suspends = arguments.count > 3 && arguments[3] == "yield"
        let configuration = HTTPServerConfiguration(
            host: "127.0.0.1", port: port, connectionLimit: 4096, threads: threads)
        let server = HTTPServer(configuration: configuration) { _ in
            if suspends { await Task.yield() }
            return ok
        }
        try server.start()
        print(
            "MicroHTTPBench listening on 127.0.0.1:\(server.port) with \(threads) threads, \(suspends ? "yield" : "inline")"
        )
        await waitForTermination()
        await server.shutdown()
    }

    private static func waitForTermination() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let once = DispatchQueue(label: "signals")
            var resumed = false
            var sources: [DispatchSourceSignal] = []
            for number in [SIGTERM, SIGINT] {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: once)
                source.setEventHandler {
                    guard !resumed else { return }
                    resumed = true
                    sources.forEach { $0.cancel() }
                    continuation.resume()
                }
                sources.append(source)
            }
            once.sync { sources.forEach { $0.resume() } }
        }
    }
}
