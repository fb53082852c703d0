// The crash test's fake Bird API: PerchTesting's FakeBirdAPI as a process of its own, so it outlives
// the `perch serve` that the test kills. Prints `port <n>` once it listens, then appends every request
// it receives to the log file as one JSON line. On SIGTERM it writes what is left and exits.
//
// Usage: CrashFake <request-log.jsonl>
import Dispatch
import Foundation
import PerchEvents
import PerchTesting
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Writes the fake's requests to the log, each once, in arrival order.
final class RequestLog: Sendable {
    private let fake: FakeBirdAPI
    private let descriptor: Int32
    /// How many requests are written; the lock also keeps two flushes from interleaving lines.
    private let written = Mutex(0)

    init(fake: FakeBirdAPI, descriptor: Int32) {
        self.fake = fake
        self.descriptor = descriptor
    }

    var count: Int { written.withLock { $0 } }

    func flush() {
        written.withLock { written in
            let requests = fake.requests
            guard requests.count > written else { return }
            // Wall-clock arrival time, so the test can tell a send before a kill from one after it.
            let (wallNow, clockNow) = (Date().timeIntervalSince1970, ContinuousClock.now)
            var text = ""
            for request in requests[written...] {
                let json = request.json
                let age = clockNow - request.receivedAt
                let seconds = Double(age.components.seconds) + Double(age.components.attoseconds) / 1e18
                var line: [String: JSONValue] = [
                    "method": .string(request.method), "path": .string(request.path),
                    "at": .number(wallNow - seconds),
                ]
                // Each run of Perch gets its own access key, so the log tells which run sent what.
                if let authorization = request.headers["authorization"] { line["key"] = .string(authorization) }
                // Answered 503 by an outage (or another fault): Bird did not take it.
                if request.failedOnPurpose { line["failed"] = .bool(true) }
                for key in ["trackId", "reference"] { if let value = json?[key] { line[key] = value } }
                if let body = json?["content"]?["text"] ?? json?["body"]?["text"]?["text"] { line["text"] = body }
                text += JSONValue.object(line).serialized() + "\n"
            }
            var bytes = Array(text.utf8)[...]
            while !bytes.isEmpty {
                let count = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
                if count <= 0 { break }
                bytes = bytes.dropFirst(count)
            }
            written = requests.count
        }
    }
}

extension RequestLog {
    /// On SIGTERM: writes what is left, then exits. Set up here, outside the main actor, because the
    /// handler runs on a dispatch queue.
    func exitOnTermination() -> any DispatchSourceSignal {
        signal(SIGTERM, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGTERM, queue: .global())
        source.setEventHandler {
            self.flush()
            exit(0)
        }
        source.resume()
        return source
    }
}

let arguments = CommandLine.arguments
guard arguments.count == 2 else {
    FileHandle.standardError.write(Data("usage: CrashFake <request-log.jsonl>\n".utf8))
    exit(2)
}
let descriptor = open(arguments[1], O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0o644)
guard descriptor >= 0 else {
    FileHandle.standardError.write(Data("CrashFake: cannot open \(arguments[1])\n".utf8))
    exit(1)
}
let fake = FakeBirdAPI()
try fake.start()
let log = RequestLog(fake: fake, descriptor: descriptor)

let termination = log.exitOnTermination()

// Written straight to the descriptor: the test reads this line before anything is flushed at exit.
FileHandle.standardOutput.write(Data("port \(fake.port)\n".utf8))
while true {
    // Wakes on the next request itself; the long timeout only bounds one wait.
    _ = try? await fake.waitForRequests(count: log.count + 1, timeout: .seconds(3600))
    log.flush()
}
