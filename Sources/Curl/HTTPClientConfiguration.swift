/// Timeouts and pool limits of an `HTTPClient`.
public struct HTTPClientConfiguration: Sendable {
    /// Longest time to establish a TCP (and TLS) connection.
    public var connectTimeout: Duration
    /// Longest time for a whole request, from start to last byte of the response.
    public var requestTimeout: Duration
    /// Most connections kept open to one host; further requests to it wait for a free one.
    public var maxConnectionsPerHost: Int
    /// Most connections open at once over all hosts (also the size of the idle-connection cache).
    public var maxConnectionsTotal: Int
    /// Largest response body accepted; a larger one fails with `HTTPClientError.responseTooLarge`.
    public var maxResponseBodySize: Int

    public init(
        connectTimeout: Duration = .seconds(5),
        requestTimeout: Duration = .seconds(30),
        maxConnectionsPerHost: Int = 8,
        maxConnectionsTotal: Int = 64,
        maxResponseBodySize: Int = 16 << 20
    ) {
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.maxConnectionsPerHost = maxConnectionsPerHost
        self.maxConnectionsTotal = maxConnectionsTotal
        self.maxResponseBodySize = maxResponseBodySize
    }
}
