import Crypto
import PerchEvents

/// A `MessageBird-Signature-JWT` token taken apart (reference 2.2). Only HS256, HS384 and HS512
/// are accepted: `none` and every other algorithm fail before anything else is looked at.
///
/// Reasons use the wording of the SDKs' shared vector file (`invalid jwt: ...`).
struct SignatureJWT {
    enum Algorithm {
        case hs256, hs384, hs512
    }

    var algorithm: Algorithm
    /// `header.payload` as sent: the bytes the MAC covers.
    var signingInput: Substring
    var signature: [UInt8]
    var claims: Substring

    /// Splits and checks the header; the claims are only read after the MAC has been checked.
    static func parse(_ token: String) -> Result<SignatureJWT, Rejection> {
        guard token.utf8.count <= 8192 else { return .failure("invalid jwt: token is too long") }
        let parts = token.split(separator: ".", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty else {
            return .failure("invalid jwt: token is malformed")
        }
        guard let headerBytes = Base64.decodeURL(parts[0]), let header = try? JSONValue.parse(headerBytes),
            case .string(let name)? = header["alg"]
        else { return .failure("invalid jwt: header is malformed") }
        let algorithm: Algorithm
        switch name {
        case "HS256": algorithm = .hs256
        case "HS384": algorithm = .hs384
        case "HS512": algorithm = .hs512
        case "none", "None", "NONE", "": return .failure("invalid jwt: signing method none is invalid")
        default:
            // The name comes from the sender: only echo it when it looks like an algorithm name.
            let printable =
                name.utf8.count <= 10
                && name.utf8.allSatisfy {
                    (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0)
                }
            return .failure(Rejection("invalid jwt: signing method \(printable ? name : "(unknown)") is invalid"))
        }
        guard let signature = parts[2].isEmpty ? nil : Base64.decodeURL(parts[2]) else {
            return .failure("invalid jwt: signature is invalid")
        }
        let signingInput = token[token.startIndex..<parts[1].endIndex]
        return .success(
            SignatureJWT(algorithm: algorithm, signingInput: signingInput, signature: signature, claims: parts[1]))
    }

    /// Constant-time check of the MAC with the key as UTF-8 bytes.
    func hasValidSignature(key: [UInt8]) -> Bool {
        let key = SymmetricKey(data: key)
        let input = Array(signingInput.utf8)
        switch algorithm {
        case .hs256: return HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: input, using: key)
        case .hs384: return HMAC<SHA384>.isValidAuthenticationCode(signature, authenticating: input, using: key)
        case .hs512: return HMAC<SHA512>.isValidAuthenticationCode(signature, authenticating: input, using: key)
        }
    }

    /// A reason to reject; a struct so that `Result` can carry it.
    struct Rejection: Error, ExpressibleByStringLiteral {
        var reason: String
        init(stringLiteral value: String) { reason = value }
        init(_ reason: String) { self.reason = reason }
    }
}

extension SignatureVerifier {
    func verifyJWT(_ token: String, request: WebhookRequest, key: [UInt8]) -> SignatureCheck {
        switch checkJWT(token, request: request, key: key) {
        case .success: return .verified(scheme: Self.messageBirdJWTScheme)
        case .failure(let rejection): return .rejected(reason: rejection.reason)
        }
    }

    private func checkJWT(_ token: String, request: WebhookRequest, key: [UInt8]) -> Result<
        Void, SignatureJWT.Rejection
    > {
        let jwt: SignatureJWT
        switch SignatureJWT.parse(token) {
        case .success(let parsed): jwt = parsed
        case .failure(let rejection): return .failure(rejection)
        }
        guard jwt.hasValidSignature(key: key) else { return .failure("invalid jwt: signature is invalid") }

        guard let claimBytes = Base64.decodeURL(jwt.claims), let claims = try? JSONValue.parse(claimBytes),
            case .object = claims
        else { return .failure("invalid jwt: claims are malformed") }
        guard case .string("MessageBird")? = claims["iss"] else {
            return .failure("invalid jwt: claim iss has wrong value")
        }
        let now = nowSeconds
        guard let notBefore = Self.seconds(claims["nbf"]) else { return .failure("invalid jwt: claim nbf is missing") }
        guard now + jwtLeeway >= notBefore else { return .failure("invalid jwt: claim nbf is in the future") }
        guard let expiry = Self.seconds(claims["exp"]) else { return .failure("invalid jwt: claim exp is missing") }
        guard now - jwtLeeway <= expiry else { return .failure("invalid jwt: claim exp is in the past") }

        guard case .string(let urlHash)? = claims["url_hash"] else {
            return .failure("invalid jwt: claim url_hash is missing")
        }
        guard Self.hexSHA256(Array(request.url.utf8)) == urlHash else {
            return .failure("invalid jwt: claim url_hash is invalid")
        }
        switch (claims["payload_hash"], request.body.isEmpty) {
        case (nil, true), (.null?, true):
            return .success(())
        case (nil, false), (.null?, false):
            return .failure("invalid jwt: claim payload_hash is not set but payload is present")
        case (_?, true):
            return .failure("invalid jwt: claim payload_hash is set but actual payload is missing")
        case (.string(let payloadHash)?, false):
            guard Self.hexSHA256(request.body) == payloadHash else {
                return .failure("invalid jwt: claim payload_hash is invalid")
            }
            return .success(())
        case (_?, false):
            return .failure("invalid jwt: claim payload_hash is invalid")
        }
    }

    /// A NumericDate claim as whole seconds; nil when absent or not a finite number in range.
    private static func seconds(_ value: JSONValue?) -> Int64? {
        guard case .number(let number)? = value, number.isFinite, abs(number) < 1e15 else { return nil }
        return Int64(number.rounded(.down))
    }

    private static func hexSHA256(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in SHA256.hash(data: bytes) {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
