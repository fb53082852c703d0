import Curl
import Foundation
import Logging
import MicroHTTP
import PerchBird
import PerchEvents
import PerchFlows
import PerchRuntime
import PerchStore
import Synchronization

/// A running Perch: flows loaded, store open, runtime and webhook server wired together. The
/// executable and the tests build it the same way.
public final class Application: Sendable {
    public let configuration: PerchConfiguration
    public let runtime: Runtime
    public let bird: BirdClient
    /// Reloads the flows on SIGHUP (the executable calls it) and when their files change.
    public let reloader: FlowReloader
    /// Prunes the store while Perch runs.
    public let maintenance: Maintenance
    private let server: HTTPServer
    private let metricsServer: HTTPServer?
    /// The application's metrics; `/metrics` renders them.
    public let metrics: MetricsRegistry
    private let http: HTTPClient
    private let store: any Store
    private let logger: Logger
    private let shuttingDown = Flag()
    private let poller: Poller?

    /// Loads the flows and opens the store; throws `FlowLoadError` (with every diagnostic) or `StoreError`.
    public init(
        configuration: PerchConfiguration, logger: Logger, now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        self.configuration = configuration
        self.logger = logger
        let flows = try FlowSet.load(paths: configuration.flowsPaths)
        let store = try SQLiteStore(
            path: configuration.storePath,
            configuration: SQLiteStoreConfiguration(
                durability: configuration.durability, maximumSize: configuration.storeMaximumSize),
            logger: logger)
        let http = HTTPClient(configuration: configuration.bird.httpClientConfiguration)
        let metrics = MetricsRegistry()
        let bird = BirdClient(
            configuration: configuration.bird, http: http, logger: logger, metrics: metrics.factory)
        let library = FlowLibrary(flows)
        let runtime = Runtime(
            configuration: configuration.runtime, flows: library, store: store, bird: bird, http: http,
            redecode: Ingress.decode, now: now, logger: logger, metrics: metrics.factory)
        let shuttingDown = self.shuttingDown
        // Filled in once the server exists: the scrape reads its counters.
        let serverBox = Mutex<HTTPServer?>(nil)
        let metricsText: @Sendable () async -> String = {
            let server = serverBox.withLock { $0 }
            let commits = store.statistics
            let outbox =
                (try? await store.outboxSummary()) ?? OutboxSummary(count: 0, parked: 0, oldestRetriedSince: nil)
            var snapshot = MetricsRegistry.Snapshot(
                    queueDepth: runtime.dispatcher.depth,
                    activeConversations: runtime.dispatcher.activeConversations,
                    outboxSize: outbox.count,
                    inboxLagSeconds: (try? await store.oldestUnfinishedAge(now: now()))?.map {
                        Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18
                    } ?? 0,
                    flowsVersion: library.flows.version,
                    connectionsAccepted: server?.connectionsAccepted ?? 0,
                    bodiesTooLarge: server?.bodiesTooLarge ?? 0, storeCommits: commits.commits,
                    storeWrites: commits.writes, regexTextsTooLong: FlowSet.regexTextsTooLong,
                    requestsTimedOut: server?.requestsTimedOut ?? 0)
            snapshot.outboxParked = outbox.parked
            if let first = outbox.oldestRetriedSince {
                snapshot.outboxOldestAgeSeconds = max(0, now().timeIntervalSince(first))
            }
            return metrics.render(snapshot)
        }
        let separateMetrics = configuration.metricsListen != nil
        let storeProbe = ReadinessProbe(failing: { store.isFailing }, probe: { await store.check() })
        let dispatcher = runtime.dispatcher
        let stallWatch = StallWatch(
            timeout: configuration.stallTimeout, progress: { (dispatcher.depth, dispatcher.completed) }, now: now)
        let ingress = Ingress(
            sink: runtime,
            verifier: SignatureVerifier(
                messageBirdSigningKey: configuration.messageBirdSigningKey,
                birdSigningKey: configuration.birdSigningKey, now: now,
                requiresSignatures: !bird.isSandbox && !configuration.allowUnsigned),
            publicURL: configuration.publicURL, logger: logger,
            readiness: {
                Readiness(
                    flowsVersion: library.flows.version, flowsLoaded: true, storeError: await storeProbe.storeProblem(),
                    shuttingDown: shuttingDown.isSet)
            },
            traces: { id in
                guard let json = try? await store.trace(eventKey: id) else { return nil }
                return Trace(json: json)
            },
            adminToken: configuration.adminToken, metrics: metrics.factory,
            metricsText: separateMetrics ? nil : metricsText, stall: { stallWatch.problem() })
        var serverConfiguration = HTTPServerConfiguration(
            host: configuration.listen.host, port: configuration.listen.port,
            maxBodySize: configuration.maxBodySize, connectionLimit: configuration.connectionLimit,
            idleTimeoutSeconds: configuration.idleTimeoutSeconds)
        serverConfiguration.connectionsPerClient = configuration.connectionsPerClient
        serverConfiguration.requestTimeoutSeconds = configuration.requestTimeoutSeconds
        let server = HTTPServer(
            configuration: serverConfiguration, handler: { request in await ingress.respond(to: request) })
        serverBox.withLock { $0 = server }
        self.server = server
        if let address = configuration.metricsListen {
            self.metricsServer = HTTPServer(
                configuration: HTTPServerConfiguration(host: address.host, port: address.port, maxBodySize: 1024),
                handler: { request in
                    guard request.path == "/metrics" else { return .json(404, #"{"error":"only /metrics here"}"#) }
                    return .text(200, await metricsText())
                })
        } else {
            self.metricsServer = nil
        }
        self.metrics = metrics
        self.store = store
        self.http = http
        self.bird = bird
        self.runtime = runtime
        self.reloader = FlowReloader(paths: configuration.flowsPaths, library: library, logger: logger)
        self.maintenance = Maintenance(
            store: store, policy: configuration.retention, interval: configuration.pruneInterval, now: now,
            logger: logger)
        self.poller = configuration.poll.map {
            Poller(configuration: $0, client: bird, sink: runtime, store: store, now: now, logger: logger)
        }
        for warning in flows.warnings {
            logger.warning("flow warning", metadata: ["diagnostic": "\(warning)"])
        }
        logger.info(
            "flows loaded", metadata: ["flows.version": "\(flows.version)", "flows.rules": "\(flows.ruleCount)"])
        logger.info(
            "store opened",
            metadata: ["store.path": "\(configuration.storePath)", "store.durability": "\(configuration.durability)"])
    }

    /// Binds the webhook server and queues events left unfinished by the last run.
    public func start() async throws {
        // Recovered events are queued before the server takes new ones, so that a new event of a
        // conversation never runs before an older one left from the last run.
        try await runtime.recover()
        try server.start()
        try metricsServer?.start()
        if bird.isSandbox {
            logger.warning(
                "sandbox mode: no BIRD_ACCESS_KEY or MESSAGEBIRD_ACCESS_KEY is set, so Perch logs the calls it would make to Bird instead of sending them"
            )
        }
        logSignaturePolicy()
        logger.notice("perch is listening", metadata: ["listen": "\(configuration.listen.host):\(server.port)"])
    }

    /// Says at start which webhook endpoints check signatures, and what to set for the others.
    private func logSignaturePolicy() {
        let missing = [
            ("BIRD_SIGNING_KEY", configuration.birdSigningKey, "/webhooks/bird"),
            (
                "MESSAGEBIRD_SIGNING_KEY", configuration.messageBirdSigningKey,
                "/webhooks/messagebird, /webhooks/messagebird/voice, /webhooks/messagebird/sms-status"
            ),
        ].filter { $0.1?.isEmpty ?? true }
        for (variable, _, endpoints) in missing {
            let metadata: Logger.Metadata = ["setting": "\(variable)", "endpoints": "\(endpoints)"]
            if bird.isSandbox {
                logger.warning("sandbox mode: these webhook endpoints accept unsigned requests", metadata: metadata)
            } else if configuration.allowUnsigned {
                logger.warning(
                    "PERCH_ALLOW_UNSIGNED: these webhook endpoints accept unsigned requests (local testing only)",
                    metadata: metadata)
            } else {
                logger.error(
                    "signing key not set: these webhook endpoints answer 401 until it is set", metadata: metadata)
            }
        }
    }

    /// The port the webhook server is bound to.
    public var port: Int { server.port }
    /// The port of the separate metrics listener, when `metricsListen` is set.
    public var metricsPort: Int? { metricsServer?.port }

    /// Handles events until `shutdown()`; then finishes what was accepted and stops the server.
    public func run() async {
        let maintenance = self.maintenance
        let reloader = self.reloader
        let watchInterval = configuration.flowsWatchInterval
        await withDiscardingTaskGroup { group in
            group.addTask { await maintenance.run() }
            if let watchInterval { group.addTask { await reloader.watch(interval: watchInterval) } }
            if let poller {
                group.addTask { await poller.run() }
            }
            await runtime.run()
            group.cancelAll()
        }
        await server.shutdown()
        await metricsServer?.shutdown()
        await store.close()
        await http.shutdown()
    }

    /// Stops taking events (new webhooks get 503 so Bird retries); `run()` returns once in-flight events are done.
    public func shutdown() async {
        shuttingDown.set()
        logger.notice("shutting down: finishing events in flight")
        await runtime.finish()
    }
}

/// A flag set once, read from any thread.
final class Flag: Sendable {
    private let value = Atomic<Bool>(false)

    var isSet: Bool { value.load(ordering: .acquiring) }
    func set() { value.store(true, ordering: .releasing) }
}
