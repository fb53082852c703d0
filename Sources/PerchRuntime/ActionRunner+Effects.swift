import Foundation
import Logging
import PerchBird
import PerchEvents
import PerchFlows
import PerchStore

extension ActionRunner {
    /// Applies what an action already done does to the conversation's record, without sending anything:
    /// an event retried after a store failure, or recovered after a restart, starts again from the
    /// stored record, which may not hold the effect yet. Without this a retried `handoff` followed by
    /// `set_state` would save the hand-off as not active, and the bot would talk over the agent.
    func reapplyEffects(of action: Action, context: inout ActionContext) {
        switch action {
        case .handoff(let handoff):
            context.record.handoffActive = true
            context.record.handoffAt = context.time
            context.record.handoffTeam = handoff.team
        case .setState(let change):
            context.record.state = change.name
            context.record.stateExpiresAt =
                change.name == nil ? nil : change.expiry.map { context.time.addingTimeInterval($0.seconds) }
        case .updateConversation(let update):
            guard update.status != nil, let conversationID = context.event.conversationID,
                let request = BirdRequest.updateConversation(
                    ConversationChange(status: update.status), conversationID: conversationID,
                    generation: context.event.generation, workspaceID: configuration.workspaceID),
                let status = request.body?["status"]?.stringValue
            else { return }
            context.record.apply(status: status)
        case .reply, .sendTemplate, .http, .stop:
            return
        }
    }
}

extension ActionRunner {
    /// Puts a Bird call into the outbox behind an earlier action of its conversation that has not gone
    /// through yet, instead of sending it first; the ``OutboxRetrier`` sends it after the earlier one.
    func queueBehind(
        _ request: BirdRequest, outcome: ActionOutcome, reference: ActionReference, event: Event, logger: Logger
    ) async -> ActionOutcome {
        var queued = outcome
        queued.result = .failed
        let item = OutboxItem(
            id: nil, reference: reference.description, eventKey: event.key, conversationID: event.conversationID,
            kind: outcome.kind, request: BirdRequestRecord(request).json(),
            lastError: "waiting behind an earlier action of this conversation", attempts: 0, failedAt: now(), firstFailedAt: now())
        do {
            _ = try await store.addToOutbox(item)
            if let conversationID = event.conversationID { order.added(conversationID) }
            logger.notice("action queued behind an earlier one in the outbox")
            queued.detail =
                "queued in the outbox behind an earlier action of this conversation that has not reached Bird yet; "
                + "it is sent after that one"
        } catch {
            logger.error("could not queue the action in the outbox", metadata: ["error": "\(error)"])
            queued.detail = "could not queue the action behind an earlier one in the outbox: \(error)"
        }
        return queued
    }
}
