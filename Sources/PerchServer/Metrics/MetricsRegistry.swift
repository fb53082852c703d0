import CoreMetrics
import Prometheus
import Synchronization

/// Perch's metrics: one Prometheus registry per running application (no process-wide bootstrap, so
/// tests and several applications in one process keep their own). Components record through the
/// swift-metrics API with `factory`; `/metrics` renders the registry in Prometheus text format.
public final class MetricsRegistry: Sendable {
    let registry: PrometheusCollectorRegistry
    private let rendering = Mutex(())
    /// The swift-metrics factory the runtime, client and ingress record through.
    public let factory: any MetricsFactory
    private let flowsInfo = Mutex<(version: String, gauge: Prometheus.Gauge)?>(nil)

    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Bird API latencies: 5 ms to 10 s.
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
        ]
        self.factory = factory
    }

    /// Values read at scrape time rather than recorded as they happen.
    public struct Snapshot: Sendable {
        public var queueDepth: Int
        public var activeConversations: Int
        public var outboxSize: Int
        public var inboxLagSeconds: Double
        public var flowsVersion: String
        public var connectionsAccepted: Int
        public var bodiesTooLarge: Int
        /// Transactions the store committed and the writes they carried (group commit), since start.
        public var storeCommits = 0
        public var storeWrites = 0
        /// Age of the oldest outbox item still being retried (since it first failed), 0 when none.
        public var outboxOldestAgeSeconds: Double = 0
        /// Outbox items parked for an operator.
        public var outboxParked = 0
        /// Texts a regex rule did not search because they were too long (the rule did not match).
        public var regexTextsTooLong = 0
        /// Connections cut because their request did not arrive whole within `PERCH_REQUEST_TIMEOUT`.
        public var requestsTimedOut = 0
    }

    /// The registry as Prometheus text, with the scrape-time values filled in.
    func render(_ snapshot: Snapshot) -> String {
        // One scrape at a time: the scrape-time values are reset and set again, which two scrapes
        // at once could interleave (a total counted twice, or going backwards).
        rendering.withLock { _ in renderLocked(snapshot) }
    }

    private func renderLocked(_ snapshot: Snapshot) -> String {
        gauge("perch_dispatcher_queue_depth", "Events accepted and not yet finished.").set(Int64(snapshot.queueDepth))
        gauge("perch_dispatcher_lanes_active", "Conversations being handled now.").set(Int64(snapshot.activeConversations))
        gauge("perch_outbox_size", "Actions that failed after their retries, kept for replay.").set(Int64(snapshot.outboxSize))
        gauge("perch_inbox_lag_seconds", "Age of the oldest unfinished event.").set(snapshot.inboxLagSeconds)
        gauge("perch_outbox_oldest_age_seconds", "Age of the oldest outbox item still retried, since it first failed.")
            .set(snapshot.outboxOldestAgeSeconds)
        gauge("perch_outbox_parked", "Outbox items whose retries stopped; they wait for perch outbox retry.")
            .set(Int64(snapshot.outboxParked))
        gauge("perch_http_connections_accepted", "TCP connections accepted by the webhook server since start.")
            .set(Int64(snapshot.connectionsAccepted))
        total("perch_store_commits_total", "Transactions the store committed.", snapshot.storeCommits)
        total(
            "perch_regex_texts_too_long_total", "Texts not searched by regex rules because they were too long.",
            snapshot.regexTextsTooLong)
        total(
            "perch_http_requests_timed_out_total", "Connections cut because a request did not arrive whole in time.",
            snapshot.requestsTimedOut)
        total("perch_store_writes_total", "Writes those transactions carried (divide by commits for the group size).", snapshot.storeWrites)
        flowsInfo.withLock { info in
            guard info?.version != snapshot.flowsVersion else { return }
            if let old = info?.gauge { registry.unregisterGauge(old) }
            let gauge = registry.makeGauge(
                descriptor: MetricNameDescriptor(metricName: "perch_flows_info", unitName: "", helpText: "The flow set in force."),
                labels: [("version", snapshot.flowsVersion)])
            gauge.set(Int64(1))
            info = (snapshot.flowsVersion, gauge)
        }
        // 413s are answered by the HTTP server before any handler runs; it counts them itself.
        // No help text: the ingress records the other reasons of this family through `factory`, which
        // registers it without one, and the registry requires one help text per family.
        let tooLarge = registry.makeCounter(
            descriptor: MetricNameDescriptor(metricName: "perch_events_rejected_total", unitName: "", helpText: ""), labels: [("reason", "size")])
        tooLarge.reset()
        tooLarge.increment(by: Int64(snapshot.bodiesTooLarge))
        return registry.emitToString()
    }

    /// A counter kept elsewhere, set to its current total.
    private func total(_ name: String, _ help: String, _ value: Int) {
        let counter = registry.makeCounter(descriptor: MetricNameDescriptor(metricName: name, unitName: "", helpText: help))
        counter.reset()
        counter.increment(by: Int64(value))
    }

    private func gauge(_ name: String, _ help: String) -> Prometheus.Gauge {
        registry.makeGauge(descriptor: MetricNameDescriptor(metricName: name, unitName: "", helpText: help))
    }
}
