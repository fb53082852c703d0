import Crypto

extension SignatureVerifier {
    /// Legacy `MessageBird-Signature` (reference 2.1): HMAC-SHA256 over
    /// `timestamp \n sortedQuery \n sha256(body)`, the hash as raw bytes.
    func verifyLegacyHMAC(_ request: WebhookRequest, key: [UInt8]) -> SignatureCheck {
        let timestamp = request.headers["messagebird-request-timestamp"]
        guard let timestamp else { return .rejected(reason: "missing MessageBird-Request-Timestamp header") }
        guard let signature = Base64.decode(request.headers["messagebird-signature"] ?? "") else {
            return .rejected(reason: "malformed MessageBird-Signature header: expected base64")
        }
        let bodyHash = Array(SHA256.hash(data: request.body))
        var valid = isValid(
            signature, message: signedBytes(timestamp, QueryEncoding.sorted(request.query), bodyHash), key: key)
        if !valid, request.query.contains(where: { $0.name == "statusDatetime" && $0.value.contains(" ") }) {
            // The Node SDK's fix: an unencoded `+` in `statusDatetime` reaches us as a space, but
            // was signed as `+`.
            let restored = request.query.map { pair in
                pair.name == "statusDatetime" ? (pair.name, String(pair.value.map { $0 == " " ? "+" : $0 })) : pair
            }
            valid = isValid(
                signature, message: signedBytes(timestamp, QueryEncoding.sorted(restored), bodyHash), key: key)
        }
        guard valid else { return .rejected(reason: "MessageBird-Signature is invalid") }
        if let problem = timestampProblem(timestamp, name: "MessageBird-Request-Timestamp", tolerance: legacyTolerance)
        {
            return .rejected(reason: problem)
        }
        return .verified(scheme: Self.messageBirdHMACScheme)
    }

    /// Bird platform `messagebird-signature` (reference 2.3): HMAC-SHA256 over
    /// `timestamp \n full URL \n sha256(body)`, the hash as raw bytes.
    func verifyBirdHMAC(_ request: WebhookRequest, key: [UInt8]) -> SignatureCheck {
        guard let header = request.headers["messagebird-signature"] else {
            return .rejected(reason: "missing messagebird-signature header")
        }
        guard let timestamp = request.headers["messagebird-request-timestamp"] else {
            return .rejected(reason: "missing messagebird-request-timestamp header")
        }
        guard let signature = Base64.decode(header) else {
            return .rejected(reason: "malformed messagebird-signature header: expected base64")
        }
        let message = signedBytes(timestamp, request.url, Array(SHA256.hash(data: request.body)))
        guard isValid(signature, message: message, key: key) else {
            return .rejected(reason: "messagebird-signature is invalid")
        }
        if let problem = timestampProblem(timestamp, name: "messagebird-request-timestamp", tolerance: birdTolerance) {
            return .rejected(reason: problem)
        }
        return .verified(scheme: Self.birdHMACScheme)
    }

    private func signedBytes(_ timestamp: String, _ middle: String, _ bodyHash: [UInt8]) -> [UInt8] {
        var bytes = Array(timestamp.utf8)
        bytes.append(0x0A)
        bytes.append(contentsOf: middle.utf8)
        bytes.append(0x0A)
        bytes.append(contentsOf: bodyHash)
        return bytes
    }

    /// Constant-time comparison (Crypto's own check).
    private func isValid(_ signature: [UInt8], message: [UInt8], key: [UInt8]) -> Bool {
        HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: message, using: SymmetricKey(data: key))
    }
}
