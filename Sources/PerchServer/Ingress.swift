import CoreMetrics
import Foundation
import Logging
import MicroHTTP
import PerchBird
import PerchEvents
import PerchRuntime

/// The webhook endpoints: checks size, content type and signature, decodes, hands the event to the
/// sink (which stores it durably), and only then answers 200. Anything it cannot take gets a 4xx
/// with a reason, or a 503 so Bird retries.
public struct Ingress: Sendable {
    let sink: any EventSink
    let verifier: SignatureVerifier
    let publicURL: String?
    let logger: Logger
    let readiness: @Sendable () async -> Readiness
    let traces: @Sendable (String) async -> Trace?
    let adminToken: String?
    let metrics: any MetricsFactory
    let metricsText: (@Sendable () async -> String)?
    /// Why the runtime is stuck (`/healthz` then answers 503), or nil.
    let stall: @Sendable () -> String?

    /// - Parameters:
    ///   - publicURL: the URL Bird calls, when Perch sits behind a proxy (`PERCH_PUBLIC_URL`); signatures
    ///     cover the full URL, so it must match what was registered with Bird.
    ///   - readiness: what `/readyz` reports.
    ///   - traces: the explain trace of a recent event, by event id.
    ///   - adminToken: the bearer token `/explain` requires (`PERCH_ADMIN_TOKEN`); nil leaves it to
    ///     loopback clients only.
    ///   - stall: why the runtime makes no progress, when it does not (`/healthz` then fails).
    public init(
        sink: any EventSink, verifier: SignatureVerifier, publicURL: String?, logger: Logger,
        readiness: @escaping @Sendable () async -> Readiness,
        traces: @escaping @Sendable (String) async -> Trace? = { _ in nil }, adminToken: String? = nil,
        metrics: any MetricsFactory = NOOPMetricsHandler.instance, metricsText: (@Sendable () async -> String)? = nil,
        stall: @escaping @Sendable () -> String? = { nil }
    ) {
        self.stall = stall
        self.sink = sink
        self.verifier = verifier
        self.publicURL = publicURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        self.logger = logger
        self.readiness = readiness
        self.traces = traces
        self.adminToken = adminToken
        self.metrics = metrics
        self.metricsText = metricsText
    }

    /// Answers one HTTP request.
    public func respond(to request: ServerRequest) async -> ServerResponse {
        switch request.path {
        case "/healthz":
            guard request.method == "GET" || request.method == "HEAD" else { return Self.methodNotAllowed("GET") }
            if let reason = stall() {
                let body = JSONValue.object(["status": .string("stalled"), "error": .string(reason)])
                return .json(503, bytes: body.serializedBytes())
            }
            return .json(200, #"{"status":"ok"}"#)
        case "/readyz":
            guard request.method == "GET" || request.method == "HEAD" else { return Self.methodNotAllowed("GET") }
            let state = await readiness()
            return .json(state.isReady ? 200 : 503, state.json())
        case "/webhooks/messagebird":
            guard request.method == "POST" else { return Self.methodNotAllowed("POST") }
            return await webhook(request, source: .messageBird)
        case "/webhooks/messagebird/voice":
            guard request.method == "POST" else { return Self.methodNotAllowed("POST") }
            return await webhook(request, source: .messageBirdVoice)
        case "/webhooks/messagebird/sms-status":
            guard request.method == "GET" || request.method == "POST" else {
                return Self.methodNotAllowed("GET, POST")
            }
            return await webhook(request, source: .smsStatus)
        case "/webhooks/bird":
            guard request.method == "POST" else { return Self.methodNotAllowed("POST") }
            return await webhook(request, source: .bird)
        case "/metrics" where metricsText != nil:
            guard request.method == "GET" else { return Self.methodNotAllowed("GET") }
            var response = ServerResponse.text(200, await metricsText!())
            response.headers.replaceOrAdd(name: "Content-Type", value: "text/plain; version=0.0.4; charset=utf-8")
            return response
        case _ where request.path.hasPrefix("/explain/"):
            guard request.method == "GET" else { return Self.methodNotAllowed("GET") }
            return await explain(request)
        default:
            return Self.problem(404, "no such endpoint: \(request.method) \(request.path)")
        }
    }

    func webhook(_ request: ServerRequest, source: WebhookSource) async -> ServerResponse {
        if !request.body.isEmpty, let type = request.headers["content-type"], !source.accepts(contentType: type) {
            rejected("content_type")
            return Self.problem(415, "expected Content-Type \(source.expectedContentType), got \(type)")
        }
        if let name = Self.repeatedHeader(in: request.headers) {
            rejected("malformed")
            return Self.problem(400, "header \(name) appears more than once; send it once")
        }
        let check = verifier.verify(
            WebhookRequest(
                url: fullURL(of: request), headers: Self.firstValues(request.headers), body: request.body,
                query: request.queryItems),
            generation: source.generation)
        if case .rejected(let reason) = check {
            logger.warning(
                "webhook rejected", metadata: ["webhook.source": "\(source.rawValue)", "reason": "\(reason)"])
            rejected("signature")
            return Self.problem(401, reason)
        }
        var metadata: [String: String] = [:]
        if !request.query.isEmpty { metadata["query"] = request.query }
        if let id = request.headers["messagebird-request-id"] { metadata["request-id"] = id }
        let event: Event
        do {
            event = try source.decode(body: request.body, metadata: metadata)
        } catch {
            logger.warning(
                "webhook malformed", metadata: ["webhook.source": "\(source.rawValue)", "reason": "\(error)"])
            rejected("malformed")
            return Self.problem(400, error.description)
        }
        if let problem = EventIDCheck.problem(in: event) {
            logger.warning(
                "webhook refused", metadata: ["webhook.source": "\(source.rawValue)", "reason": "\(problem)"])
            rejected("malformed")
            return Self.problem(400, problem)
        }
        Counter(
            label: "perch_events_received_total",
            dimensions: [("generation", source.generation.rawValue), ("kind", event.kind.rawValue)], factory: metrics
        ).increment()
        if !WebhookDecoder.isKnown(event) {
            Counter(
                label: "perch_events_unknown_total", dimensions: [("generation", source.generation.rawValue)],
                factory: metrics
            ).increment()
            // Accepted all the same: Bird would retry anything else for hours. Flows may still match it by name.
            logger.notice(
                "webhook event not known to Perch",
                metadata: ["webhook.source": "\(source.rawValue)", "event.name": "\(event.name)"])
        }
        let outcome = await sink.ingest(
            Delivery(event: event, source: source.rawValue, payload: request.body, metadata: metadata))
        switch outcome {
        case .accepted:
            return .json(200, bytes: Self.acknowledgement("accepted", event: event))
        case .duplicate:
            Counter(label: "perch_events_deduped_total", factory: metrics).increment()
            return .json(200, bytes: Self.acknowledgement("duplicate", event: event))
        case .unavailable(let reason):
            rejected("unavailable")
            var response = Self.problem(503, reason)
            response.headers.add(name: "Retry-After", value: "5")
            return response
        }
    }

    private func rejected(_ reason: String) {
        Counter(label: "perch_events_rejected_total", dimensions: [("reason", reason)], factory: metrics).increment()
    }

    /// `GET /explain/{eventId}`: why a recent event did what it did, as JSON or (`?format=text`) text.
    func explain(_ request: ServerRequest) async -> ServerResponse {
        if let adminToken {
            let given = request.headers["authorization"] ?? ""
            guard Self.constantTimeEqual(given, "Bearer " + adminToken) else {
                return Self.problem(401, "explain needs the admin token: Authorization: Bearer $PERCH_ADMIN_TOKEN")
            }
        } else if !request.isFromLoopback || request.headers.contains("x-forwarded-for")
            || request.headers.contains("forwarded")
        {
            // Traces hold customers' texts and attributes: without a token, only this host may read
            // them. A proxy on this host relays strangers, and says so in its forwarding headers.
            return Self.problem(
                403, "explain answers only this host while PERCH_ADMIN_TOKEN is unset; set it to ask remotely")
        }
        let id = String(request.path.dropFirst("/explain/".count)).removingPercentEncoding ?? ""
        guard !id.isEmpty, let trace = await traces(id) else {
            return Self.problem(404, "no recent trace for event '\(id)'; traces are kept for recent events only")
        }
        if request.queryItems.contains(where: { $0.name == "format" && $0.value == "text" }) {
            return .text(200, trace.text + "\n")
        }
        return .json(200, trace.json())
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        var difference = UInt8(x.count == y.count ? 0 : 1)
        for index in 0..<min(x.count, y.count) { difference |= x[index] ^ y[index] }
        return difference == 0
    }

    /// The URL Bird called, as signatures cover it.
    func fullURL(of request: ServerRequest) -> String {
        if let publicURL { return publicURL + request.target }
        let scheme = request.headers["x-forwarded-proto"] ?? "http"
        let host = request.headers["x-forwarded-host"] ?? request.headers["host"] ?? "localhost"
        return "\(scheme)://\(host)\(request.target)"
    }

    /// The first value of each header by its lower-cased name, so that two spellings of one name
    /// cannot race for the same key (the ones the signature depends on are refused when repeated).
    static func firstValues(_ headers: HTTPHeaders) -> [String: String] {
        var result = [String: String](minimumCapacity: headers.count)
        for (name, value) in headers {
            let key = name.lowercased()
            if result[key] == nil { result[key] = value }
        }
        return result
    }

    /// Headers that decide how a webhook is checked or where it is said to come from: each may be
    /// sent once. Repeated (in any letter case), which copy counts would be a guess, so the request
    /// is refused.
    static let singleHeaders = [
        "messagebird-signature", "messagebird-signature-jwt", "messagebird-request-timestamp", "content-type",
        "host", "x-forwarded-proto", "x-forwarded-host", "messagebird-request-id",
    ]

    /// The first of ``singleHeaders`` that the request repeats, or nil.
    static func repeatedHeader(in headers: HTTPHeaders) -> String? {
        singleHeaders.first { headers.values(for: $0).count > 1 }
    }

    /// The 200 body: the outcome and the event id, which `/explain` and the logs use.
    static func acknowledgement(_ status: String, event: Event) -> [UInt8] {
        JSONValue.object(["status": .string(status), "event": .string(event.key)]).serializedBytes()
    }

    static func problem(_ status: Int, _ reason: String) -> ServerResponse {
        .json(status, bytes: JSONValue.object(["error": .string(reason)]).serializedBytes())
    }

    static func methodNotAllowed(_ allowed: String) -> ServerResponse {
        var response = problem(405, "method not allowed; use \(allowed)")
        response.headers.add(name: "Allow", value: allowed)
        return response
    }
}
