import PerchEvents

/// Refuses events whose ids, which Perch later puts into Bird API paths, could change the path
/// they go into: Bird's ids are UUIDs or hex strings, so anything with a path, query or fragment
/// delimiter, an escape, `..`, whitespace or control characters did not come from Bird.
enum EventIDCheck {
    /// Why the event cannot be taken, naming the field; nil when every id is safe.
    static func problem(in event: Event) -> String? {
        let fields: [(String, String?)] = [
            ("conversation id", event.conversationID), ("contact id", event.contactID),
            ("message id", event.messageID), ("channel id", event.channelID),
        ]
        for (field, value) in fields {
            guard let value, !isSafe(value) else { continue }
            return "the \(field) is not a valid Bird id: it must not contain '/', '..', '?', '#', '%', '\\', "
                + "whitespace or control characters"
        }
        return nil
    }

    static func isSafe(_ id: String) -> Bool {
        var previousWasDot = false
        for scalar in id.unicodeScalars {
            switch scalar {
            case "/", "?", "#", "%", "\\": return false
            case ".":
                if previousWasDot { return false }
                previousWasDot = true
                continue
            default:
                if scalar.properties.isWhitespace || scalar.properties.generalCategory == .control
                    || scalar.properties.generalCategory == .format
                {
                    return false
                }
            }
            previousWasDot = false
        }
        return true
    }
}
