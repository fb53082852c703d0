import CoreMetrics
import Curl
import Foundation
import Logging
import PerchEvents
import Synchronization

/// Executes `BirdRequest`s against the Bird APIs through libcurl, or, in sandbox mode (no access
/// key configured), records and logs each call instead of sending it.
///
/// Every attempt first takes a slot from the workspace's ``RateLimiter``; a failed attempt is tried
/// again as the configuration's ``RetryPolicy`` decides (connection errors, timeouts, 429 honouring
/// `Retry-After`, 5xx), waiting on the injected ``ClientClock``. Other 4xx answers fail at once.
public final class BirdClient: Sendable {
    private let configuration: BirdConfiguration
    private let http: HTTPClient
    private let logger: Logger
    private let sandbox: SandboxRecorder?
    private let clock: any ClientClock
    private let jitter: @Sendable () -> Double
    private let metrics: any MetricsFactory
    /// The per-workspace pacing every attempt goes through.
    public let limiter: RateLimiter
    /// HTTP exchanges with Bird under way now (`perch_bird_calls_in_flight`).
    private let inFlight = Mutex(0)

    /// - Parameters:
    ///   - configuration: base URLs, keys and ids, retry policy and rate limits.
    ///   - http: the libcurl client to send through (shared; its pool gives keep-alive).
    ///   - logger: where sandbox calls, retries and failures are logged.
    ///   - clock: waits between retries and for rate-limit slots; tests inject a virtual one.
    ///   - jitter: a value in `0..<1` for each backoff; random by default.
    ///   - metrics: where calls (by endpoint and status), their latency and retries are recorded.
    public init(
        configuration: BirdConfiguration, http: HTTPClient, logger: Logger,
        clock: any ClientClock = SystemClientClock(),
        jitter: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        metrics: any MetricsFactory = NOOPMetricsHandler.instance
    ) {
        self.metrics = metrics
        self.configuration = configuration
        self.http = http
        self.logger = logger
        self.sandbox = configuration.isSandbox ? SandboxRecorder() : nil
        self.clock = clock
        self.jitter = jitter
        self.limiter = RateLimiter(limits: configuration.rateLimits, clock: clock)
    }

    public var isSandbox: Bool { sandbox != nil }
    /// Calls recorded in sandbox mode, oldest first.
    public var sandboxCalls: [BirdRequest] { sandbox?.calls ?? [] }
    /// The workspace, organization and ids the client was configured with.
    public var birdConfiguration: BirdConfiguration { configuration }

    /// Sends one request, retrying as the policy says; returns Bird's answer for 2xx, throws
    /// `BirdAPIError` otherwise (with the last failure, its status, Bird's code and text, and the
    /// number of attempts).
    /// - Parameters:
    ///   - beforeRetry: asked before an attempt that follows a failure after which Bird may
    ///   hold the request anyway (a timeout, a broken connection, a 5xx); when it returns Bird's answer
    ///   (the message found by its reference), that is the result and nothing is sent again.
    ///   - retry: the policy for this call in place of the configuration's (the outbox keeps its own backoff).
    public func perform(
        _ request: BirdRequest, retry: RetryPolicy? = nil,
        beforeRetry: (@Sendable (BirdAPIError) async -> BirdResponse?)? = nil
    ) async throws(BirdAPIError) -> BirdResponse {
        if let sandbox {
            sandbox.record(request)
            logger.notice(
                "sandbox: call not sent",
                metadata: [
                    "bird.endpoint": "\(request.endpoint)", "bird.request": "\(request)",
                    "bird.body": "\(request.body?.serialized() ?? "")",
                ])
            return BirdResponse(status: 202, body: nil)
        }
        var attempt = 1
        while true {
            do {
                return try await attemptOnce(request)
            } catch {
                var failure = error
                failure.attempts = attempt
                if failure.isCancelled { throw failure }
                let policy = retry ?? configuration.retry
                switch policy.decision(afterAttempt: attempt, error: failure, jitter: jitter()) {
                case .giveUp:
                    throw failure
                case .retry(let wait):
                    Counter(
                        label: "perch_bird_retries_total", dimensions: [("endpoint", request.endpoint)],
                        factory: metrics
                    ).increment()
                    logger.warning(
                        "bird call failed; retrying",
                        metadata: [
                            "bird.endpoint": "\(request.endpoint)", "bird.attempt": "\(attempt)",
                            "retry.wait": "\(wait)", "error": "\(failure)",
                        ])
                    do {
                        try await clock.sleep(for: wait)
                    } catch {
                        throw failure
                    }
                    if failure.mayHaveReachedBird, let beforeRetry, let found = await beforeRetry(failure) {
                        return found
                    }
                    attempt += 1
                }
            }
        }
    }

    /// One attempt: a rate-limit slot, then the HTTP exchange.
    private func attemptOnce(_ request: BirdRequest) async throws(BirdAPIError) -> BirdResponse {
        let (base, key) = target(of: request.generation)
        guard let key else {
            throw .notConfigured("no access key for the \(request.generation.rawValue) API")
        }
        do {
            try await limiter.acquire(scope: Self.scope(of: request), kind: RateLimiter.Kind(method: request.method))
        } catch {
            throw .cancelled()
        }
        var headers: [(name: String, value: String)] = [
            ("Authorization", "AccessKey \(key)"), ("Accept", "application/json"),
        ]
        var body: [UInt8]?
        if let json = request.body {
            headers.append(("Content-Type", "application/json"))
            body = json.serializedBytes()
        }
        let response: ClientResponse
        let started = ContinuousClock.now
        changeInFlight(by: 1)
        defer {
            changeInFlight(by: -1)
            let (seconds, attoseconds) = (ContinuousClock.now - started).components
            Timer(label: "perch_bird_call_duration_seconds", dimensions: [("endpoint", request.endpoint)], factory: metrics)
                .recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        }
        do {
            response = try await http.execute(
                ClientRequest(
                    method: request.method, url: base + request.path, headers: headers, body: body,
                    timeout: configuration.requestTimeout))
        } catch let error as HTTPClientError {
            countCall(request, status: error.isTimeout ? "timeout" : "error")
            if error.isTimeout { throw .timeout(error.message) }
            // A malformed URL or a failed TLS check does not heal by itself: check BIRD_API_URL.
            if error == .invalidRequest || error == .tlsFailed { throw .invalidRequest(error.message) }
            throw .transport(error.message)
        } catch {
            if error is CancellationError { throw .cancelled() }
            throw .transport("\(error)")
        }
        countCall(request, status: String(response.status))
        Counter(
            label: "perch_bird_responses_by_http_version_total",
            dimensions: [("version", response.httpVersion.isEmpty ? "unknown" : response.httpVersion)], factory: metrics
        ).increment()
        let json = response.body.isEmpty ? nil : try? JSONValue(parsing: response.body)
        guard (200..<300).contains(response.status) else {
            let (code, message) = Self.errorDetails(json, generation: request.generation)
            throw .status(
                response.status, birdCode: code,
                message: message ?? String(decoding: response.body.prefix(300), as: UTF8.self),
                retryAfter: response.header("Retry-After").flatMap { Self.retryAfterSeconds($0) })
        }
        return BirdResponse(status: response.status, body: json)
    }

    /// Records under the lock, so that two calls changing the count at once cannot leave the gauge
    /// at the older value.
    private func changeInFlight(by change: Int) {
        inFlight.withLock { count in
            count += change
            Gauge(label: "perch_bird_calls_in_flight", factory: metrics).record(count)
        }
    }

    private func countCall(_ request: BirdRequest, status: String) {
        Counter(
            label: "perch_bird_calls_total", dimensions: [("endpoint", request.endpoint), ("status", status)],
            factory: metrics
        ).increment()
    }

    /// The rate-limit scope of a request: its workspace (Bird limits per workspace), or the legacy API as a whole.
    static func scope(of request: BirdRequest) -> String {
        guard request.generation == .bird else { return "messagebird" }
        let parts = request.path.split(separator: "/", omittingEmptySubsequences: true)
        if let index = parts.firstIndex(of: "workspaces"), index + 1 < parts.count {
            return "bird:" + parts[index + 1]
        }
        return "bird"
    }

    /// `Retry-After` in seconds, given as seconds or as an HTTP date (RFC 9110: `Sun, 06 Nov 1994
    /// 08:49:37 GMT`; a date in the past means now).
    static func retryAfterSeconds(_ text: String, now: Date = Date()) -> Double? {
        if let seconds = Double(text.filter { $0 != " " }) {
            guard seconds.isFinite, seconds >= 0 else { return nil }
            return seconds
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: text.trimmingCharacters(in: .whitespaces)) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }

    private func target(of generation: Generation) -> (base: String, key: String?) {
        switch generation {
        case .bird: (Self.trimmed(configuration.birdAPIURL), configuration.birdAccessKey)
        case .messagebird: (Self.trimmed(configuration.messageBirdAPIURL), configuration.messageBirdAccessKey)
        }
    }

    private static func trimmed(_ url: String) -> String {
        url.hasSuffix("/") ? String(url.dropLast()) : url
    }

    /// Bird's error code and text from an error body of any generation.
    static func errorDetails(_ json: JSONValue?, generation: Generation) -> (code: String?, message: String?) {
        guard let json else { return (nil, nil) }
        // Legacy: {"errors":[{"code":2,"description":"...","parameter":...}]}
        if let first = json["errors"]?[0] {
            var message = first["description"]?.stringValue
            if let parameter = first["parameter"]?.stringValue, let text = message {
                message = text + " (parameter \(parameter))"
            }
            return (first["code"]?.stringValue, message)
        }
        // Newest bird.com API: {"error":{"code":"E...","message":"..."}}.
        if case .object? = json["error"], let error = json["error"] {
            return (error["code"]?.stringValue, error["message"]?.stringValue)
        }
        // Bird platform: {"code":"...","message":"..."} (field names seen in practice; not documented).
        return (json["code"]?.stringValue, json["message"]?.stringValue ?? json["error"]?.stringValue)
    }
}
