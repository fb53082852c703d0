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
    /// What Perch remembers about the conversation; actions change it (state, hand-off, status).
    var record: ConversationRecord
}

/// Carries out a rule's actions through the Bird API client, in the generation of the event.
struct ActionRunner: Sendable {
    /// True while an event queued by recovery runs: its sends may have reached Bird before the stop.
    @TaskLocal static var recovering = false

    let configuration: RuntimeConfiguration
    let bird: BirdClient
    let http: HTTPClient
    let store: any Store
    /// Conversations with an action waiting in the outbox; a later action of theirs waits behind it.
    var order = OutboxOrder()
    /// The clock of outbox times.
    var now: @Sendable () -> Date = { Date() }

    func run(
        _ action: Action, rule: FiredRule, index: Int, reference: ActionReference, context: inout ActionContext,
        logger: Logger
    ) async -> ActionOutcome {
        var logger = logger
        logger[metadataKey: "action.kind"] = "\(action.name)"
        let outcome = ActionOutcome(rule: rule.key, index: index, kind: action.name, result: .done)
        let event = context.event
        let flowID = rule.participantID ?? configuration.flowID
        switch action {
        case .reply(let reply):
            guard let conversationID = event.conversationID else {
                if let request = channelReply(reply, event: event, reference: reference) {
                    return await send(request, outcome: outcome, reference: reference, event: event, logger: logger)
                }
                return outcome.skipped("the event belongs to no conversation, so there is nothing to reply to")
            }
            if let closed = whatsappWindowClosed(context) {
                guard let fallback = reply.fallbackTemplate else {
                    return outcome.skipped(closed + "; free text is not allowed and the reply has no fallback_template")
                }
                var sent = await sendTemplate(
                    fallback, conversationID: conversationID, flowID: flowID, reference: reference, outcome: outcome,
                    event: event, logger: logger)
                if sent.result == .done { sent.detail = closed + "; sent the fallback template instead" }
                return sent
            }
            let request = BirdRequest.sendText(
                OutgoingText(text: reply.text.render(event), buttons: reply.buttons),
                conversationID: conversationID, generation: event.generation,
                workspaceID: configuration.workspaceID, flowID: flowID, reference: reference.description)
            return await send(request, outcome: outcome, reference: reference, event: event, logger: logger)

        case .sendTemplate(let template):
            guard let conversationID = event.conversationID else {
                return outcome.skipped("the event belongs to no conversation, so there is nowhere to send a template")
            }
            return await sendTemplate(
                template, conversationID: conversationID, flowID: flowID, reference: reference, outcome: outcome,
                event: event, logger: logger)

        case .updateConversation(let update):
            guard let conversationID = event.conversationID else {
                return outcome.skipped("the event belongs to no conversation, so there is none to update")
            }
            let change = ConversationChange(
                status: update.status, name: update.name?.render(event),
                attributes: update.attributes.mapValues { .string($0.render(event)) })
            guard
                let request = BirdRequest.updateConversation(
                    change, conversationID: conversationID, generation: event.generation,
                    workspaceID: configuration.workspaceID)
            else {
                return outcome.skipped("the legacy MessageBird API can change only a conversation's status")
            }
            var result = await send(request, outcome: outcome, reference: reference, event: event, logger: logger)
            if result.result == .done {
                if let status = request.body?["status"]?.stringValue { context.record.apply(status: status) }
                if event.generation == .messagebird, change.name != nil || !change.attributes.isEmpty {
                    result.detail =
                        "the legacy MessageBird API has no conversation name or attributes; only the status was changed"
                }
            }
            return result

        case .handoff(let handoff):
            return await hand(handoff, outcome: outcome, reference: reference, context: &context, logger: logger)

        case .setState(let change):
            context.record.state = change.name
            context.record.stateExpiresAt =
                change.name == nil ? nil : change.expiry.map { context.time.addingTimeInterval($0.seconds) }
            return outcome

        case .http(let call):
            return await callURL(call, outcome: outcome, event: event, logger: logger)

        case .stop:
            return outcome
        }
    }

    // MARK: Templates

    private func sendTemplate(
        _ template: TemplateAction, conversationID: String, flowID: String, reference: ActionReference,
        outcome: ActionOutcome, event: Event, logger: Logger
    ) async -> ActionOutcome {
        let request: BirdRequest
        switch (template, event.generation) {
        case (.bird(let bird), .bird):
            request = BirdRequest.sendTemplate(
                OutgoingBirdTemplate(
                    projectID: bird.project, version: bird.version, locale: bird.locale,
                    parameters: bird.parameters.mapValues { $0.render(event) }),
                conversationID: conversationID, workspaceID: configuration.workspaceID, flowID: flowID,
                reference: reference.description)
        case (.legacy(let hsm), .messagebird):
            request = BirdRequest.sendHSM(
                OutgoingHSM(
                    namespace: hsm.namespace, templateName: hsm.name, languageCode: hsm.language,
                    params: hsm.params.map { $0.render(event) }),
                conversationID: conversationID, reference: reference.description)
        case (.bird, .messagebird):
            return outcome.skipped(
                "the template is a Bird platform template (project, locale) but the event came from the legacy MessageBird API; give namespace, name and language instead"
            )
        case (.legacy, .bird):
            return outcome.skipped(
                "the template is a legacy MessageBird template (namespace, name) but the event came from the Bird platform; give project and locale instead"
            )
        }
        return await send(request, outcome: outcome, reference: reference, event: event, logger: logger)
    }

    // MARK: Hand-off

    private func hand(
        _ handoff: HandoffAction, outcome: ActionOutcome, reference: ActionReference, context: inout ActionContext,
        logger: Logger
    ) async -> ActionOutcome {
        let event = context.event
        // The bot goes quiet whatever the routing calls do: the customer asked for a person.
        context.record.handoffActive = true
        context.record.handoffAt = context.time
        context.record.handoffTeam = handoff.team
        guard let conversationID = event.conversationID else {
            return outcome.skipped("the event belongs to no conversation; the bot is paused but nothing was routed")
        }
        guard event.generation == .bird else {
            var done = outcome
            done.detail = "the legacy MessageBird API has no teams or agents; the bot is paused in this conversation"
            return done
        }
        let note = handoff.note?.render(event)
        var calls: [BirdRequest] = []
        if let agent = handoff.agent {
            calls.append(
                .addUserParticipant(
                    userID: agent, conversationID: conversationID, workspaceID: configuration.workspaceID)
            )
        }
        var info: [String: JSONValue] = ["at": .string(context.time.formatted(.iso8601))]
        if let team = handoff.team { info["team"] = .string(team) }
        if let agent = handoff.agent { info["agent"] = .string(agent) }
        if let note { info["note"] = .string(note) }
        var attributes: [String: JSONValue] = ["handoff": .object(info)]
        if let team = handoff.team { attributes["team"] = .string(team) }
        if let request = BirdRequest.updateConversation(
            ConversationChange(attributes: attributes), conversationID: conversationID, generation: .bird,
            workspaceID: configuration.workspaceID)
        {
            calls.append(request)
        }
        var details: [String] = []
        for (number, request) in calls.enumerated() {
            // Distinct references, so the outbox keeps both calls when both fail.
            var callReference = reference
            callReference.call = calls.count > 1 ? number + 1 : nil
            let result = await send(request, outcome: outcome, reference: callReference, event: event, logger: logger)
            if result.result == .failed { details.append("\(request.endpoint): \(result.detail ?? "failed")") }
        }
        if configuration.assignThroughFeedItems, handoff.team != nil || handoff.agent != nil {
            if let problem = await assign(
                conversationID: conversationID, team: handoff.team, agent: handoff.agent, logger: logger)
            {
                details.append(problem)
            }
        }
        guard details.isEmpty else {
            var failed = outcome
            failed.result = .failed
            failed.detail = "the bot is paused, but routing failed: " + details.joined(separator: "; ")
            return failed
        }
        return outcome
    }

    /// The Collaborations feed-item recipe: find the conversation's open feed item, assign it.
    /// Returns what went wrong, or nil.
    private func assign(conversationID: String, team: String?, agent: String?, logger: Logger) async -> String? {
        let found: BirdResponse
        do {
            found = try await bird.perform(
                .searchFeedItems(conversationID: conversationID, workspaceID: configuration.workspaceID))
        } catch {
            logger.warning("feed item search failed", metadata: ["error": "\(error)"])
            return "search_feed_items: \(error)"
        }
        var items: [JSONValue] = []
        if case .array(let results)? = found.body?["results"] { items = results }
        guard
            let item = items.first(where: { $0["closed"] != JSONValue.bool(true) }),
            let itemID = item["id"]?.stringValue, let feedID = item["feedId"]?.stringValue
        else {
            return "search_feed_items: Bird has no open feed item for this conversation"
        }
        do {
            _ = try await bird.perform(
                .assignFeedItem(
                    feedID: feedID, itemID: itemID, teamID: team.map { configuration.teamIDs[$0] ?? $0 },
                    agentID: agent, workspaceID: configuration.workspaceID))
            return nil
        } catch {
            logger.warning("feed item assignment failed", metadata: ["error": "\(error)"])
            return "assign_feed_item: \(error)"
        }
    }

    // MARK: HTTP

    private func callURL(_ call: HTTPAction, outcome: ActionOutcome, event: Event, logger: Logger) async
        -> ActionOutcome
    {
        var headers: [(name: String, value: String)] = call.headers.sorted { $0.key < $1.key }.map {
            ($0.key, $0.value)
        }
        var body: [UInt8]?
        if let template = call.body {
            body = template.render(event).serializedBytes()
            if !call.headers.keys.contains(where: { $0.lowercased() == "content-type" }) {
                headers.append(("Content-Type", "application/json"))
            }
        }
        var failed = outcome
        failed.result = .failed
        // Flow URLs may carry credentials (`user:pass@`, `?token=`): logs and traces show neither.
        let shown = Self.redacted(call.url)
        do {
            let response = try await http.execute(
                ClientRequest(method: call.method, url: call.url, headers: headers, body: body, timeout: call.timeout))
            guard (200..<300).contains(response.status) else {
                logger.warning(
                    "http action failed", metadata: ["http.url": "\(shown)", "http.status": "\(response.status)"])
                failed.detail = "\(shown) answered \(response.status)"
                return failed
            }
            logger.debug("action done", metadata: ["http.url": "\(shown)", "http.status": "\(response.status)"])
            return outcome
        } catch {
            let text = "\(error)".replacingOccurrences(of: call.url, with: shown)
            logger.warning("http action failed", metadata: ["http.url": "\(shown)", "error": "\(text)"])
            failed.detail = "\(shown): \(text)"
            return failed
        }
    }

    // MARK: Bird

    /// Why free text may not be sent now (WhatsApp's customer-service window), or nil when it may.
    private func whatsappWindowClosed(_ context: ActionContext) -> String? {
        let event = context.event
        let isWhatsApp =
            event.platform == "whatsapp" || event.channelID.map(configuration.whatsappChannelIDs.contains) == true
        guard isWhatsApp else { return nil }
        guard let last = context.record.lastInboundAt else {
            return "WhatsApp's 24-hour window is not open: the customer has not written in this conversation"
        }
        guard context.time.timeIntervalSince(last) > configuration.whatsappWindow.seconds else { return nil }
        return "WhatsApp's 24-hour window closed: the customer last wrote at \(last.formatted(.iso8601))"
    }

    private func send(
        _ request: BirdRequest, outcome: ActionOutcome, reference: ActionReference, event: Event, logger: Logger
    ) async -> ActionOutcome {
        if let conversationID = event.conversationID, order.isWaiting(conversationID) {
            return await queueBehind(request, outcome: outcome, reference: reference, event: event, logger: logger)
        }
        if Self.recovering, await sentBefore(request, reference: reference, event: event, logger: logger) {
            var done = outcome
            done.result = .alreadyDone
            done.detail = "Bird already has this message (found by its reference after a restart)"
            return done
        }
        do {
            // A retry after a failure that Bird may have taken first asks Bird for the message by its reference.
            let lookup = SentMessageLookup(bird: bird)
            let since = event.occurredAt
            let reference = reference.description
            _ = try await bird.perform(request) { _ in
                await lookup.existing(request, reference: reference, since: since, logger: logger)
            }
            logger.debug("action done", metadata: ["bird.endpoint": "\(request.endpoint)"])
            return outcome
        } catch {
            logger.error("action failed", metadata: ["bird.endpoint": "\(request.endpoint)", "error": "\(error)"])
            var failed = outcome
            failed.result = .failed
            failed.detail = error.description
            if error.isRetryable {
                // Worth sending again later (`perch outbox retry`); a 4xx would only fail again.
                let item = OutboxItem(
                    id: nil, reference: reference.description, eventKey: event.key,
                    conversationID: event.conversationID, kind: outcome.kind,
                    request: BirdRequestRecord(request).json(), lastError: error.description, attempts: 1,
                    failedAt: now(), firstFailedAt: now())
                if (try? await store.addToOutbox(item)) != nil, let conversationID = event.conversationID {
                    order.added(conversationID)
                }
            }
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
    /// True for actions that make Bird do something in the conversation, which can cause further
    /// events: these count towards the automation chain limit.
    var reachesBird: Bool {
        switch self {
        case .reply, .sendTemplate, .updateConversation, .handoff: true
        case .setState, .http, .stop: false
        }
    }
}

extension ActionRunner {
    /// A reply to a Bird channel event that belongs to no conversation (e.g. `whatsapp.inbound`): sent
    /// through the channel straight to the contact who wrote.
    func channelReply(_ reply: ReplyAction, event: Event, reference: ActionReference) -> BirdRequest? {
        guard event.generation == .bird, let channelID = event.channelID,
            let contact = event.raw.value(at: "payload.sender.contact"),
            let key = contact["identifierKey"]?.stringValue, let value = contact["identifierValue"]?.stringValue
        else { return nil }
        return BirdRequest.sendChannelText(
            OutgoingText(text: reply.text.render(event), buttons: reply.buttons), channelID: channelID,
            workspaceID: configuration.workspaceID, identifierKey: key, identifierValue: value,
            replyTo: event.messageID, reference: reference.description)
    }
}

extension ActionRunner {
    /// After a restart or a store failure, whether Bird already holds the message this send would
    /// create: the stop may have come after Bird took it but before Perch recorded it as done. Bird
    /// platform messages carry Perch's `reference`; legacy ones are found by `trackId` or by content
    /// and time (``SentMessageLookup``).
    func sentBefore(_ request: BirdRequest, reference: ActionReference, event: Event, logger: Logger) async -> Bool {
        guard request.path.hasSuffix("/messages"), event.conversationID != nil else { return false }
        return await SentMessageLookup(bird: bird).existing(
            request, reference: reference.description, since: event.occurredAt, logger: logger) != nil
    }
}

extension ActionRunner {
    /// The URL without user information or query, for logs and traces.
    static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url) else { return "(unparsable URL)" }
        components.user = nil
        components.password = nil
        let hadQuery = components.query != nil
        components.query = nil
        guard let text = components.string else { return "(unparsable URL)" }
        return hadQuery ? text + "?…" : text
    }
}
