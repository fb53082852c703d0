extension MessageBirdDecoding {
    /// Legacy voice call events. The seed (AsyncAPI) shows a flat call object `{id, status,
    /// source, destination, direction, legs[], createdAt, updatedAt}`; the Voice API's webhooks
    /// wrap call or leg objects as `{timestamp, items: [{type, event, payload}]}` [INF], so both
    /// are read.
    static func voiceEvent(_ root: JSONValue, body: [UInt8]) throws(DecodeError) -> Event {
        var call = root
        var isLeg = false
        var pathPrefix = ""
        if let items = root["items"], items != .null {
            guard let first = items.arrayValue?.first else { throw .missingField("items.0") }
            guard first.isObject else { throw .wrongType("items.0", expected: "an object") }
            guard let payload = try optionalObject(first, "payload", path: "items.0.payload") else {
                throw .missingField("items.0.payload")
            }
            call = payload
            isLeg = first.text("type") == "leg"
            pathPrefix = "items.0.payload."
        }

        let callID = isLeg ? call.text("callId") : call.text("id")
        guard let callID else { throw .missingField(pathPrefix + (isLeg ? "callId" : "id")) }
        let legs = call["legs"]?.arrayValue ?? []
        let leg = isLeg ? call : legs.first(where: \.isObject)
        let status = call.text("status")
        let direction = Normalize.direction(call.text("direction") ?? leg?.text("direction"))
        let source = call.text("source") ?? leg?.text("source")
        let destination = call.text("destination") ?? leg?.text("destination")
        let customer: String? =
            switch direction {
            case .incoming?: source
            case .outgoing?: destination
            case nil: nil
            }
        let updated = call.text("updatedAt") ?? call.text("createdAt")

        var event = Event(
            kind: .voiceCall, generation: .messagebird, name: WebhookDecoder.voiceCallEventName,
            key: Normalize.key(
                .messagebird, WebhookDecoder.voiceCallEventName, callID, isLeg ? call.text("id") : nil, status,
                updated),
            platform: "voice", direction: direction, status: status,
            contact: customer.map { Contact(identifier: $0) },
            occurredAt: Timestamp.date(call["updatedAt"]) ?? Timestamp.date(call["createdAt"])
                ?? Timestamp.date(root["timestamp"]),
            raw: root)
        event.callID = callID
        return event
    }
}
