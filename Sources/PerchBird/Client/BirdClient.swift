import Curl
import Logging
import PerchEvents

/// Executes `BirdRequest`s against the Bird APIs through libcurl, or, in sandbox mode (no access
/// key configured), records and logs each call instead of sending it.
public final class BirdClient: Sendable {
    private let configuration: BirdConfiguration
    private let http: HTTPClient
    private let logger: Logger
    private let sandbox: SandboxRecorder?

    /// - Parameters:
    ///   - configuration: base URLs, keys and ids.
    ///   - http: the libcurl client to send through (shared; its pool gives keep-alive).
    ///   - logger: where sandbox calls and failures are logged.
    public init(configuration: BirdConfiguration, http: HTTPClient, logger: Logger) {
        self.configuration = configuration
        self.http = http
        self.logger = logger
        self.sandbox = configuration.isSandbox ? SandboxRecorder() : nil
    }

    public var isSandbox: Bool { sandbox != nil }
    /// Calls recorded in sandbox mode, oldest first.
    public var sandboxCalls: [BirdRequest] { sandbox?.calls ?? [] }

    /// Sends one request; returns Bird's answer for 2xx, throws `BirdAPIError` otherwise.
    public func perform(_ request: BirdRequest) async throws(BirdAPIError) -> BirdResponse {
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
        let (base, key) = target(of: request.generation)
        guard let key else {
            throw .notConfigured("no access key for the \(request.generation.rawValue) API")
        }
        var headers: [(name: String, value: String)] = [
            ("Authorization", "AccessKey \(key)"), ("Accept", "application/json"),
        ]
        var body: [UInt8]?
        if let json = request.body {
            headers.append(("Content-Type", "application/json"))
            body = Array(json.serialized().utf8)
        }
        let response: ClientResponse
        do {
            response = try await http.execute(
                ClientRequest(method: request.method, url: base + request.path, headers: headers, body: body))
        } catch {
            throw .transport("\(error)")
        }
        let json = response.body.isEmpty ? nil : try? JSONValue(parsing: response.body)
        guard (200..<300).contains(response.status) else {
            let (code, message) = Self.errorDetails(json, generation: request.generation)
            throw .status(
                response.status, birdCode: code,
                message: message ?? String(decoding: response.body.prefix(300), as: UTF8.self),
                retryAfter: response.header("Retry-After").flatMap(Double.init))
        }
        return BirdResponse(status: response.status, body: json)
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

    /// Bird's error code and text from an error body of either generation.
    static func errorDetails(_ json: JSONValue?, generation: Generation) -> (code: String?, message: String?) {
        guard let json else { return (nil, nil) }
        // Legacy: {"errors":[{"code":2,"description":"...","parameter":...}]}
        if let first = json["errors"]?[0] {
            return (first["code"]?.stringValue, first["description"]?.stringValue)
        }
        // Bird platform: {"code":"...","message":"..."} (field names seen in practice; not documented).
        return (json["code"]?.stringValue, json["message"]?.stringValue ?? json["error"]?.stringValue)
    }
}
