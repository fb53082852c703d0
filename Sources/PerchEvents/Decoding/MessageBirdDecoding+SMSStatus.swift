extension MessageBirdDecoding {
    /// Legacy SMS status reports (`reportUrl`): GET with query parameters, or POST with a JSON or
    /// form body. Query parameters and body fields are merged, the body winning, because a
    /// `reportUrl` may carry its own parameters (a token, a tenant) next to a POSTed report.
    static func smsStatus(query: [(name: String, value: String)], body: [UInt8]) throws(DecodeError) -> Event {
        var fields: [String: JSONValue] = [:]
        for (name, value) in query where fields[name] == nil { fields[name] = .string(value) }

        let firstByte = body.first(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) })
        if firstByte == UInt8(ascii: "{") {
            for (name, value) in try JSONValue.parseObject(body).objectValue ?? [:] { fields[name] = value }
        } else if firstByte != nil {
            for (name, value) in try FormDecoding.pairs(body) { fields[name] = .string(value) }
        } else if query.isEmpty {
            throw .emptyBody
        }

        let root = JSONValue.object(fields)
        guard let id = root.text("id") else { throw .missingField("id") }
        guard let status = root.text("status") else { throw .missingField("status") }
        var statusTime = root["statusDatetime"]
        if case .string(let text)? = statusTime, text.contains(" ") {
            // A `+` offset sent unencoded in the query decodes to a space (reference 2.1).
            statusTime = .string(String(text.map { $0 == " " ? "+" : $0 }))
        }
        return Event(
            kind: .smsStatus, generation: .messagebird, name: WebhookDecoder.smsStatusEventName,
            key: Normalize.key(.messagebird, WebhookDecoder.smsStatusEventName, id, status),
            messageID: id, platform: "sms", direction: .outgoing, status: status,
            contact: root.text("recipient").map { Contact(identifier: $0) },
            reference: root.text("reference"),
            occurredAt: Timestamp.date(statusTime),
            raw: root)
    }
}
