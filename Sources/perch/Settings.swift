import Foundation
import Logging
import PerchBird
import PerchRuntime
import PerchServer
import PerchStore

/// Every environment variable Perch reads, checked at start-up. Each bad value gets its own message.
struct Settings {
    var configuration = PerchConfiguration()
    var logFormat: LogFormat = isatty(STDERR_FILENO) != 0 ? .text : .json
    var logLevel: Logger.Level = .info
    var shutdownGrace: Duration = .seconds(20)
    var problems: [ConfigurationError] = []

    enum LogFormat: String, CaseIterable { case json, text }

    /// Reads the environment, with command-line flags taking precedence where given.
    init(
        environment: Environment, listen: String? = nil, flows: [String] = [], store: String? = nil,
        poll: String? = nil
    ) {
        if let text = listen ?? environment["PERCH_LISTEN"] {
            if let address = ListenAddress(parsing: text) {
                configuration.listen = address
            } else {
                problem("PERCH_LISTEN", "'\(text)' is not host:port (for example 0.0.0.0:8080)")
            }
        }
        if let text = environment["PERCH_METRICS_LISTEN"] {
            if let address = ListenAddress(parsing: text) {
                configuration.metricsListen = address
            } else {
                problem("PERCH_METRICS_LISTEN", "'\(text)' is not host:port (for example 127.0.0.1:9090)")
            }
        }
        if !flows.isEmpty {
            configuration.flowsPaths = flows
        } else if let paths = environment["PERCH_FLOWS"] {
            configuration.flowsPaths = paths.split(separator: ":").map(String.init)
        }
        for path in configuration.flowsPaths where !FileManager.default.fileExists(atPath: path) {
            problem("PERCH_FLOWS", "'\(path)' does not exist")
        }
        if let path = store ?? environment["PERCH_STORE"] { configuration.storePath = path }
        if let text = environment["PERCH_STORE_DURABILITY"] {
            // `off` exists for benchmarks only: a power loss can corrupt the file.
            if let durability = Durability(rawValue: text), durability != .off {
                configuration.durability = durability
            } else {
                problem("PERCH_STORE_DURABILITY", "'\(text)' is not one of normal, full")
            }
        }
        if environment["PERCH_STORE_MAX_SIZE"] != nil {
            configuration.storeMaximumSize =
                integer(environment, "PERCH_STORE_MAX_SIZE", default: 0, in: 1...(1 << 20)) << 20
        }
        configuration.pruneInterval = .seconds(
            integer(environment, "PERCH_PRUNE_INTERVAL", default: 600, in: 1...(7 * 24 * 3600)))
        if let text = environment["PERCH_RELOAD"] {
            if text == "off" {
                configuration.flowsWatchInterval = nil
            } else {
                configuration.flowsWatchInterval = .seconds(integer(environment, "PERCH_RELOAD", default: 2, in: 1...3600))
            }
        }
        if let url = environment["PERCH_PUBLIC_URL"] {
            if url.hasPrefix("https://") || url.hasPrefix("http://") {
                configuration.publicURL = url
            } else {
                problem("PERCH_PUBLIC_URL", "'\(url)' must start with https:// (the URL Bird calls)")
            }
        }
        configuration.maxBodySize = integer(environment, "PERCH_MAX_BODY", default: configuration.maxBodySize, in: 1024...(64 << 20))
        configuration.idleTimeoutSeconds = integer(environment, "PERCH_IDLE_TIMEOUT", default: 30, in: 1...3600)
        configuration.connectionLimit = integer(environment, "PERCH_MAX_CONNECTIONS", default: 1024, in: 1...100_000)
        configuration.runtime.queueLimit = integer(environment, "PERCH_QUEUE_LIMIT", default: 10_000, in: 1...10_000_000)
        configuration.adminToken = environment["PERCH_ADMIN_TOKEN"]
        if let text = environment["PERCH_ALLOW_UNSIGNED"] {
            if let allow = Bool(text) {
                configuration.allowUnsigned = allow
            } else {
                problem("PERCH_ALLOW_UNSIGNED", "'\(text)' is not true or false")
            }
        }
        configuration.stallTimeout = .seconds(integer(environment, "PERCH_STALL_TIMEOUT", default: 300, in: 5...86_400))
        configuration.connectionsPerClient = integer(
            environment, "PERCH_MAX_CONNECTIONS_PER_CLIENT", default: 64, in: 0...100_000)
        configuration.requestTimeoutSeconds = integer(environment, "PERCH_REQUEST_TIMEOUT", default: 30, in: 1...3600)
        configuration.birdSigningKey = environment["BIRD_SIGNING_KEY"]
        configuration.messageBirdSigningKey = environment["MESSAGEBIRD_SIGNING_KEY"]
        configuration.bird = BirdConfiguration(
            birdAPIURL: url(environment, "BIRD_API_URL") ?? "https://api.bird.com",
            messageBirdAPIURL: url(environment, "MESSAGEBIRD_API_URL") ?? "https://conversations.messagebird.com/v1",
            birdAccessKey: environment["BIRD_ACCESS_KEY"],
            messageBirdAccessKey: environment["MESSAGEBIRD_ACCESS_KEY"],
            workspaceID: environment["BIRD_WORKSPACE_ID"],
            flowID: environment["BIRD_FLOW_ID"],
            organizationID: environment["BIRD_ORGANIZATION_ID"])
        configuration.bird.rateLimits = RateLimits(
            writesPerSecond: Double(integer(environment, "BIRD_WRITES_PER_SECOND", default: 500, in: 1...100_000)),
            readsPerSecond: Double(integer(environment, "BIRD_READS_PER_SECOND", default: 50, in: 1...100_000)))
        configuration.bird.maxInFlight = integer(environment, "BIRD_MAX_IN_FLIGHT", default: 256, in: 1...10_000)
        configuration.bird.caBundlePath = environment["PERCH_CA_BUNDLE"]
        if let text = poll ?? environment["PERCH_POLL"] {
            if let interval = PollerConfiguration.parseInterval(text) {
                let workspace = environment["BIRD_WORKSPACE_ID"] ?? ""
                configuration.poll = PollerConfiguration(
                    interval: interval, generation: workspace.isEmpty ? .messagebird : .bird, workspaceID: workspace,
                    channelID: environment["BIRD_CHANNEL_ID"])
            } else {
                problem("PERCH_POLL", "'\(text)' is not an interval from 1ms to 24h (for example 30s or 2m)")
            }
        }
        configuration.runtime.workspaceID = environment["BIRD_WORKSPACE_ID"] ?? ""
        configuration.runtime.flowID = environment["BIRD_FLOW_ID"] ?? ""
        configuration.runtime.whatsappChannelIDs = Set(list(environment["BIRD_WHATSAPP_CHANNELS"]))
        configuration.runtime.handoffPause = .seconds(
            integer(environment, "PERCH_HANDOFF_PAUSE", default: 24 * 3600, in: 60...(30 * 24 * 3600)))
        configuration.runtime.outbox.retryFor = .seconds(
            integer(environment, "PERCH_OUTBOX_RETRY_FOR", default: 3600, in: 0...(7 * 24 * 3600)))
        configuration.runtime.assignThroughFeedItems = environment["BIRD_ASSIGN_FEED_ITEMS"] == "true"
        for pair in list(environment["BIRD_TEAM_IDS"]) {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 {
                configuration.runtime.teamIDs[parts[0]] = parts[1]
            } else {
                problem("BIRD_TEAM_IDS", "'\(pair)' is not name=team-id")
            }
        }
        if environment["BIRD_ACCESS_KEY"] != nil {
            if environment["BIRD_WORKSPACE_ID"] == nil {
                problem("BIRD_WORKSPACE_ID", "is required with BIRD_ACCESS_KEY (replies go to /workspaces/{id}/...)")
            }
            if environment["BIRD_FLOW_ID"] == nil {
                problem("BIRD_FLOW_ID", "is required with BIRD_ACCESS_KEY (Perch sends as participant type flow)")
            }
        }
        if let text = environment["PERCH_LOG_FORMAT"] {
            if let format = LogFormat(rawValue: text) { logFormat = format } else {
                problem("PERCH_LOG_FORMAT", "'\(text)' is not one of json, text")
            }
        }
        if let text = environment["PERCH_LOG_LEVEL"] {
            if let level = Logger.Level(rawValue: text) { logLevel = level } else {
                problem("PERCH_LOG_LEVEL", "'\(text)' is not one of trace, debug, info, notice, warning, error, critical")
            }
        }
        shutdownGrace = .seconds(integer(environment, "PERCH_SHUTDOWN_GRACE", default: 20, in: 0...3600))
    }

    /// A comma-separated list, empty entries dropped.
    private func list(_ text: String?) -> [String] {
        (text ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    private mutating func problem(_ setting: String, _ text: String) {
        problems.append(ConfigurationError(setting: setting, problem: text))
    }

    private mutating func integer(_ environment: Environment, _ name: String, default value: Int, in range: ClosedRange<Int>)
        -> Int
    {
        guard let text = environment[name] else { return value }
        guard let number = Int(text), range.contains(number) else {
            problem(name, "'\(text)' is not a whole number from \(range.lowerBound) to \(range.upperBound)")
            return value
        }
        return number
    }

    private mutating func url(_ environment: Environment, _ name: String) -> String? {
        guard let text = environment[name] else { return nil }
        guard text.hasPrefix("https://") || text.hasPrefix("http://") else {
            problem(name, "'\(text)' is not an http(s) URL")
            return nil
        }
        return text
    }

    /// Bootstraps swift-log once for the process, in the configured format and level.
    func bootstrapLogging() -> Logger {
        let format = logFormat
        let sink = JSONLogHandler.Sink.standardError
        LoggingSystem.bootstrap { label in
            switch format {
            case .json: JSONLogHandler(label: label, sink: sink)
            case .text: StreamLogHandler.standardError(label: label)
            }
        }
        var logger = Logger(label: "perch")
        logger.logLevel = logLevel
        return logger
    }

    /// The effective configuration, one `NAME=value` per line, secrets masked.
    var printable: [(String, String)] {
        let c = configuration
        return [
            ("PERCH_LISTEN", c.listen.description),
            ("PERCH_METRICS_LISTEN", c.metricsListen?.description ?? "(unset: on PERCH_LISTEN)"),
            ("PERCH_FLOWS", c.flowsPaths.joined(separator: ":")),
            ("PERCH_STORE", c.storePath),
            ("PERCH_STORE_DURABILITY", c.durability.rawValue),
            ("PERCH_STORE_MAX_SIZE", c.storeMaximumSize.map { String($0 >> 20) } ?? "(unset)"),
            ("PERCH_PRUNE_INTERVAL", "\(c.pruneInterval.components.seconds)"),
            ("PERCH_RELOAD", c.flowsWatchInterval.map { "\($0.components.seconds)" } ?? "off"),
            ("PERCH_PUBLIC_URL", c.publicURL ?? "(unset)"),
            ("PERCH_MAX_BODY", String(c.maxBodySize)),
            ("PERCH_IDLE_TIMEOUT", String(c.idleTimeoutSeconds)),
            ("PERCH_MAX_CONNECTIONS", String(c.connectionLimit)),
            ("PERCH_QUEUE_LIMIT", String(c.runtime.queueLimit)),
            ("PERCH_SHUTDOWN_GRACE", "\(shutdownGrace.components.seconds)"),
            ("PERCH_LOG_FORMAT", logFormat.rawValue),
            ("PERCH_LOG_LEVEL", logLevel.rawValue),
            ("PERCH_ADMIN_TOKEN", Self.mask(c.adminToken)),
            ("PERCH_ALLOW_UNSIGNED", String(c.allowUnsigned)),
            ("PERCH_STALL_TIMEOUT", "\(c.stallTimeout.components.seconds)"),
            ("PERCH_MAX_CONNECTIONS_PER_CLIENT", String(c.connectionsPerClient)),
            ("PERCH_REQUEST_TIMEOUT", String(c.requestTimeoutSeconds)),
            ("BIRD_API_URL", c.bird.birdAPIURL),
            ("BIRD_ACCESS_KEY", Self.mask(c.bird.birdAccessKey)),
            ("BIRD_WORKSPACE_ID", c.bird.workspaceID ?? "(unset)"),
            ("BIRD_FLOW_ID", c.bird.flowID ?? "(unset)"),
            ("BIRD_SIGNING_KEY", Self.mask(c.birdSigningKey)),
            ("BIRD_ORGANIZATION_ID", c.bird.organizationID ?? "(unset)"),
            ("BIRD_WRITES_PER_SECOND", "\(Int(c.bird.rateLimits.writesPerSecond))"),
            ("BIRD_READS_PER_SECOND", "\(Int(c.bird.rateLimits.readsPerSecond))"),
            ("BIRD_MAX_IN_FLIGHT", String(c.bird.maxInFlight)),
            ("PERCH_CA_BUNDLE", c.bird.caBundlePath ?? "(unset: the system's)"),
            ("PERCH_POLL", c.poll.map { "\($0.interval) (\($0.generation.rawValue))" } ?? "(unset)"),
            ("BIRD_WHATSAPP_CHANNELS", c.runtime.whatsappChannelIDs.sorted().joined(separator: ",")),
            ("BIRD_TEAM_IDS", c.runtime.teamIDs.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")),
            ("BIRD_ASSIGN_FEED_ITEMS", String(c.runtime.assignThroughFeedItems)),
            ("PERCH_HANDOFF_PAUSE", "\(c.runtime.handoffPause.components.seconds)"),
            ("PERCH_OUTBOX_RETRY_FOR", "\(c.runtime.outbox.retryFor.components.seconds)"),
            ("MESSAGEBIRD_API_URL", c.bird.messageBirdAPIURL),
            ("MESSAGEBIRD_ACCESS_KEY", Self.mask(c.bird.messageBirdAccessKey)),
            ("MESSAGEBIRD_SIGNING_KEY", Self.mask(c.messageBirdSigningKey)),
        ]
    }

    /// Shows that a secret is set without showing it.
    static func mask(_ secret: String?) -> String {
        guard let secret else { return "(unset)" }
        return "set (\(secret.count) characters, hidden)"
    }
}
