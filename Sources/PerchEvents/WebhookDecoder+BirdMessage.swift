extension WebhookDecoder {
    /// The content of a Bird platform message object (as `GET .../conversations/{id}/messages/{msgId}`
    /// returns it): text, media, location, or the button or list item a customer picked.
    public static func birdMessageContent(_ message: JSONValue) -> MessageContent? {
        BirdDecoding.content(message["body"], replyTo: message["replyTo"], incoming: true)
    }
}
