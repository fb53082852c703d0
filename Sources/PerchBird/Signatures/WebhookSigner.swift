import Crypto
import Foundation

/// Signs webhook requests the way Bird does: the mirror of `SignatureVerifier`, for tests, the
/// sandbox and the benchmarks (a real sender is always Bird itself).
public struct WebhookSigner: Sendable {
    private let key: SymmetricKey

    /// - Parameter key: the signing key, used as its UTF-8 bytes (as Bird does).
    public init(key: String) { self.key = SymmetricKey(data: Array(key.utf8)) }

    /// Legacy `MessageBird-Signature` headers: HMAC-SHA256 over timestamp, sorted query and body hash.
    public func messageBirdHeaders(
        query: [(name: String, value: String)] = [], body: [UInt8], timestamp: Int
    ) -> [(name: String, value: String)] {
        let signature = mac(String(timestamp), QueryEncoding.sorted(query), body)
        return [("MessageBird-Signature", signature), ("MessageBird-Request-Timestamp", String(timestamp))]
    }

    /// Bird platform `messagebird-signature` headers: HMAC-SHA256 over timestamp, full URL and body hash.
    public func birdHeaders(url: String, body: [UInt8], timestamp: Int) -> [(name: String, value: String)] {
        [
            ("messagebird-signature", mac(String(timestamp), url, body)),
            ("messagebird-request-timestamp", String(timestamp)),
        ]
    }

    /// A `MessageBird-Signature-JWT` header (HS256) for `url` and `body`, valid from `now` for `lifetime` seconds.
    public func messageBirdJWTHeader(url: String, body: [UInt8], now: Int, lifetime: Int = 60)
        -> (name: String, value: String)
    {
        var claims: [String: Any] = [
            "iss": "MessageBird", "nbf": now, "exp": now + lifetime, "jti": UUID().uuidString,
            "url_hash": Self.hex(SHA256.hash(data: Array(url.utf8))),
        ]
        if !body.isEmpty { claims["payload_hash"] = Self.hex(SHA256.hash(data: body)) }
        let header = Self.base64URL(Array(#"{"alg":"HS256","typ":"JWT"}"#.utf8))
        let payload = Self.base64URL(
            Array((try? JSONSerialization.data(withJSONObject: claims, options: [.sortedKeys])) ?? Data()))
        let signingInput = header + "." + payload
        let signature = HMAC<SHA256>.authenticationCode(for: Array(signingInput.utf8), using: key)
        return ("MessageBird-Signature-JWT", signingInput + "." + Self.base64URL(Array(signature)))
    }

    private func mac(_ timestamp: String, _ middle: String, _ body: [UInt8]) -> String {
        var message = Array(timestamp.utf8)
        message.append(0x0A)
        message.append(contentsOf: middle.utf8)
        message.append(0x0A)
        message.append(contentsOf: SHA256.hash(data: body))
        return Data(HMAC<SHA256>.authenticationCode(for: message, using: key)).base64EncodedString()
    }

    private static func hex(_ digest: SHA256.Digest) -> String {
        digest.map { byte in (byte < 16 ? "0" : "") + String(byte, radix: 16) }.joined()
    }

    private static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
