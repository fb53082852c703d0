import PerchEvents

/// Webhook bodies exactly as Bird's documents show them, for tests and examples.
public enum SeedPayloads {
    /// The legacy `message.created` example from the MessageBird conversations quick start, with
    /// the text and conversation id replaceable.
    public static func messageCreated(
        text: String = "Testing webhook functionality.",
        conversationID: String = "f1e812e9afd6a875d813d51f45823edd",
        messageID: String = "93a1f7ba935c4ee298cb5ef952052ea7"
    ) -> String {
        """
        {"conversation": {"contactId": "73afe0acee2127fd3e7d9a7dc622826e","createdDatetime": "2019-02-28T17:39:52Z",\
        "id": "\(conversationID)","lastReceivedDatetime": "2019-03-01T10:40:02.880881081Z","status": "active",\
        "updatedDatetime": "2019-02-28T18:33:24.787229989Z"},"message": {"channelId": "2ceefea7c1b8c79673215c42c1a6b916",\
        "content": {"text": \(JSONValue.string(text).serialized())},"conversationId": "\(conversationID)",\
        "createdDatetime": "2019-03-01T10:40:02.880881081Z","direction": "received","id": "\(messageID)",\
        "status": "received","type": "text","updatedDatetime": "2019-03-01T10:40:02.88845145Z"},"type": "message.created"}
        """
    }

}
