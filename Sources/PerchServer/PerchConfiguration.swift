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
    /// `PERCH_PUBLIC_URL`: the URL Bird calls, when behind a proxy.
    public var publicURL: String?
    /// `BIRD_SIGNING_KEY`.
    public var birdSigningKey: String?
    /// `MESSAGEBIRD_SIGNING_KEY`.
    public var messageBirdSigningKey: String?
    /// `PERCH_MAX_BODY`: largest webhook body accepted.
    public var maxBodySize: Int
    public var bird: BirdConfiguration
    public var runtime: RuntimeConfiguration
    /// `--poll INTERVAL` / `PERCH_POLL`: read new messages from the conversations API too; nil = webhooks only.
    public var poll: PollerConfiguration? = nil

    public init(
        listen: ListenAddress = ListenAddress(host: "0.0.0.0", port: 8080),
        flowsPaths: [String] = ["flows"],
        storePath: String = "perch.sqlite",
        durability: Durability = .normal,
        publicURL: String? = nil,
        birdSigningKey: String? = nil,
        messageBirdSigningKey: String? = nil,
        maxBodySize: Int = 1 << 20,
        bird: BirdConfiguration = BirdConfiguration(),
        runtime: RuntimeConfiguration = RuntimeConfiguration()
    ) {
        self.listen = listen
        self.flowsPaths = flowsPaths
        self.storePath = storePath
        self.durability = durability
        self.publicURL = publicURL
        self.birdSigningKey = birdSigningKey
        self.messageBirdSigningKey = messageBirdSigningKey
        self.maxBodySize = maxBodySize
        self.bird = bird
        self.runtime = runtime
    }
}
