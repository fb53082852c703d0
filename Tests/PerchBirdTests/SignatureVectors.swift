import Foundation
import Testing

/// One case of the SDKs' shared JWT vector file (reference 2.2), copied as a fixture.
struct JWTVector: Decodable, Sendable, CustomTestStringConvertible {
    var name: String
    var method: String
    var secret: String?
    var url: String
    var timestamp: String
    var token: String
    var valid: Bool
    var payload: String?
    var reason: String?

    var testDescription: String { name }

    /// The secret of every case; the `none` case leaves it out.
    static let sharedSecret = "36efdd1aace2e26cd490f0d951138253bef2f7c6d34d18981da781555cc4cebb"

    static let all: [JWTVector] = {
        do {
            let url = try #require(Bundle.module.resourceURL).appending(path: "Fixtures/jwt-vectors.json")
            return try JSONDecoder().decode([JWTVector].self, from: Data(contentsOf: url))
        } catch {
            Issue.record("cannot load jwt-vectors.json: \(error)")
            return []
        }
    }()

    /// The vector's "now" (ISO 8601 with an offset).
    var date: Date {
        get throws { try Date(timestamp, strategy: .iso8601) }
    }
}

/// A row of the legacy `MessageBird-Signature` table (reference 2.1).
struct LegacyVector: Sendable, CustomTestStringConvertible {
    var key: String
    var timestamp: Int
    /// The query as it came on the wire (encoded, received order).
    var query: String
    var body: String
    var signature: String

    var testDescription: String { "key \(key.prefix(5))…, query '\(query.prefix(20))', body '\(body)'" }

    /// Decoded query parameters, as the server hands them over.
    var decodedQuery: [(name: String, value: String)] {
        query.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text)
            }
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    static let smsQuery =
        "id=eef0ab57a9e049be946f3821568c2b2e&mccmnc=20408&ported=1&recipient=31612345678&reference=FOO"
        + "&status=delivered&statusDatetime=2019-01-11T09%3A17%3A11%2B00%3A00"

    static let table: [LegacyVector] = [
        .init(
            key: "other-secret", timestamp: 1_544_544_948, query: "abc=foo&def=bar", body: #"{"a key":"some value"}"#,
            signature: "orb0adPhRCYND1WCAvPBr+qjm4STGtyvNDIDNBZ4Ir4="),
        // Same as the first row, query reordered on the wire: it is sorted before signing.
        .init(
            key: "other-secret", timestamp: 1_544_544_948, query: "def=bar&abc=foo", body: #"{"a key":"some value"}"#,
            signature: "orb0adPhRCYND1WCAvPBr+qjm4STGtyvNDIDNBZ4Ir4="),
        .init(
            key: "secret", timestamp: 1_544_544_948, query: "", body: "",
            signature: "LISw4Je7n0/MkYDgVSzTJm8dW6BkytKTXMZZk1IElMs="),
        .init(
            key: "secret", timestamp: 1_544_544_948, query: "", body: #"{"a key":"some value"}"#,
            signature: "p2e20OtAg39DEmz1ORHpjQ556U4o1ZaH4NWbM9Q8Qjk="),
        .init(
            key: "secret", timestamp: 1_544_544_948, query: "abc=foo&def=bar", body: "",
            signature: "Tfn+nRUBsn6lQgf6IpxBMS1j9lm7XsGjt5xh47M3jCk="),
        .init(
            key: "PlLrKaqvZNRR5zAjm42ZT6q1SQxgbbGd", timestamp: 1_547_198_231, query: smsQuery, body: "",
            signature: "KVBdcVdz2lYMwcBLZCRITgxUfA/WkwSi+T3Wxl2HL6w="),
        .init(
            key: "PlLrKaqvZNRR5zAjm42ZT6q1SQxgbbGd", timestamp: 1_547_198_231, query: smsQuery, body: #"{"foo":"bar"}"#,
            signature: "2bl+38H4oHVg03pC3bk2LvCB0IHFgfC4cL5HPQ0LdmI="),
    ]
}
