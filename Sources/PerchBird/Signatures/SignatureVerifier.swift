import Foundation
import PerchEvents

/// Checks that a webhook comes from Bird, with every scheme of the reference (section 2).
///
/// A configured key makes a signature required: a request without one is rejected. Without a
/// key, requests are ``SignatureCheck/unsigned`` (the server warns at start-up).
///
/// ## Timestamp tolerances
/// A signature proves who sent the bytes, not when; the timestamp window bounds how long a
/// captured request can be replayed. Replaying an unchanged request only redelivers the same
/// event, which the dispatcher drops by its ``Event/key`` — so the window mainly has to be
/// long enough never to refuse a genuine delivery, and the dedupe store must remember keys for at
/// least as long as the window.
/// - Bird platform (`birdTolerance`, default 24 hours): Bird retries non-2xx answers for 8 hours
///   or more and re-sends the *original* timestamp; practitioners saw 3–4 hour old timestamps and
///   a 5-minute window dropping real messages. 24 hours covers the whole retry period.
/// - Legacy `MessageBird-Signature` (`legacyTolerance`, default 1 hour): the SDKs use 2.5 s to
///   100 s, which suggests that each attempt is signed afresh, but the legacy retry policy is
///   undocumented; an hour absorbs clock skew, queueing and early retries without making replays
///   useful.
/// - Timestamps in the future are accepted up to 5 minutes (or the tolerance, if smaller) for
///   clock skew.
/// - `MessageBird-Signature-JWT` carries its own `nbf`/`exp` (60 s apart, set by the signer);
///   they are checked with `jwtLeeway` (default 5 s, the Node SDK's; Go and PHP use 1 s).
public struct SignatureVerifier: Sendable {
    /// ``SignatureCheck/verified(scheme:)`` for `MessageBird-Signature-JWT`.
    public static let messageBirdJWTScheme = "messagebird-signature-jwt"
    /// ``SignatureCheck/verified(scheme:)`` for legacy `MessageBird-Signature` + timestamp.
    public static let messageBirdHMACScheme = "messagebird-signature"
    /// ``SignatureCheck/verified(scheme:)`` for the Bird platform's `messagebird-signature`.
    public static let birdHMACScheme = "bird-signature"

    let messageBirdKey: [UInt8]?
    let birdKey: [UInt8]?
    let now: @Sendable () -> Date
    let legacyTolerance: Int64
    let birdTolerance: Int64
    let jwtLeeway: Int64
    /// Whether a generation without a signing key refuses its webhooks (fails closed) instead of
    /// accepting them unchecked.
    let requiresSignatures: Bool

    /// - Parameters:
    ///   - messageBirdSigningKey: `MESSAGEBIRD_SIGNING_KEY`, used as UTF-8 bytes (never hex-decoded).
    ///   - birdSigningKey: `BIRD_SIGNING_KEY`, the `signingKey` of the webhook subscription.
    ///   - now: the clock; tests inject the vectors' time.
    ///   - legacyTolerance: maximum age of a `MessageBird-Request-Timestamp`.
    ///   - birdTolerance: maximum age of a Bird `messagebird-request-timestamp`.
    ///   - jwtLeeway: clock skew allowed on a JWT's `nbf` and `exp`.
    ///   - requiresSignatures: refuse the webhooks of a generation whose key is unset or empty
    ///     (true outside sandbox mode, unless `PERCH_ALLOW_UNSIGNED` is set).
    public init(
        messageBirdSigningKey: String?, birdSigningKey: String?, now: @escaping @Sendable () -> Date = { Date() },
        legacyTolerance: Duration = .seconds(3600), birdTolerance: Duration = .seconds(86_400),
        jwtLeeway: Duration = .seconds(5), requiresSignatures: Bool = false
    ) {
        self.requiresSignatures = requiresSignatures
        self.messageBirdKey = messageBirdSigningKey.flatMap { $0.isEmpty ? nil : Array($0.utf8) }
        self.birdKey = birdSigningKey.flatMap { $0.isEmpty ? nil : Array($0.utf8) }
        self.now = now
        // Clamped to ten years so that the arithmetic on them can never overflow.
        func seconds(_ duration: Duration) -> Int64 { min(max(0, duration.components.seconds), 315_360_000) }
        self.legacyTolerance = seconds(legacyTolerance)
        self.birdTolerance = seconds(birdTolerance)
        self.jwtLeeway = seconds(jwtLeeway)
    }

    /// Checks the request with the schemes of its generation.
    /// - Parameters:
    ///   - request: the request as received.
    ///   - generation: which endpoint it came to: legacy endpoints accept the JWT (preferred when
    ///     present) or the older HMAC header; the Bird endpoint accepts Bird's HMAC.
    public func verify(_ request: WebhookRequest, generation: Generation) -> SignatureCheck {
        switch generation {
        case .messagebird:
            guard let key = messageBirdKey else { return unconfigured("MESSAGEBIRD_SIGNING_KEY") }
            if let token = request.headers["messagebird-signature-jwt"] {
                return verifyJWT(token, request: request, key: key)
            }
            if request.headers["messagebird-signature"] != nil {
                return verifyLegacyHMAC(request, key: key)
            }
            return .rejected(
                reason: "missing signature: MessageBird-Signature-JWT (or MessageBird-Signature with "
                    + "MessageBird-Request-Timestamp) is required")
        case .bird:
            guard let key = birdKey else { return unconfigured("BIRD_SIGNING_KEY") }
            return verifyBirdHMAC(request, key: key)
        }
    }

    /// No key for the generation: refused when signatures are required, else accepted unchecked.
    private func unconfigured(_ variable: String) -> SignatureCheck {
        guard requiresSignatures else { return .unsigned }
        return .rejected(
            reason: "this endpoint is closed: \(variable) is not set, so Perch cannot check that Bird sent the request")
    }

    /// Seconds since 1970 by the injected clock.
    var nowSeconds: Int64 {
        let seconds = now().timeIntervalSince1970
        return seconds.isFinite && abs(seconds) < 1e15 ? Int64(seconds.rounded(.down)) : 0
    }

    /// Checks a unix-seconds header against a tolerance; nil when fresh enough.
    func timestampProblem(_ header: String?, name: String, tolerance: Int64) -> String? {
        guard let header else { return "missing \(name) header" }
        guard !header.isEmpty, header.utf8.count <= 12, header.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            let timestamp = Int64(header)
        else { return "malformed \(name) header: expected unix seconds" }
        let age = nowSeconds - timestamp
        if age > tolerance { return "\(name) is \(age) s old; the tolerance is \(tolerance) s" }
        let future = min(tolerance, 300)
        if -age > future { return "\(name) is \(-age) s in the future; at most \(future) s are allowed" }
        return nil
    }
}
