import Curl
import Foundation
import Logging
import PerchBird
import PerchEvents
import PerchFlows
import PerchStore

/// What an action sees and may change while a rule runs.
struct ActionContext: Sendable {
    var event: Event
    var time: Date
    /// The customer's last inbound message, for WhatsApp's 24-hour window.
    var lastInbound: Date?
    var record: ConversationRecord
}

/// Carries out a rule's actions through the Bird API client, in the generation of the event.
struct ActionRunner: Sendable {
    let configuration: RuntimeConfiguration
    let bird: BirdClient
    let http: HTTPClient
    let store: any Store

    func run(
        _ action: Action, rule: FiredRule, index: Int, reference: ActionReference, context: inout ActionContext,
        logger: Logger
    ) async -> ActionOutcome {
        var logger = logger
        logger[metadataKey: "action.kind"] = "\(action.kind)"
        let outcome = ActionOutcome(rule: rule.key, index: index, kind: action.kind, result: .done)
        let event = context.event
        switch action {
        case .reply(let reply):
            guard let conversationID = event.conversationID else {
                return outcome.skipped("the event belongs to no conversation")
            }
            if event.platform == "whatsapp", let last = context.lastInbound,
                context.time.timeIntervalSince(last) > configuration.whatsappWindow.seconds
            {
                return outcome.skipped(
                    "WhatsApp's 24-hour window closed: the customer last wrote at \(last.formatted(.iso8601))")
            }
            let request = BirdRequest.sendText(
                OutgoingText(text: reply.text.render(event), buttons: reply.buttons),
                conversationID: conversationID, generation: event.generation,
                workspaceID: configuration.workspaceID, flowID: rule.participantID ?? configuration.flowID,
                reference: reference.description)
            context.record.automatedChain += 1
            return await send(request, outcome: outcome, reference: reference, event: event, logger: logger)
        case .setState(let change):
            context.record.state = change.name
            context.record.stateExpiresAt = change.expiry.map { context.time.addingTimeInterval($0.seconds) }
            return outcome
        case .stop:
            return outcome
        default:
            return outcome.skipped("the \(action.kind) action is not carried out by this version of Perch yet")
        }
    }

    private func send(
        _ request: BirdRequest, outcome: ActionOutcome, reference: ActionReference, event: Event, logger: Logger
    ) async -> ActionOutcome {
        do {
            _ = try await bird.perform(request)
            logger.info("action done", metadata: ["bird.endpoint": "\(request.endpoint)"])
            return outcome
        } catch {
            logger.error("action failed", metadata: ["bird.endpoint": "\(request.endpoint)", "error": "\(error)"])
            var failed = outcome
            failed.result = .failed
            failed.detail = error.description
            _ = try? await store.addToOutbox(
                OutboxItem(
                    id: nil, reference: reference.description, eventKey: event.key,
                    conversationID: event.conversationID, kind: outcome.kind,
                    request: BirdRequestRecord(request).json(), lastError: error.description, attempts: 1,
                    failedAt: Date()))
            return failed
        }
    }
}

extension ActionOutcome {
    func skipped(_ reason: String) -> ActionOutcome {
        var copy = self
        copy.result = .skipped
        copy.detail = reason
        return copy
    }
}

extension Action {
    /// The action's name as written in flow files.
    var kind: String {
        switch self {
        case .reply: "reply"
        case .sendTemplate: "send_template"
        case .updateConversation: "update_conversation"
        case .handoff: "handoff"
        case .setState: "set_state"
        case .http: "http"
        case .stop: "stop"
        }
    }
}
