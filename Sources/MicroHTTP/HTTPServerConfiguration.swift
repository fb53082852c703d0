/// How an `HTTPServer` binds and what it accepts.
public struct HTTPServerConfiguration: Sendable {
    /// Address to bind, e.g. `127.0.0.1` or `0.0.0.0`.
    public var host: String
    /// Port to bind; 0 picks a free one (read it back from `HTTPServer.port`).
    public var port: Int
    /// Largest request body accepted; larger ones are answered 413.
    public var maxBodySize: Int
    /// Most connections held open at once.
    public var connectionLimit: Int
    /// Seconds a connection may stay idle (or stall mid-request) before it is closed.
    public var idleTimeoutSeconds: Int
    /// Connections one client address may hold open at once; 0 means no limit.
    public var connectionsPerClient: Int = 0
    /// Seconds a client has to send a whole request (from the connection's start or its previous
    /// response until the handler starts), however slowly it trickles; 0 means no such deadline.
    public var requestTimeoutSeconds: Int = 0
    /// libmicrohttpd worker threads.
    public var threads: Int
    /// Seconds a handler may take before the server answers 503 in its place (a suspended
    /// connection has no libmicrohttpd timeout, so this is the only bound on it).
    public var handlerTimeoutSeconds: Int

    public init(
        host: String = "127.0.0.1",
        port: Int = 0,
        maxBodySize: Int = 1 << 20,
        connectionLimit: Int = 1024,
        idleTimeoutSeconds: Int = 30,
        threads: Int = 2,
        handlerTimeoutSeconds: Int = 30
    ) {
        self.host = host
        self.port = port
        self.maxBodySize = maxBodySize
        self.connectionLimit = connectionLimit
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.threads = threads
        self.handlerTimeoutSeconds = handlerTimeoutSeconds
    }
}
