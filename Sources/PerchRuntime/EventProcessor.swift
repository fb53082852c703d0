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

    func process(_ job: Dispatcher.Job) async {
        let event = job.event
        var trace = Trace(event: event, receivedAt: now())
        var logger = self.logger
        logger[metadataKey: "event.id"] = "\(event.key)"
        if let conversation = event.conversationID { logger[metadataKey: "conversation.id"] = "\(conversation)" }
        do {
            try await handle(event, trace: &trace, logger: logger)
        } catch {
            trace.error = "\(error)"
            logger.error("event failed", metadata: ["error": "\(error)"])
        }
        logger.debug("event handled", metadata: ["trace": "\(trace.json())"])
        do {
            try await store.saveTrace(eventKey: event.key, trace: trace.json(), at: now())
            if let sequence = job.sequence { try await store.markDone(sequence: sequence) }
        } catch {
            // The event stays unfinished in the inbox and runs again after a restart; its actions
            // are not repeated, because their references are recorded.
            logger.error("could not record event as done", metadata: ["error": "\(error)"])
        }
    }

    private func handle(_ event: Event, trace: inout Trace, logger: Logger) async throws {
        let time = now()
        let conversationKey = event.conversationID ?? event.contactID ?? event.key
        let stored = try await store.conversation(conversationKey)
        var record = stored ?? ConversationRecord()

        if event.kind == .conversation, let status = event.conversationStatus {
            if status != record.status, ["closed", "archived"].contains(status) {
                // Closing ends the hand-off: when the customer comes back, the bot answers again.
                record.handoffActive = false
                record.state = nil
            }
            record.status = status
        }

        if let reason = EchoGuard(flowID: configuration.flowID).reason(event) {
            trace.skipped = reason
            if record != stored { try await store.saveConversation(conversationKey, record) }
            return
        }

        var isFirstMessage = record.messagesSeen == 0
        var lastInbound = record.lastInboundAt
        if event.kind == .message, event.direction == .incoming {
            isFirstMessage = record.messagesSeen == 0
            record.messagesSeen += 1
            let at = event.occurredAt ?? time
            record.lastInboundAt = max(record.lastInboundAt ?? at, at)
            lastInbound = record.lastInboundAt
            record.automatedChain = 0
        }

        if record.handoffActive {
            if let since = record.handoffAt, time.timeIntervalSince(since) < configuration.handoffPause.seconds {
                trace.skipped = "the bot is paused in this conversation since it was handed off at \(since.formatted(.iso8601))"
                try await store.saveConversation(conversationKey, record)
                return
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
                    state: record.state, isFirstMessage: isFirstMessage, ruleLastFired: record.ruleLastFired)))
        trace.explanation = decision.explanation

        var context = ActionContext(event: event, time: time, lastInbound: lastInbound, record: record)
        rules: for fired in decision.fired {
            trace.firedRules.append(fired.key)
            context.record.ruleLastFired[fired.key] = time
            var ruleLogger = logger
            ruleLogger[metadataKey: "rule.id"] = "\(fired.key)"
            ruleLogger.info("rule fired")
            for (index, action) in fired.actions.enumerated() {
                if case .stop = action { break rules }
                if context.record.automatedChain >= configuration.automationChainLimit {
                    trace.actions.append(
                        ActionOutcome(
                            rule: fired.key, index: index, kind: action.kind, result: .skipped,
                            detail: "automation chain limit (\(configuration.automationChainLimit)) reached"))
                    break rules
                }
                let reference = ActionReference(eventKey: event.key, ruleID: fired.key, actionIndex: index)
                if try await store.isDone(reference: reference.description) {
                    trace.actions.append(
                        ActionOutcome(rule: fired.key, index: index, kind: action.kind, result: .alreadyDone))
                    continue
                }
                let outcome = await actions.run(
                    action, rule: fired, index: index, reference: reference, context: &context, logger: ruleLogger)
                trace.actions.append(outcome)
                if outcome.result == .done || outcome.result == .skipped {
                    try await store.recordDone(reference: reference.description, at: time)
                }
            }
        }
        try await store.saveConversation(conversationKey, context.record)
    }
}

extension Duration {
    /// The duration in seconds, as a `TimeInterval`.
    var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }
}
