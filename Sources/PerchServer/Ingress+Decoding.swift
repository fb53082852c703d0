import PerchEvents
import PerchStore

extension Ingress {
    /// Decodes a stored inbox entry again, with the decoder of the endpoint that first received it.
    public static func decode(_ entry: InboxEntry) throws -> Event {
        guard let source = WebhookSource(rawValue: entry.source) else {
            throw UnknownSourceError(source: entry.source)
        }
        return try source.decode(body: entry.payload, metadata: entry.metadata)
    }
}

/// A stored event whose endpoint this version of Perch does not know.
struct UnknownSourceError: Error, CustomStringConvertible {
    var source: String
    var description: String { "no decoder for events from '\(source)'" }
}
