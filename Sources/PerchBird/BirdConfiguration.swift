import Curl

/// Where Perch reaches Bird, and as whom.
public struct BirdConfiguration: Sendable {
    /// Bird platform API base URL (`BIRD_API_URL`).
    public var birdAPIURL: String
    /// Legacy MessageBird Conversations API base URL (`MESSAGEBIRD_API_URL`).
    public var messageBirdAPIURL: String
    /// Access key for the Bird platform (`BIRD_ACCESS_KEY`); nil means sandbox mode.
    public var birdAccessKey: String?
    /// Access key for the legacy API (`MESSAGEBIRD_ACCESS_KEY`, defaults to the Bird one).
    public var messageBirdAccessKey: String?
    /// Workspace that conversations belong to (`BIRD_WORKSPACE_ID`).
    public var workspaceID: String?
    /// Participant id Perch sends as, with participant type `flow` (`BIRD_FLOW_ID`).
    public var flowID: String?
    /// Organization of the workspace (`BIRD_ORGANIZATION_ID`): webhook subscriptions are created
    /// under `/organizations/{org}/workspaces/{ws}` when set, else under `/workspaces/{ws}`.
    public var organizationID: String?
    /// How failed calls are retried.
    public var retry: RetryPolicy = RetryPolicy()
    /// Client-side request rates per workspace.
    public var rateLimits: RateLimits = RateLimits()
    /// Deadline of one attempt; nil uses the HTTP client's `requestTimeout`.
    public var requestTimeout: Duration? = nil
    /// Most Bird calls in flight at once (`BIRD_MAX_IN_FLIGHT`): by Little's law the pace times
    /// Bird's latency, so 256 keeps 500 calls/s going up to about 500 ms away.
    public var maxInFlight: Int = 256
    /// A PEM file of CA certificates to trust instead of the system's (`PERCH_CA_BUNDLE`).
    public var caBundlePath: String? = nil

    /// The HTTP client limits for this configuration: a connection per call in flight over
    /// HTTP/1.1, as many streams over HTTP/2 (which Bird's HTTPS endpoints get when they offer it).
    public var httpClientConfiguration: HTTPClientConfiguration {
        var configuration = HTTPClientConfiguration.sized(forInFlight: maxInFlight)
        configuration.caBundlePath = caBundlePath
        return configuration
    }

    public init(
        birdAPIURL: String = "https://api.bird.com",
        messageBirdAPIURL: String = "https://conversations.messagebird.com/v1",
        birdAccessKey: String? = nil,
        messageBirdAccessKey: String? = nil,
        workspaceID: String? = nil,
        flowID: String? = nil,
        organizationID: String? = nil
    ) {
        self.birdAPIURL = birdAPIURL
        self.messageBirdAPIURL = messageBirdAPIURL
        self.birdAccessKey = birdAccessKey
        self.messageBirdAccessKey = messageBirdAccessKey ?? birdAccessKey
        self.workspaceID = workspaceID
        self.flowID = flowID
        self.organizationID = organizationID
    }

    /// True when no access key is set: calls are recorded and logged, never sent.
    public var isSandbox: Bool { birdAccessKey == nil && messageBirdAccessKey == nil }
}
