import PerchEvents
import PerchStore

extension Ingress {
    /// Decodes a stored inbox entry again, with the decoder of the endpoint that first received it.
    public static func decode(_ entry: InboxEntry) throws -> Event {
        switch entry.source {
        case "messagebird":
            return try WebhookDecoder.messageBird(entry.payload)
        default:
            throw UnknownSourceError(source: entry.source)
        }
    }
}

/// A stored event whose endpoint this version of Perch does not know.
struct UnknownSourceError: Error, CustomStringConvertible {
    var source: String
    var description: String { "no decoder for events from '\(source)'" }
}
