import Foundation
import MicroHTTP
import PerchEvents

/// The webhook endpoints Perch serves, each with its decoder. The raw value is what the inbox
/// stores, so an event can be decoded again after a restart.
public enum WebhookSource: String, Sendable, CaseIterable {
    case messageBird = "messagebird"
    case messageBirdVoice = "messagebird-voice"
    case smsStatus = "sms-status"
    case bird = "bird"

    /// The API generation the endpoint's events come from (and replies go to).
    public var generation: Generation {
        self == .bird ? .bird : .messagebird
    }

    /// Decodes a body received on this endpoint; `metadata` carries the raw query and request id.
    public func decode(body: [UInt8], metadata: [String: String]) throws(DecodeError) -> Event {
        switch self {
        case .messageBird: return try WebhookDecoder.messageBird(body)
        case .messageBirdVoice: return try WebhookDecoder.messageBirdVoice(body)
        case .smsStatus:
            let query = ServerRequest(method: "GET", target: "/?" + (metadata["query"] ?? "")).queryItems
            return try WebhookDecoder.messageBirdSMSStatus(query: query, body: body)
        case .bird: return try WebhookDecoder.bird(body, requestID: metadata["request-id"])
        }
    }

    var expectedContentType: String {
        self == .smsStatus ? "application/json or application/x-www-form-urlencoded" : "application/json"
    }

    func accepts(contentType: String) -> Bool {
        // What Bird and nearly every sender send, compared without Foundation (it runs per webhook).
        if Self.equalsIgnoringASCIICase(contentType, "application/json")
            || Self.equalsIgnoringASCIICase(contentType, "application/json; charset=utf-8")
        {
            return true
        }
        let type = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        if type == "application/json" || type?.hasSuffix("+json") == true { return true }
        return self == .smsStatus && type == "application/x-www-form-urlencoded"
    }

    /// Whether `text` is `lowercase` (ASCII) in any letter case.
    static func equalsIgnoringASCIICase(_ text: String, _ lowercase: String) -> Bool {
        text.utf8.elementsEqual(lowercase.utf8) { byte, expected in
            (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte) == expected
        }
    }
}
