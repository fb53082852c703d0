import Foundation

/// How long the store keeps what it no longer needs for correctness; applied by ``Store/prune(now:policy:)``.
public struct RetentionPolicy: Sendable, Hashable {
    /// The shortest dedupe window allowed: Bird retries a webhook for hours, so a shorter window
    /// would let a late retry run twice.
    public static let minimumDedupeWindow: Duration = .seconds(24 * 3600)

    /// How long a dedupe key is kept after its event was first accepted (at least 24 hours; a shorter
    /// value is raised to 24 hours). A key is remembered for this long even after the event finished.
    public var dedupeWindow: Duration {
        get { _dedupeWindow }
        set { _dedupeWindow = max(newValue, Self.minimumDedupeWindow) }
    }
    private var _dedupeWindow: Duration
    /// Finished inbox entries older than this (by `receivedAt`) are deleted.
    public var finishedInboxAge: Duration
    /// At most this many finished inbox entries are kept (the newest).
    public var maxFinishedInboxEntries: Int
    /// Done references older than this are deleted, but never one newer than the oldest unfinished
    /// inbox entry: recovery of that entry still needs them.
    public var doneReferenceAge: Duration
    /// Traces older than this are deleted.
    public var traceAge: Duration
    /// At most this many traces are kept (the newest).
    public var maxTraces: Int

    /// Creates a policy; the defaults suit a single support line.
    public init(
        dedupeWindow: Duration = .seconds(48 * 3600),
        finishedInboxAge: Duration = .seconds(24 * 3600),
        maxFinishedInboxEntries: Int = 100_000,
        doneReferenceAge: Duration = .seconds(7 * 24 * 3600),
        traceAge: Duration = .seconds(24 * 3600),
        maxTraces: Int = 10_000
    ) {
        self._dedupeWindow = max(dedupeWindow, Self.minimumDedupeWindow)
        self.finishedInboxAge = finishedInboxAge
        self.maxFinishedInboxEntries = max(0, maxFinishedInboxEntries)
        self.doneReferenceAge = doneReferenceAge
        self.traceAge = traceAge
        self.maxTraces = max(0, maxTraces)
    }
}

extension Duration {
    /// The duration in seconds as Foundation counts time.
    var timeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }

    /// A duration from a Foundation time interval.
    init(timeInterval: TimeInterval) {
        self = .nanoseconds(Int64((timeInterval * 1e9).rounded()))
    }
}
