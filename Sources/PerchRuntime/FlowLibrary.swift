import PerchFlows
import Synchronization

/// Holds the flow set in force and swaps it atomically on reload; events already running keep the
/// set they started with.
public final class FlowLibrary: Sendable {
    private let current: Mutex<FlowSet>

    public init(_ flows: FlowSet) { current = Mutex(flows) }

    public var flows: FlowSet { current.withLock { $0 } }

    /// Replaces the set; returns the one it replaced.
    @discardableResult
    public func swap(to flows: FlowSet) -> FlowSet {
        current.withLock { old in
            defer { old = flows }
            return old
        }
    }
}
