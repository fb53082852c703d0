import CoreMetrics
import Foundation
import Logging
import PerchEvents
import PerchFlows
import PerchStore

/// Handles one event on its lane: echo guard, conversation state, the flow decision, the actions,
/// and the trace. One failing event is logged on its own and never stops the dispatcher.
struct EventProcessor: Sendable {
    let configuration: RuntimeConfiguration
    let library: FlowLibrary
    let store: any Store
    let actions: ActionRunner
    let now: @Sendable () -> Date
    let logger: Logger
    let metrics: any MetricsFactory
    /// Events given up on because the store kept failing; the runtime's sweep queues them again.
    var abandoned = AbandonedEvents()
    /// The platform of Bird channels, for conversation events that name only the channel.
    var channels: ChannelPlatforms?

    func process(_ job: Dispatcher.Job) async {
        let event = job.event
        var trace = Trace(event: event, sequence: job.sequence, receivedAt: now())
        var logger = self.logger
        logger[metadataKey: "event.id"] = "\(event.key)"
        if let conversation = event.conversationID { logger[metadataKey: "conversation.id"] = "\(conversation)" }
        var complete = await MessageFetcher(bird: actions.bird, workspaceID: configuration.workspaceID)
            .complete(event, logger: logger)
        if complete.generation == .bird, complete.platform == nil, let channel = complete.channelID, let channels,
            library.flows.limitsChannels
        {
            complete.platform = await channels.platform(of: channel, logger: logger)
        }
        var record: ConversationRecord?
        // References of actions done and not yet recorded: the last ones go into `finish`'s
        // transaction, so a one-reply event makes no write of its own for its reference.
        var pendingDone: [String] = []
        // A store failure is not the event's fault: the event is tried again on its lane (a send that
        // already reached Bird is then looked up by its reference first), and when the store keeps
        // failing it stays unfinished in the inbox, to run again at the next start. Never marked done.
        var attempt = 0
        while true {
            attempt += 1
            var attemptTrace = trace
            do {
                record = try await ActionRunner.$recovering.withValue(job.recovered || attempt > 1) {
                    try await handle(complete, trace: &attemptTrace, pendingDone: &pendingDone, logger: logger)
                }
                trace = attemptTrace
                break
            } catch let error as StoreError {
                guard attempt < Self.storeAttempts else {
                    logger.error(
                        "store failing; event left in the inbox until the store works again",
                        metadata: ["error": "\(error)"])
                    if job.sequence != nil { abandoned.add(job) }
                    return
                }
                logger.warning("store failed; trying the event again", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: Self.storeBackoff * attempt)
            } catch {
                attemptTrace.error = "\(error)"
                trace = attemptTrace
                logger.error("event failed", metadata: ["error": "\(error)"])
                break
            }
        }
        logger.debug("event handled", metadata: ["trace": "\(trace.json())"])
        // One transaction: the conversation, the trace, the references of the last actions and the
        // inbox entry's done mark. Tried again like the event's own store calls: the references in it
        // are the only record that those actions happened.
        let traceJSON = trace.json()
        var finishAttempt = 0
        while true {
            finishAttempt += 1
            do {
                try await store.finish(
                    sequence: job.sequence, conversationKey: Runtime.lane(of: event), record: record,
                    eventKey: event.key, trace: traceJSON, doneReferences: pendingDone, at: now())
                break
            } catch {
                guard finishAttempt < Self.storeAttempts else {
                    // The event stays unfinished in the inbox and runs again after a restart, as a
                    // recovered one: Bird sends are looked up by their reference before being repeated.
                    logger.error("could not record event as done", metadata: ["error": "\(error)"])
                    if job.sequence != nil { abandoned.add(job) }
                    break
                }
                logger.warning("could not record event as done; trying again", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: Self.storeBackoff * finishAttempt)
            }
        }
    }

    /// Attempts of an event whose store reads or writes fail, and the wait that grows between them.
    static let storeAttempts = 4
    static let storeBackoff = Duration.milliseconds(250)

    /// Runs the event; returns the conversation's record to save, or `nil` when it did not change.
    /// `pendingDone` collects the references of actions done, which the caller records with the
    /// event's end; they are recorded before any later action runs, so a stop in between never
    /// loses more than the last action's.
    private func handle(_ event: Event, trace: inout Trace, pendingDone: inout [String], logger: Logger)
        async throws -> ConversationRecord?
    {
        let time = now()
        let conversationKey = Runtime.lane(of: event)
        let stored: ConversationRecord?
        var doneReferences: Set<String>
        if ActionRunner.recovering {
            // Recovered after a restart, tried again after a store failure, or accepted again after
            // its dedupe key was pruned: some actions may be done. One read for the record and all
            // of this event's references, so no read per action.
            (stored, doneReferences) = try await store.conversation(
                conversationKey, doneReferencesWithPrefix: ActionReference.prefix(ofEvent: event.key))
        } else {
            // A new event has done nothing yet; the record usually comes from the store's cache.
            (stored, doneReferences) = (try await store.conversation(conversationKey), [])
        }
        doneReferences.formUnion(pendingDone)
        var record = stored ?? ConversationRecord()

        // Every generation reports the conversation's status on message events too; closing ends a
        // hand-off, so a reopened conversation gets the bot back.
        if let status = event.conversationStatus { record.apply(status: status) }

        let echoGuard = EchoGuard(
            flowID: configuration.flowID,
            participantIDs: event.sender?.type == "flow" ? library.flows.participantIDs : [])
        if let reason = echoGuard.reason(event) {
            trace.skipped = reason
            Counter(label: "perch_echoes_ignored_total", factory: metrics).increment()
            return record != stored ? record : nil
        }

        let isFirstMessage = record.messagesSeen == 0
        // One decision per customer message, keyed by its own id, whichever event brings it first.
        let customerMessage = event.kind == .message && event.direction == .incoming ? event.messageID : nil
        let alreadyDecided = customerMessage.map(record.hasDecided(message:)) ?? false
        if let customerMessage { record.noteDecided(message: customerMessage) }
        if event.kind == .message, event.direction == .incoming, !alreadyDecided {
            record.messagesSeen += 1
            // The customer-service window runs from when the customer wrote, not from when the
            // webhook (maybe a retry) arrived; never from the future.
            let at = min(event.occurredAt ?? time, time)
            record.lastInboundAt = max(record.lastInboundAt ?? at, at)
            record.automatedChain = 0
        }

        if record.handoffActive {
            if let since = record.handoffAt, time.timeIntervalSince(since) < configuration.handoffPause.seconds {
                trace.skipped =
                    "the bot is paused in this conversation: it was handed off\(record.handoffTeam.map { " to \($0)" } ?? "") at \(since.formatted(.iso8601)); it answers again once the conversation is closed and reopened, or after \(configuration.handoffPause)"
                return record
            }
            record.handoffActive = false
        }
        if let expiry = record.stateExpiresAt, expiry <= time {
            record.state = nil
            record.stateExpiresAt = nil
        }

        let flows = library.flows
        trace.flowsVersion = flows.version
        let decision = flows.decide(
            MatchInput(
                event: event, now: time,
                conversation: ConversationSnapshot(
                    state: record.state, isFirstMessage: isFirstMessage, ruleLastFired: record.ruleLastFired,
                    messageAlreadyDecided: alreadyDecided)))
        trace.explanation = decision.explanation

        var context = ActionContext(event: event, time: time, record: record)
        rules: for fired in decision.fired {
            trace.firedRules.append(fired.key)
            context.record.ruleLastFired[fired.key] = time
            var ruleLogger = logger
            ruleLogger[metadataKey: "rule.id"] = "\(fired.key)"
            ruleLogger.info("rule fired")
            Counter(
                label: "perch_rules_fired_total", dimensions: [("flow", fired.flowID), ("rule", fired.ruleID)],
                factory: metrics
            ).increment()
            for (index, action) in fired.actions.enumerated() {
                if case .stop = action {
                    trace.actions.append(ActionOutcome(rule: fired.key, index: index, kind: action.name, result: .done))
                    break rules
                }
                if action.reachesBird, context.record.automatedChain >= configuration.automationChainLimit {
                    trace.actions.append(
                        ActionOutcome(
                            rule: fired.key, index: index, kind: action.name, result: .skipped,
                            detail:
                                "automation chain limit reached: \(context.record.automatedChain) automated actions in this conversation since the customer last wrote (limit \(configuration.automationChainLimit))"
                        ))
                    ruleLogger.warning("automation chain limit reached")
                    break rules
                }
                let reference = ActionReference(eventKey: event.key, ruleID: fired.key, actionIndex: index)
                if doneReferences.contains(reference.description) {
                    // Not sent again, but its effect on the conversation (hand-off, state, status) is.
                    actions.reapplyEffects(of: action, context: &context)
                    trace.actions.append(
                        ActionOutcome(rule: fired.key, index: index, kind: action.name, result: .alreadyDone))
                    continue
                }
                if !pendingDone.isEmpty {
                    for done in pendingDone { try await store.recordDone(reference: done, at: time) }
                    pendingDone.removeAll()
                }
                let outcome = await actions.run(
                    action, rule: fired, index: index, reference: reference, context: &context, logger: ruleLogger)
                trace.actions.append(outcome)
                Counter(
                    label: "perch_actions_total",
                    dimensions: [("kind", action.name), ("outcome", outcome.result.rawValue)], factory: metrics
                ).increment()
                if outcome.result != .done, let detail = outcome.detail {
                    ruleLogger.notice(
                        "action not done",
                        metadata: [
                            "action.kind": "\(action.name)", "action.result": "\(outcome.result.rawValue)",
                            "reason": "\(detail)",
                        ])
                }
                if outcome.result != .failed { pendingDone.append(reference.description) }
                if action.reachesBird, outcome.result == .done { context.record.automatedChain += 1 }
            }
        }
        context.record.updatedAt = time
        return context.record
    }
}

extension Duration {
    /// The duration in seconds, as a `TimeInterval`.
    var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }
}
