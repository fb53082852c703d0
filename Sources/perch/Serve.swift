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
        LoggingSystem.bootstrap { label in StreamLogHandler.standardError(label: label) }
        var logger = Logger(label: "perch")
        logger.logLevel = .info
        let configuration: PerchConfiguration
        do {
            configuration = try Self.configuration(
                from: Environment(), listen: listen, flows: flows, store: store, poll: poll)
        } catch {
            logger.critical("configuration error", metadata: ["error": "\(error)"])
            throw ExitCode(2)
        }
        let application: Application
        do {
            application = try Application(configuration: configuration, logger: logger)
        } catch let error as FlowLoadError {
            for diagnostic in error.diagnostics { FileHandle.standardError.write(Data("\(diagnostic)\n".utf8)) }
            throw ExitCode(1)
        }
        try await application.start()
        let signals = SignalWatcher(signals: [SIGTERM, SIGINT])
        let received = signals.received
        await withDiscardingTaskGroup { group in
            group.addTask {
                // The first SIGTERM or SIGINT starts a graceful shutdown.
                for await _ in received {
                    await application.shutdown()
                    break
                }
            }
            await application.run()
            signals.cancel()
        }
        logger.notice("perch stopped")
    }

    static func configuration(
        from environment: Environment, listen: String?, flows: [String], store: String?, poll: String? = nil
    ) throws -> PerchConfiguration {
        var configuration = PerchConfiguration()
        if let text = listen ?? environment["PERCH_LISTEN"] {
            guard let address = ListenAddress(parsing: text) else {
                throw ConfigurationError(setting: "PERCH_LISTEN", problem: "'\(text)' is not host:port (e.g. 0.0.0.0:8080)")
            }
            configuration.listen = address
        }
        if !flows.isEmpty {
            configuration.flowsPaths = flows
        } else if let paths = environment["PERCH_FLOWS"] {
            configuration.flowsPaths = paths.split(separator: ":").map(String.init)
        }
        if let path = store ?? environment["PERCH_STORE"] { configuration.storePath = path }
        configuration.publicURL = environment["PERCH_PUBLIC_URL"]
        configuration.birdSigningKey = environment["BIRD_SIGNING_KEY"]
        configuration.messageBirdSigningKey = environment["MESSAGEBIRD_SIGNING_KEY"]
        configuration.bird = BirdSettings.configuration(from: environment)
        configuration.runtime.workspaceID = environment["BIRD_WORKSPACE_ID"] ?? ""
        configuration.runtime.flowID = environment["BIRD_FLOW_ID"] ?? ""
        if let text = poll ?? environment["PERCH_POLL"] {
            guard let interval = PollerConfiguration.parseInterval(text) else {
                throw ConfigurationError(setting: "PERCH_POLL", problem: "'\(text)' is not an interval (e.g. 30s, 2m)")
            }
            let workspace = environment["BIRD_WORKSPACE_ID"] ?? ""
            configuration.poll = PollerConfiguration(
                interval: interval, generation: workspace.isEmpty ? .messagebird : .bird, workspaceID: workspace,
                channelID: environment["BIRD_CHANNEL_ID"])
        }
        return configuration
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
