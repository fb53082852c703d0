import PerchEvents

/// How `perch serve --poll` reads new customer messages from the conversations API.
public struct PollerConfiguration: Sendable {
    /// Time between the end of one poll and the start of the next (`--poll`, `PERCH_POLL`).
    public var interval: Duration
    /// Which API to poll: Bird (needs the workspace) or the legacy Conversations API.
    public var generation: Generation
    /// Workspace whose conversations are read (Bird).
    public var workspaceID: String
    /// Only conversations of this channel (Bird filter `channelId`), when set.
    public var channelID: String?
    /// Items per list call (Bird allows up to 100, legacy up to 20 messages [SDK]).
    public var pageSize: Int
    /// Messages this much older than the newest one seen are read again each poll, so a message
    /// that shows up late in the API is not skipped; repeats are dropped by the inbox's dedupe.
    public var overlap: Duration
    /// On the first poll of a store (no cursor yet), messages this old are still handled.
    public var initialLookback: Duration
    /// Most pages read per list per poll (a bound on the work of one poll).
    public var maxPages: Int

    public init(
        interval: Duration = .seconds(30),
        generation: Generation = .bird,
        workspaceID: String = "",
        channelID: String? = nil,
        pageSize: Int = 50,
        overlap: Duration = .seconds(600),
        initialLookback: Duration = .seconds(300),
        maxPages: Int = 50
    ) {
        self.interval = interval
        self.generation = generation
        self.workspaceID = workspaceID
        self.channelID = channelID
        self.pageSize = pageSize
        self.overlap = overlap
        self.initialLookback = initialLookback
        self.maxPages = maxPages
    }

    /// Reads an interval as written on the command line: `30s`, `2m`, `500ms`, `1h`, or plain seconds.
    public static func parseInterval(_ text: String) -> Duration? {
        let trimmed = text.filter { $0 != " " }
        // At most a day: a larger or non-finite number (`1e300`, `inf`) would trap converting to Int64.
        func bounded(_ milliseconds: Double) -> Duration? {
            milliseconds >= 1 && milliseconds <= 86_400_000 ? .milliseconds(Int64(milliseconds)) : nil
        }
        if let seconds = Double(trimmed), seconds > 0 { return bounded(seconds * 1000) }
        for (suffix, milliseconds) in [("ms", 1.0), ("s", 1000.0), ("m", 60_000.0), ("h", 3_600_000.0)] {
            guard trimmed.hasSuffix(suffix), let number = Double(trimmed.dropLast(suffix.count)), number > 0 else {
                continue
            }
            return bounded(number * milliseconds)
        }
        return nil
    }
}
