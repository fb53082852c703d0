/// Timeouts and pool limits of an `HTTPClient`.
public struct HTTPClientConfiguration: Sendable {
    /// Longest time to establish a TCP (and TLS) connection.
    public var connectTimeout: Duration
    /// Longest time for a whole request, from start to last byte of the response.
    public var requestTimeout: Duration
    /// Most connections kept open to one host.
    public var maxConnectionsPerHost: Int

    public init(
        connectTimeout: Duration = .seconds(5),
        requestTimeout: Duration = .seconds(30),
        maxConnectionsPerHost: Int = 8
    ) {
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.maxConnectionsPerHost = maxConnectionsPerHost
    }
}
