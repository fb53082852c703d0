import Dispatch
import Glibc
import MicroHTTP
import PerchEvents
import Synchronization

// E2EBench: the end of the end-to-end benchmark. A Bird API stand-in (legacy Conversations API,
// `POST /v1/conversations/{id}/messages` answered 201 like Bird) that notes, for every reply Perch
// sends, when it arrived and how long after its webhook was sent.
//
// The webhooks come from Benchmarks/e2e/webhook.lua, whose message ids start with the send time
// (16 hex digits of CLOCK_REALTIME microseconds). Perch puts the message id into the reply's
// `trackId` (`perch:messagebird:message.created:<message id>:received:<rule>:0`), so the latency
// of a reply is its arrival time minus the time in its id. Both clocks are CLOCK_REALTIME on the
// same machine.
//
// Control endpoints (used by Benchmarks/run with curl):
// - `POST /_bench/reset`: forget everything recorded.
// - `GET /_bench/report[?from=US&to=US]`: one line
//   `count distinct duplicates other first_us last_us rate p50_ms p90_ms p99_ms max_ms` over the replies
//   that arrived in the window (CLOCK_REALTIME microseconds); rate is replies per second of the window
//   (without one: between the first and the last arrival). distinct/duplicates/other are totals.
//
// - `GET /_bench/stats`: one line `sends in_flight peak_in_flight` since the last reset (sends:
//   every reply answered 201; in flight: replies received and not yet answered).
//
// Bird at a distance: with a latency (and jitter), every reply is answered that many milliseconds
// (plus or minus up to the jitter, uniformly) after it arrived. The handler suspends meanwhile
// (libmicrohttpd's connection is suspended, no thread waits), so any number can be in flight.
// HTTP/1.1 only; Benchmarks/distance/tls-front puts nginx in front for HTTPS and HTTP/2.
//
// Usage: E2EBench [port] [threads] [latency_ms] [jitter_ms]; stops on SIGTERM or SIGINT.

/// What has been recorded since the last reset.
struct Recording {
    var arrivals: [Int64] = []
    var latencies: [Int64] = []
    var messageIDs = Set<String>()
    var duplicates = 0
    var other = 0
    var nextID = 1

    init() {
        arrivals.reserveCapacity(1 << 20)
        latencies.reserveCapacity(1 << 20)
        messageIDs.reserveCapacity(1 << 18)
    }

    /// The line of `/_bench/report` over the replies that arrived in `from...to` (microseconds);
    /// with both bounds the rate is per second of that window, else between first and last arrival.
    func report(from: Int64?, to: Int64?) -> String {
        var arrived: [Int64] = []
        var sorted: [Int64] = []
        for (index, time) in arrivals.enumerated() where time >= (from ?? .min) && time <= (to ?? .max) {
            arrived.append(time)
            sorted.append(latencies[index])
        }
        guard let first = arrived.min(), let last = arrived.max() else {
            return "0 \(messageIDs.count) \(duplicates) \(other) 0 0 0 0 0 0 0\n"
        }
        sorted.sort()
        func percentile(_ p: Double) -> String {
            let index = min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)
            return format(Double(sorted[max(0, index)]) / 1000)
        }
        let rate: Double
        if let from, let to, to > from {
            rate = Double(arrived.count) * 1_000_000 / Double(to - from)
        } else {
            rate = last > first ? Double(arrived.count - 1) * 1_000_000 / Double(last - first) : 0
        }
        return
            "\(arrived.count) \(messageIDs.count) \(duplicates) \(other) \(first) \(last) \(Int(rate.rounded())) "
            + "\(percentile(0.5)) \(percentile(0.9)) \(percentile(0.99)) \(format(Double(sorted.last ?? 0) / 1000))\n"
    }

    private func format(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}

final class Sink: Sendable {
    let recording = Mutex(Recording())
    let latencyMilliseconds: Int
    let jitterMilliseconds: Int
    /// Replies received and not yet answered, and the most there were at once.
    let inFlight = Mutex((now: 0, peak: 0))

    init(latencyMilliseconds: Int, jitterMilliseconds: Int) {
        self.latencyMilliseconds = max(0, latencyMilliseconds)
        self.jitterMilliseconds = max(0, jitterMilliseconds)
    }

    /// Answers like `handle`, after the configured latency for replies.
    func respond(_ request: ServerRequest) async -> ServerResponse {
        guard latencyMilliseconds > 0 || jitterMilliseconds > 0, request.method == "POST",
            !request.path.hasPrefix("/_bench/")
        else { return handle(request) }
        inFlight.withLock { state in
            state.now += 1
            state.peak = max(state.peak, state.now)
        }
        defer { inFlight.withLock { $0.now -= 1 } }
        let jitter = jitterMilliseconds > 0 ? Int.random(in: -jitterMilliseconds...jitterMilliseconds) : 0
        try? await Task.sleep(for: .milliseconds(max(0, latencyMilliseconds + jitter)))
        return handle(request)
    }

    static func nowMicroseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1000
    }

    func handle(_ request: ServerRequest) -> ServerResponse {
        let arrived = Self.nowMicroseconds()
        switch (request.method, request.path) {
        case ("POST", "/_bench/reset"):
            recording.withLock { $0 = Recording() }
            inFlight.withLock { $0.peak = $0.now }
            return .json(200, #"{"ok":true}"#)
        case ("GET", "/_bench/stats"):
            let sends = recording.withLock { $0.arrivals.count }
            let (now, peak) = inFlight.withLock { ($0.now, $0.peak) }
            return .text(200, "\(sends) \(now) \(peak)\n")
        case ("GET", "/_bench/report"):
            var bounds: [String: Int64] = [:]
            for item in request.queryItems { bounds[item.name] = Int64(item.value) }
            return .text(200, recording.withLock { $0.report(from: bounds["from"], to: bounds["to"]) })
        default:
            break
        }
        let parts = request.path.split(separator: "/")
        guard request.method == "POST", parts.count == 4, parts[0] == "v1", parts[1] == "conversations",
            parts[3] == "messages"
        else {
            recording.withLock { $0.other += 1 }
            return .json(404, #"{"errors":[{"code":20,"description":"not part of the benchmark","parameter":null}]}"#)
        }
        guard let body = try? JSONValue(parsing: request.body), let trackID = body["trackId"]?.stringValue,
            let sent = Self.sendTime(trackID: trackID)
        else {
            recording.withLock { $0.other += 1 }
            return .json(422, #"{"errors":[{"code":21,"description":"no benchmark trackId","parameter":null}]}"#)
        }
        let id = recording.withLock { recording in
            recording.arrivals.append(arrived)
            recording.latencies.append(arrived - sent.time)
            if !recording.messageIDs.insert(sent.messageID).inserted { recording.duplicates += 1 }
            defer { recording.nextID += 1 }
            return recording.nextID
        }
        return .json(201, #"{"id":"bench\#(id)","status":"accepted"}"#)
    }

    /// The message id (4th field of the reference) and the send time in its first 16 hex digits.
    static func sendTime(trackID: String) -> (messageID: String, time: Int64)? {
        let fields = trackID.split(separator: ":", omittingEmptySubsequences: false)
        guard fields.count >= 4 else { return nil }
        let messageID = fields[3]
        guard messageID.utf8.count >= 16, let time = Int64(messageID.prefix(16), radix: 16) else { return nil }
        return (String(messageID), time)
    }
}

@main
enum E2EBench {
    static func main() async throws {
        let arguments = CommandLine.arguments
        let port = arguments.count > 1 ? Int(arguments[1]) ?? 18090 : 18090
        let threads = arguments.count > 2 ? Int(arguments[2]) ?? 1 : 1
        let latency = arguments.count > 3 ? Int(arguments[3]) ?? 0 : 0
        let jitter = arguments.count > 4 ? Int(arguments[4]) ?? 0 : 0
        let sink = Sink(latencyMilliseconds: latency, jitterMilliseconds: jitter)
        let server = HTTPServer(
            configuration: HTTPServerConfiguration(
                host: "127.0.0.1", port: port, connectionLimit: 4096, threads: threads)
        ) { request in await sink.respond(request) }
        try server.start()
        print("E2EBench sink listening on 127.0.0.1:\(server.port), latency \(latency) ms ± \(jitter) ms")
        await waitForTermination()
        await server.shutdown()
    }

    private static func waitForTermination() async {
        let (stream, continuation) = AsyncStream.makeStream(of: Int32.self)
        let queue = DispatchQueue(label: "signals")
        let sources = [SIGTERM, SIGINT].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            return source
        }
        for await _ in stream { break }
        for source in sources { source.cancel() }
    }
}
