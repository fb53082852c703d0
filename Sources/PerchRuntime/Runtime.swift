import CoreMetrics
import Curl
import Foundation
import Logging
import PerchBird
import PerchEvents
import PerchFlows
import PerchStore

/// The running heart of Perch: takes decoded events durably (`EventSink`), runs them on the
/// dispatcher's lanes through the flows, and acts through Bird.
public final class Runtime: EventSink {
    public let configuration: RuntimeConfiguration
    public let library: FlowLibrary
    public let store: any Store
    public let dispatcher: Dispatcher
    private let processor: EventProcessor
    private let outboxRetrier: OutboxRetrier
    private let redecode: @Sendable (InboxEntry) throws -> Event
    private let now: @Sendable () -> Date
    private let logger: Logger

    /// - Parameters:
    ///   - redecode: turns a stored inbox entry back into its event (recovery after a restart).
    ///   - now: the clock; tests inject one.
    ///   - metrics: where rules fired, actions and echoes are counted.
    public init(
        configuration: RuntimeConfiguration, flows: FlowLibrary, store: any Store, bird: BirdClient,
        http: HTTPClient, redecode: @escaping @Sendable (InboxEntry) throws -> Event,
        now: @escaping @Sendable () -> Date = { Date() }, logger: Logger,
        metrics: any MetricsFactory = NOOPMetricsHandler.instance
    ) {
        self.configuration = configuration
        self.library = flows
        self.store = store
        self.dispatcher = Dispatcher(
            queueLimit: configuration.queueLimit, maxActiveLanes: configuration.maxActiveConversations)
        self.redecode = redecode
        self.now = now
        self.logger = logger
        var actions = ActionRunner(configuration: configuration, bird: bird, http: http, store: store)
        actions.now = now
        var processor = EventProcessor(
            configuration: configuration, library: flows, store: store, actions: actions, now: now, logger: logger,
            metrics: metrics)
        processor.channels = ChannelPlatforms(
            bird: bird, workspaceID: configuration.workspaceID, whatsappChannelIDs: configuration.whatsappChannelIDs)
        self.processor = processor
        self.outboxRetrier = OutboxRetrier(
            store: store, bird: bird, order: actions.order, schedule: configuration.outbox, now: now, logger: logger)
    }

    public func ingest(_ delivery: Delivery) async -> IngestOutcome {
        let event = delivery.event
        let lane = Self.lane(of: event)
        guard let reservation = dispatcher.reserve(lane: lane) else {
            return .unavailable(reason: "Perch is at its queue limit or shutting down; retry later")
        }
        let entry = InboxEntry(
            sequence: nil, key: event.key, conversationKey: lane, source: delivery.source,
            payload: delivery.payload, metadata: delivery.metadata, receivedAt: now())
        let result: EnqueueResult
        do {
            result = try await store.enqueue(entry)
        } catch {
            dispatcher.release(reservation)
            logger.error("store refused event", metadata: ["event.id": "\(event.key)", "error": "\(error)"])
            return .unavailable(reason: "the store cannot take events right now")
        }
        switch result {
        case .duplicate:
            dispatcher.release(reservation)
            return .duplicate
        case .accepted(let sequence, let actionsDoneBefore):
            // An event whose actions were done before runs as a recovered one: it reads their
            // references and asks Bird before sending again.
            dispatcher.submit(
                Dispatcher.Job(event: event, sequence: sequence, recovered: actionsDoneBefore), lane: lane,
                reservation: reservation)
            return .accepted
        }
    }

    /// Queues every event that was acknowledged but not finished before the last stop, in arrival order,
    /// so each conversation's lane runs them in the order they came. Call it before the ingress takes
    /// new events (`Application.start` does). Returns how many were queued.
    @discardableResult
    public func recover() async throws -> Int {
        var count = 0
        var after: Int64 = 0
        while true {
            // Paged, so a long outage's backlog is not read into memory in one go.
            let entries = try await store.unfinished(after: after, limit: 1000)
            guard let last = entries.last else { break }
            after = last.sequence ?? after
            for entry in entries {
                do {
                    let event = try redecode(entry)
                    dispatcher.submit(
                        Dispatcher.Job(event: event, sequence: entry.sequence, recovered: true), lane: entry.conversationKey,
                        reservation: nil)
                    count += 1
                } catch {
                    logger.error(
                        "stored event no longer decodes; dropping it",
                        metadata: ["event.id": "\(entry.key)", "error": "\(error)"])
                    if let sequence = entry.sequence { try await store.markDone(sequence: sequence) }
                }
            }
            if last.sequence == nil { break }
        }
        if count > 0 { logger.notice("recovered unfinished events", metadata: ["count": "\(count)"]) }
        return count
    }

    /// Runs the dispatcher until `finish()` and the drain that follows are done.
    public func run() async {
        let processor = self.processor
        let retrier = outboxRetrier
        await retrier.loadWaiting()
        await withDiscardingTaskGroup { group in
            group.addTask { await retrier.run() }
            group.addTask { await self.sweepAbandoned() }
            await dispatcher.run { job in await processor.process(job) }
            group.cancelAll()
        }
    }

    /// Queues again, once the store works, the events given up on because it failed: they were
    /// acknowledged, so they must run without waiting for a restart.
    private func sweepAbandoned() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: configuration.storeSweepInterval)
            guard !processor.abandoned.isEmpty, await store.check() == nil else { continue }
            let jobs = processor.abandoned.takeAll()
            for job in jobs {
                let again = Dispatcher.Job(event: job.event, sequence: job.sequence, recovered: true)
                dispatcher.submit(again, lane: Self.lane(of: job.event), reservation: nil)
            }
            logger.notice("queued events again after the store recovered", metadata: ["count": "\(jobs.count)"])
        }
    }

    /// Replays the outbox items that are due now; returns how many went through (tests, `perch outbox`).
    @discardableResult
    public func replayOutbox() async -> Int { await outboxRetrier.sweep() }

    /// Stops intake; `run()` returns when everything accepted has been handled.
    public func finish() async { dispatcher.finish() }

    /// Events of one conversation share a lane.
    static func lane(of event: Event) -> String {
        event.conversationID ?? event.contactID ?? event.key
    }
}
