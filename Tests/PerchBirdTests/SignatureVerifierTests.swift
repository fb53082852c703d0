import Foundation
import PerchBird
import PerchEvents
import Testing

/// A verifier whose clock stands still at `seconds`.
private func verifier(
    messageBird: String? = nil, bird: String? = nil, at seconds: TimeInterval,
    legacyTolerance: Duration = .seconds(3600), birdTolerance: Duration = .seconds(86_400)
) -> SignatureVerifier {
    SignatureVerifier(
        messageBirdSigningKey: messageBird, birdSigningKey: bird, now: { Date(timeIntervalSince1970: seconds) },
        legacyTolerance: legacyTolerance, birdTolerance: birdTolerance)
}

@Suite struct LegacySignatureTests {
    private func request(_ vector: LegacyVector, signature: String? = nil) -> WebhookRequest {
        WebhookRequest(
            url: "https://perch.example/webhooks/messagebird/sms-status"
                + (vector.query.isEmpty ? "" : "?" + vector.query),
            headers: [
                "MessageBird-Signature": signature ?? vector.signature,
                "MessageBird-Request-Timestamp": String(vector.timestamp),
            ],
            body: Array(vector.body.utf8), query: vector.decodedQuery)
    }

    @Test(arguments: LegacyVector.table) func referenceVectorVerifies(_ vector: LegacyVector) {
        let check = verifier(messageBird: vector.key, at: TimeInterval(vector.timestamp))
            .verify(request(vector), generation: .messagebird)
        #expect(check == .verified(scheme: SignatureVerifier.messageBirdHMACScheme))
    }

    @Test(arguments: LegacyVector.table) func otherKeyFails(_ vector: LegacyVector) {
        let check = verifier(messageBird: vector.key + "x", at: TimeInterval(vector.timestamp))
            .verify(request(vector), generation: .messagebird)
        #expect(check == .rejected(reason: "MessageBird-Signature is invalid"))
    }

    @Test func changedBodyFails() {
        var tampered = request(LegacyVector.table[0])
        tampered.body = Array(#"{"a key":"other value"}"#.utf8)
        let check = verifier(messageBird: "other-secret", at: 1_544_544_948).verify(tampered, generation: .messagebird)
        #expect(check == .rejected(reason: "MessageBird-Signature is invalid"))
    }

    @Test func plusInStatusDatetimeDecodedAsSpaceStillVerifies() {
        var vector = LegacyVector.table[5]
        vector.query = vector.query.replacingOccurrences(of: "%2B", with: "+")
        #expect(vector.decodedQuery.last?.value == "2019-01-11T09:17:11 00:00")
        let check = verifier(messageBird: vector.key, at: 1_547_198_231).verify(
            request(vector), generation: .messagebird)
        #expect(check == .verified(scheme: SignatureVerifier.messageBirdHMACScheme))
    }

    @Test func timestampWindow() {
        let vector = LegacyVector.table[2]
        let at = TimeInterval(vector.timestamp)
        #expect(
            verifier(messageBird: "secret", at: at + 3600).verify(request(vector), generation: .messagebird)
                == .verified(scheme: SignatureVerifier.messageBirdHMACScheme))
        #expect(
            verifier(messageBird: "secret", at: at + 3601).verify(request(vector), generation: .messagebird)
                == .rejected(reason: "MessageBird-Request-Timestamp is 3601 s old; the tolerance is 3600 s"))
        #expect(
            verifier(messageBird: "secret", at: at - 301).verify(request(vector), generation: .messagebird)
                == .rejected(reason: "MessageBird-Request-Timestamp is 301 s in the future; at most 300 s are allowed"))
        // The tolerance is configurable.
        #expect(
            verifier(messageBird: "secret", at: at + 3, legacyTolerance: .seconds(2))
                .verify(request(vector), generation: .messagebird)
                == .rejected(reason: "MessageBird-Request-Timestamp is 3 s old; the tolerance is 2 s"))
    }

    @Test func missingOrMalformedHeaders() {
        let verifier = verifier(messageBird: "secret", at: 1_544_544_948)
        #expect(
            verifier.verify(WebhookRequest(url: "https://perch.example/"), generation: .messagebird)
                == .rejected(
                    reason:
                        "missing signature: MessageBird-Signature-JWT (or MessageBird-Signature with MessageBird-Request-Timestamp) is required"
                ))
        var noTimestamp = request(LegacyVector.table[2])
        noTimestamp.headers["messagebird-request-timestamp"] = nil
        #expect(
            verifier.verify(noTimestamp, generation: .messagebird)
                == .rejected(reason: "missing MessageBird-Request-Timestamp header"))
        #expect(
            verifier.verify(request(LegacyVector.table[2], signature: "not base64!"), generation: .messagebird)
                == .rejected(reason: "malformed MessageBird-Signature header: expected base64"))
        var badTimestamp = request(LegacyVector.table[2])
        badTimestamp.headers["messagebird-request-timestamp"] = "yesterday"
        #expect(
            verifier.verify(badTimestamp, generation: .messagebird)
                == .rejected(reason: "MessageBird-Signature is invalid"))
    }

    @Test func noKeyMeansUnsigned() {
        let check = verifier(at: 0).verify(WebhookRequest(url: "https://perch.example/"), generation: .messagebird)
        #expect(check == .unsigned)
        // An empty key counts as none.
        #expect(
            SignatureVerifier(messageBirdSigningKey: "", birdSigningKey: "")
                .verify(WebhookRequest(url: "https://perch.example/"), generation: .bird) == .unsigned)
    }
}

@Suite struct BirdSignatureTests {
    static let url = "https://domain.com/webhook/bird"
    static let body = #"{"service":"conversations","event":"conversation.created","payload":{"id":"abc"}}"#

    private func request(body: String = body, signature: String, timestamp: String = "1719823259", url: String = url)
        -> WebhookRequest
    {
        WebhookRequest(
            url: url,
            headers: [
                "messagebird-signature": signature, "messagebird-request-timestamp": timestamp,
                "messagebird-request-id": "r-1",
            ],
            body: Array(body.utf8))
    }

    @Test(arguments: [
        (body, "J4kYvTsEkt2svBvLUzbOEY+9RlADqFQHxEZjlu7F4jU="),
        ("", "6e7z54NkySLCPcq0P+tV7TqSKyUmedFi1tQjDddtEMY="),
    ])
    func computedVectorVerifies(_ body: String, _ signature: String) {
        let check = verifier(bird: "secureSigningKey", at: 1_719_823_259)
            .verify(request(body: body, signature: signature), generation: .bird)
        #expect(check == .verified(scheme: SignatureVerifier.birdHMACScheme))
    }

    @Test func anythingChangedFails() {
        let verifier = verifier(bird: "secureSigningKey", at: 1_719_823_259)
        let signature = "J4kYvTsEkt2svBvLUzbOEY+9RlADqFQHxEZjlu7F4jU="
        let invalid = SignatureCheck.rejected(reason: "messagebird-signature is invalid")
        #expect(verifier.verify(request(body: Self.body + " ", signature: signature), generation: .bird) == invalid)
        #expect(verifier.verify(request(signature: signature, url: Self.url + "?x=1"), generation: .bird) == invalid)
        #expect(verifier.verify(request(signature: signature, timestamp: "1719823260"), generation: .bird) == invalid)
        #expect(
            SignatureVerifier(
                messageBirdSigningKey: nil, birdSigningKey: "otherKey",
                now: { Date(timeIntervalSince1970: 1_719_823_259) }
            )
            .verify(request(signature: signature), generation: .bird) == invalid)
        // The legacy key does not sign Bird requests.
        #expect(
            SignatureVerifier(messageBirdSigningKey: "secureSigningKey", birdSigningKey: nil)
                .verify(request(signature: signature), generation: .bird) == .unsigned)
    }

    @Test func retriesWithTheOriginalTimestampAreAcceptedForADay() {
        let signed = request(signature: "J4kYvTsEkt2svBvLUzbOEY+9RlADqFQHxEZjlu7F4jU=")
        #expect(
            verifier(bird: "secureSigningKey", at: 1_719_823_259 + 4 * 3600).verify(signed, generation: .bird)
                == .verified(scheme: SignatureVerifier.birdHMACScheme))
        #expect(
            verifier(bird: "secureSigningKey", at: 1_719_823_259 + 86_400).verify(signed, generation: .bird)
                == .verified(scheme: SignatureVerifier.birdHMACScheme))
        #expect(
            verifier(bird: "secureSigningKey", at: 1_719_823_259 + 86_401).verify(signed, generation: .bird)
                == .rejected(reason: "messagebird-request-timestamp is 86401 s old; the tolerance is 86400 s"))
        #expect(
            verifier(bird: "secureSigningKey", at: 1_719_823_259 + 600, birdTolerance: .seconds(300))
                .verify(signed, generation: .bird)
                == .rejected(reason: "messagebird-request-timestamp is 600 s old; the tolerance is 300 s"))
    }

    @Test func missingHeaders() {
        let verifier = verifier(bird: "secureSigningKey", at: 1_719_823_259)
        #expect(
            verifier.verify(WebhookRequest(url: Self.url), generation: .bird)
                == .rejected(reason: "missing messagebird-signature header"))
        var noTimestamp = request(signature: "J4kYvTsEkt2svBvLUzbOEY+9RlADqFQHxEZjlu7F4jU=")
        noTimestamp.headers["messagebird-request-timestamp"] = nil
        #expect(
            verifier.verify(noTimestamp, generation: .bird)
                == .rejected(reason: "missing messagebird-request-timestamp header"))
    }
}

@Suite struct JWTSignatureTests {
    @Test func allFortyFourVectorsAreHere() {
        #expect(JWTVector.all.count == 44)
        #expect(JWTVector.all.filter(\.valid).count == 24)
    }

    @Test(arguments: JWTVector.all) func sharedVector(_ vector: JWTVector) throws {
        let now = try vector.date
        let verifier = SignatureVerifier(
            messageBirdSigningKey: vector.secret ?? JWTVector.sharedSecret, birdSigningKey: nil, now: { now })
        let request = WebhookRequest(
            url: vector.url, headers: ["MessageBird-Signature-JWT": vector.token],
            body: Array((vector.payload ?? "").utf8))
        let check = verifier.verify(request, generation: .messagebird)
        if vector.valid {
            #expect(check == .verified(scheme: SignatureVerifier.messageBirdJWTScheme))
        } else {
            #expect(check == .rejected(reason: try #require(vector.reason)))
        }
    }

    /// The token of case 1 (valid at 1625479200 for `https://example.com/`, no body).
    static let validToken = JWTVector.all.first?.token ?? ""

    @Test func validTokenFailsWithAnotherKeyOrOutsideItsWindow() {
        let request = WebhookRequest(
            url: "https://example.com/", headers: ["messagebird-signature-jwt": Self.validToken])
        #expect(
            verifier(messageBird: "another key", at: 1_625_479_200).verify(request, generation: .messagebird)
                == .rejected(reason: "invalid jwt: signature is invalid"))
        // exp = nbf + 60; the leeway is 5 s either side.
        #expect(
            verifier(messageBird: JWTVector.sharedSecret, at: 1_625_479_265).verify(request, generation: .messagebird)
                == .verified(scheme: SignatureVerifier.messageBirdJWTScheme))
        #expect(
            verifier(messageBird: JWTVector.sharedSecret, at: 1_625_479_266).verify(request, generation: .messagebird)
                == .rejected(reason: "invalid jwt: claim exp is in the past"))
        #expect(
            verifier(messageBird: JWTVector.sharedSecret, at: 1_625_479_194).verify(request, generation: .messagebird)
                == .rejected(reason: "invalid jwt: claim nbf is in the future"))
    }

    @Test(arguments: [
        ("", "invalid jwt: token is malformed"),
        ("a.b", "invalid jwt: token is malformed"),
        ("a.b.c.d", "invalid jwt: token is malformed"),
        ("!!!.e30.", "invalid jwt: header is malformed"),
        // {"alg":"RS256","typ":"JWT"}
        ("eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.e30.c2ln", "invalid jwt: signing method RS256 is invalid"),
        // {"alg":"HS256"} with an empty signature
        ("eyJhbGciOiJIUzI1NiJ9.e30.", "invalid jwt: signature is invalid"),
        // {"typ":"JWT"}: no algorithm at all
        ("eyJ0eXAiOiJKV1QifQ.e30.c2ln", "invalid jwt: header is malformed"),
    ])
    func malformedTokens(_ token: String, _ reason: String) {
        let request = WebhookRequest(url: "https://example.com/", headers: ["messagebird-signature-jwt": token])
        #expect(
            verifier(messageBird: JWTVector.sharedSecret, at: 1_625_479_200).verify(request, generation: .messagebird)
                == .rejected(reason: reason))
    }

    @Test func reasonsNeverContainKeysOrSignatures() {
        for vector in JWTVector.all {
            let request = WebhookRequest(
                url: vector.url, headers: ["messagebird-signature-jwt": vector.token],
                body: Array((vector.payload ?? "").utf8))
            let check = verifier(messageBird: JWTVector.sharedSecret, at: 0).verify(request, generation: .messagebird)
            guard case .rejected(let reason) = check else { continue }
            #expect(!reason.contains(JWTVector.sharedSecret))
            #expect(!reason.contains(String(vector.token.split(separator: ".").last ?? "-")))
        }
    }
}
