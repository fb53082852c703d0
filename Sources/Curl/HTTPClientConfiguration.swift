/// Timeouts and pool limits of an `HTTPClient`.
public struct HTTPClientConfiguration: Sendable {
    /// Longest time to establish a TCP (and TLS) connection.
    public var connectTimeout: Duration
    /// Longest time for a whole request, from start to last byte of the response.
    public var requestTimeout: Duration
    /// Most connections kept open to one host; further requests to it wait for a free one (or, over
    /// HTTP/2, for a free stream on an open one).
    public var maxConnectionsPerHost: Int
    /// Most connections open at once over all hosts (also the size of the idle-connection cache).
    public var maxConnectionsTotal: Int
    /// Largest response body accepted; a larger one fails with `HTTPClientError.responseTooLarge`.
    public var maxResponseBodySize: Int
    /// Most requests at once on one HTTP/2 connection (the server's own limit applies if lower).
    public var maxConcurrentStreams: Int
    /// Over `https`, offer HTTP/2 and, when the server takes it, send concurrent requests as streams
    /// of one connection: a request waits for the first connection's handshake instead of opening a
    /// connection of its own. Plain `http` always speaks HTTP/1.1.
    public var multiplexing: Bool
    /// A file of CA certificates (PEM) to trust instead of the system's; nil uses the system's.
    public var caBundlePath: String?

    public init(
        connectTimeout: Duration = .seconds(5),
        requestTimeout: Duration = .seconds(30),
        maxConnectionsPerHost: Int = 8,
        maxConnectionsTotal: Int = 64,
        maxResponseBodySize: Int = 16 << 20,
        maxConcurrentStreams: Int = 100,
        multiplexing: Bool = true,
        caBundlePath: String? = nil
    ) {
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.maxConnectionsPerHost = maxConnectionsPerHost
        self.maxConnectionsTotal = maxConnectionsTotal
        self.maxResponseBodySize = maxResponseBodySize
        self.maxConcurrentStreams = maxConcurrentStreams
        self.multiplexing = multiplexing
        self.caBundlePath = caBundlePath
    }

    /// Limits for `inFlight` requests at once to one host: over HTTP/1.1 one connection each, over
    /// HTTP/2 as many streams on a connection (the server's `SETTINGS_MAX_CONCURRENT_STREAMS` may
    /// split them over several). By Little's law `inFlight` = pace × latency: 500 calls/s to a host
    /// 200 ms away keep 100 in flight.
    public static func sized(forInFlight inFlight: Int, base: HTTPClientConfiguration = .init()) -> Self {
        var configuration = base
        let inFlight = max(1, inFlight)
        configuration.maxConnectionsPerHost = inFlight
        // Room for the other hosts Perch calls (webhook actions) beside the busy one.
        configuration.maxConnectionsTotal = inFlight + base.maxConnectionsTotal
        configuration.maxConcurrentStreams = inFlight
        return configuration
    }
}
