import PerchBird
import PerchRuntime
import PerchStore

/// Everything `perch serve` needs, with the defaults the README documents. The executable fills it
/// from the environment and flags; tests build it directly.
public struct PerchConfiguration: Sendable {
    /// `PERCH_LISTEN`.
    public var listen: ListenAddress
    /// `PERCH_FLOWS`: flow files or directories.
    public var flowsPaths: [String]
    /// `PERCH_STORE`: the SQLite file.
    public var storePath: String
    /// `PERCH_STORE_DURABILITY`.
    public var durability: Durability
    /// `PERCH_STORE_MAX_SIZE`: the largest the store file may grow, in bytes (`nil`: no limit). When
    /// it is reached the ingress answers 503 until pruning frees room, as on a full disk.
    public var storeMaximumSize: Int?
    /// What the store keeps and for how long.
    public var retention: RetentionPolicy
    /// `PERCH_PRUNE_INTERVAL`: how often the store is pruned by ``retention`` while Perch runs.
    public var pruneInterval: Duration
    /// `PERCH_RELOAD`: how often flow files are checked for changes (`nil`: only on SIGHUP).
    public var flowsWatchInterval: Duration?
    /// `PERCH_PUBLIC_URL`: the URL Bird calls, when behind a proxy.
    public var publicURL: String?
    /// `BIRD_SIGNING_KEY`.
    public var birdSigningKey: String?
    /// `MESSAGEBIRD_SIGNING_KEY`.
    public var messageBirdSigningKey: String?
    /// `PERCH_MAX_BODY`: largest webhook body accepted.
    public var maxBodySize: Int
    /// `PERCH_IDLE_TIMEOUT`: seconds a connection may stay idle or stall mid-request before it is closed.
    public var idleTimeoutSeconds: Int
    /// `PERCH_MAX_CONNECTIONS`: connections held open at once, at most.
    public var connectionLimit: Int
    /// `PERCH_METRICS_LISTEN`: serve `/metrics` on this address instead of the webhook port.
    public var metricsListen: ListenAddress?
    /// `PERCH_ADMIN_TOKEN`: bearer token for `/explain`; unset leaves it open.
    public var adminToken: String?
    public var bird: BirdConfiguration
    public var runtime: RuntimeConfiguration
    /// `PERCH_ALLOW_UNSIGNED`: accept webhooks of a generation without a signing key even outside
    /// sandbox mode (local testing only); by default such endpoints answer 401.
    public var allowUnsigned = false
    /// `PERCH_STALL_TIMEOUT`: `/healthz` fails once events are queued and none has finished for this long.
    public var stallTimeout: Duration = .seconds(300)
    /// `PERCH_MAX_CONNECTIONS_PER_CLIENT`: connections one client address may hold open at once (0: no limit).
    public var connectionsPerClient = 64
    /// `PERCH_REQUEST_TIMEOUT`: seconds a client has to send a whole request, however it trickles.
    public var requestTimeoutSeconds = 30
    /// `--poll INTERVAL` / `PERCH_POLL`: read new messages from the conversations API too; nil = webhooks only.
    public var poll: PollerConfiguration? = nil

    public init(
        listen: ListenAddress = ListenAddress(host: "0.0.0.0", port: 8080),
        flowsPaths: [String] = ["flows"],
        storePath: String = "perch.sqlite",
        durability: Durability = .normal,
        storeMaximumSize: Int? = nil,
        retention: RetentionPolicy = RetentionPolicy(),
        pruneInterval: Duration = .seconds(600),
        flowsWatchInterval: Duration? = .seconds(2),
        publicURL: String? = nil,
        birdSigningKey: String? = nil,
        messageBirdSigningKey: String? = nil,
        maxBodySize: Int = 1 << 20,
        idleTimeoutSeconds: Int = 30,
        connectionLimit: Int = 1024,
        metricsListen: ListenAddress? = nil,
        adminToken: String? = nil,
        bird: BirdConfiguration = BirdConfiguration(),
        runtime: RuntimeConfiguration = RuntimeConfiguration()
    ) {
        self.listen = listen
        self.flowsPaths = flowsPaths
        self.storePath = storePath
        self.durability = durability
        self.storeMaximumSize = storeMaximumSize
        self.retention = retention
        self.pruneInterval = pruneInterval
        self.flowsWatchInterval = flowsWatchInterval
        self.publicURL = publicURL
        self.birdSigningKey = birdSigningKey
        self.messageBirdSigningKey = messageBirdSigningKey
        self.maxBodySize = maxBodySize
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.connectionLimit = connectionLimit
        self.metricsListen = metricsListen
        self.adminToken = adminToken
        self.bird = bird
        self.runtime = runtime
    }
}
