import ArgumentParser
import Dispatch
import Foundation
import Logging
import PerchBird
import PerchFlows
import PerchRuntime
import PerchServer
import PerchStore

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Receive Bird webhooks and answer them with the flows.")

    @Option(name: .long, help: "host:port to listen on (PERCH_LISTEN, default 0.0.0.0:8080).")
    var listen: String?

    @Option(name: .long, help: "Flow file or directory (PERCH_FLOWS, default flows).")
    var flows: [String] = []

    @Option(name: .long, help: "SQLite store file (PERCH_STORE, default perch.sqlite).")
    var store: String?

    @Option(name: .long, help: "Also poll the conversations API every INTERVAL, e.g. 30s (PERCH_POLL).")
    var poll: String?

    func run() async throws {
        let settings = Settings(environment: Environment(), listen: listen, flows: flows, store: store, poll: poll)
        let logger = settings.bootstrapLogging()
        guard settings.problems.isEmpty else {
            for problem in settings.problems {
                logger.critical("configuration error", metadata: ["setting": "\(problem.setting)", "problem": "\(problem.problem)"])
            }
            throw ExitCode(2)
        }
        let configuration = settings.configuration
        let application: Application
        do {
            application = try Application(configuration: configuration, logger: logger)
        } catch let error as FlowLoadError {
            for diagnostic in error.diagnostics { FileHandle.standardError.write(Data("\(diagnostic)\n".utf8)) }
            throw ExitCode(1)
        }
        try await application.start()
        let signals = SignalWatcher(signals: [SIGTERM, SIGINT, SIGHUP])
        let received = signals.received
        let grace = settings.shutdownGrace
        await withDiscardingTaskGroup { group in
            group.addTask {
                // SIGHUP reloads the flows; the first SIGTERM or SIGINT starts a graceful shutdown.
                for await number in received {
                    if number == SIGHUP {
                        application.reloader.reload(trigger: "SIGHUP")
                        continue
                    }
                    await application.shutdown()
                    // Past the grace period Perch stops anyway: what is unfinished stays in the inbox
                    // and runs at the next start.
                    // Cancelled when `run()` finished within the grace period: nothing more to do.
                    guard (try? await Task.sleep(for: grace)) != nil else { return }
                    logger.warning("shutdown grace period over; unfinished events stay in the inbox")
                    Foundation.exit(0)
                }
            }
            await application.run()
            signals.cancel()
            group.cancelAll()
        }
        logger.notice("perch stopped")
    }
}

/// Turns `signals` into an async sequence (instead of their default of terminating the process).
final class SignalWatcher {
    private let sources: [any DispatchSourceSignal]
    private let continuation: AsyncStream<Int32>.Continuation
    let received: AsyncStream<Int32>

    init(signals: [Int32]) {
        let (stream, continuation) = AsyncStream.makeStream(of: Int32.self)
        received = stream
        self.continuation = continuation
        sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            return source
        }
    }

    func cancel() {
        for source in sources { source.cancel() }
        continuation.finish()
    }
}
