import Foundation
import MicroHTTP
import PerchEvents
import PerchRuntime
import PerchTesting
import Synchronization
import Testing

@Suite("Runtime: actions reach Bird (and URLs) with the exact bodies expected")
struct RuntimeActionsTests {
    static let rules = "Tests/PerchServerTests/Fixtures/runtime-rules.yaml"

    @Test func keywordGetsItsReplySentAsParticipantTypeFlow() async throws {
        let clock = TestClock()
        let harness = try await Harness.start(clock: clock)
        try await harness.run { harness in
            let status = try await harness.deliverBird(
                BirdPayload.contactMessage(
                    conversation: "0e07df52-3a5b-47e0-a8cb-1cf1754df147", message: "af87bd00-0b44",
                    text: "What are your opening hours? 🕘", at: clock.iso))
            #expect(status == 200)
            let requests = try await harness.bird.waitForRequests(count: 1)
            let reply = try #require(requests.first)
            #expect(reply.method == "POST")
            #expect(reply.path == "/workspaces/ws-1/conversations/0e07df52-3a5b-47e0-a8cb-1cf1754df147/messages")
            let body = try #require(reply.json)
            #expect(body["participantType"] == .string("flow"))
            #expect(body["participantId"] == .string("flow-1"))
            #expect(body["addMissingParticipants"] == .bool(true))
            #expect(body["body"]?["type"] == .string("text"))
            #expect(body["body"]?["text"]?["text"]?.stringValue?.hasPrefix("We are open Monday to Friday") == true)
            #expect(body["reference"] == .string("perch:bird:message:af87bd00-0b44:faq/opening-hours:0"))
        }
    }

    @Test func templateIsSentWithItsParametersInPlaceOfABody() async throws {
        let clock = TestClock()
        let harness = try await Harness.start(flows: [Self.rules], clock: clock)
        try await harness.run { harness in
            _ = try await harness.deliverBird(
                BirdPayload.contactMessage(conversation: "c-template", message: "m1", text: "any offer?", at: clock.iso)
            )
            let request = try #require(try await harness.bird.waitForRequests(count: 1).first)
            #expect(request.path == "/workspaces/ws-1/conversations/c-template/messages")
            let expected = try JSONValue(
                parsing: """
                    {"participantType":"flow","participantId":"flow-1","addMissingParticipants":true,
                     "reference":"perch:bird:message:m1:runtime/offer:0",
                     "template":{"projectId":"5d9084b3-7f7c-4c5b-9a3e-4e5e3b0c1a11","version":"latest","locale":"en",
                       "parameters":[{"type":"string","key":"code","value":"SPRING"},
                                     {"type":"string","key":"name","value":"João Müller"}]}}
                    """)
            #expect(request.json == expected)
        }
    }

    @Test func legacyTemplateIsAnHSM() async throws {
        let path = try Harness.writeFlow(
            """
            flow: legacy
            rules:
              - id: offer
                when: { keywords: [offer] }
                send_template: { namespace: ns-1, name: spring_offer, language: en, params: ["{{ message.text }}"] }
            """)
        let clock = TestClock()
        let harness = try await Harness.start(clock: clock) { $0.flowsPaths = [path] }
        try await harness.run { harness in
            let response = try await harness.post(
                "/webhooks/messagebird",
                json: LegacyPayload.message(conversation: "lc1", message: "lm1", text: "offer", at: clock.iso))
            #expect(response.status == 200)
            let request = try #require(try await harness.bird.waitForRequests(count: 1).first)
            #expect(request.path == "/v1/conversations/lc1/messages")
            let expected = try JSONValue(
                parsing: """
                    {"type":"hsm","trackId":"perch:messagebird:message.created:lm1:received:legacy/offer:0",
                     "content":{"hsm":{"namespace":"ns-1","templateName":"spring_offer",
                       "language":{"policy":"deterministic","code":"en"},"params":[{"default":"offer"}]}}}
                    """)
            #expect(request.json == expected)
        }
    }

    @Test func conversationUpdateClosesItWithAPatch() async throws {
        let clock = TestClock()
        let harness = try await Harness.start(flows: [Self.rules], clock: clock)
        try await harness.run { harness in
            _ = try await harness.deliverBird(
                BirdPayload.contactMessage(conversation: "c-close", message: "m1", text: "goodbye", at: clock.iso))
            let request = try #require(try await harness.bird.waitForRequests(count: 1).first)
            #expect(request.method == "PATCH")
            #expect(request.path == "/workspaces/ws-1/conversations/c-close")
            let expected = try JSONValue(
                parsing: #"{"status":"closed","name":"Closed by Perch","attributes":{"topic":"goodbye"}}"#)
            #expect(request.json == expected)
        }
    }

    @Test func legacyConversationUpdateArchives() async throws {
        let clock = TestClock()
        let harness = try await Harness.start(flows: [Self.rules], clock: clock)
        try await harness.run { harness in
            _ = try await harness.post(
                "/webhooks/messagebird",
                json: LegacyPayload.message(conversation: "lc2", message: "lm2", text: "goodbye", at: clock.iso))
            let request = try #require(try await harness.bird.waitForRequests(count: 1).first)
            #expect(request.method == "PATCH")
            #expect(request.path == "/v1/conversations/lc2")
            #expect(request.json == .object(["status": .string("archived")]))
            await harness.settle()
            let trace = try #require(try await harness.trace("messagebird:message.created:lm2:received"))
            #expect(trace.actions.first?.detail?.contains("only the status") == true)
        }
    }

    @Test func httpActionPostsItsJSONBodyToTheURL() async throws {
        let received = Mutex<[ServerRequest]>([])
        let target = HTTPServer(configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0)) { request in
            received.withLock { $0.append(request) }
            return .json(200, #"{"ok":true}"#)
        }
        try target.start()
        let path = try Harness.writeFlow(
            """
            flow: hooks
            rules:
              - id: callback
                when: { keywords: [callback] }
                do:
                  - http:
                      url: http://127.0.0.1:\(target.port)/hooks/callback
                      headers: { X-Source: perch }
                      body: { phone: "{{ contact.identifier }}", text: "{{ message.text }}", urgent: true, tries: 2 }
                      timeout: 5s
                  - reply: "We'll call you back."
            """)
        let clock = TestClock()
        let harness = try await Harness.start(clock: clock) { $0.flowsPaths = [path] }
        try await harness.run { harness in
            _ = try await harness.deliverBird(
                BirdPayload.contactMessage(
                    conversation: "c-http", message: "m1", text: "callback please", at: clock.iso))
            // The reply comes after the http action, so once it arrives the call was made.
            _ = try await harness.bird.waitForRequests(count: 1)
            let call = try #require(received.withLock { $0.first })
            #expect(call.method == "POST")
            #expect(call.path == "/hooks/callback")
            #expect(call.headers["x-source"] == "perch")
            #expect(call.headers["content-type"] == "application/json")
            let expected = try JSONValue(
                parsing: #"{"phone":"+31627543581","text":"callback please","urgent":true,"tries":2}"#)
            #expect(try JSONValue(parsing: call.body) == expected)
        }
        await target.shutdown()
    }

    @Test func failingHTTPActionIsLoggedAndTheRuleGoesOn() async throws {
        let path = try Harness.writeFlow(
            """
            flow: hooks
            rules:
              - id: callback
                when: { keywords: [callback] }
                do:
                  - http: { url: "http://127.0.0.1:9/nothing-listens-here", body: { a: 1 }, timeout: 2s }
                  - reply: "We'll call you back."
            """)
        let clock = TestClock()
        let harness = try await Harness.start(clock: clock) { $0.flowsPaths = [path] }
        try await harness.run { harness in
            _ = try await harness.deliverBird(
                BirdPayload.contactMessage(conversation: "c-http2", message: "m1", text: "callback", at: clock.iso))
            _ = try await harness.bird.waitForRequests(count: 1)
            await harness.settle()
            let trace = try #require(try await harness.trace("bird:message:m1"))
            #expect(trace.actions.map(\.result) == [.failed, .done])
            #expect(trace.actions[0].detail?.contains("nothing-listens-here") == true)
        }
    }

    @Test func handoffAddsTheAgentSetsTheTeamAndAssignsTheFeedItem() async throws {
        let clock = TestClock()
        let harness = try await Harness.start(flows: [Self.rules], clock: clock) {
            $0.runtime.assignThroughFeedItems = true
            $0.runtime.teamIDs = ["vip": "team-uuid-vip"]
        }
        try await harness.run { harness in
            // reply, add participant, PATCH attributes: normal answers; then the feed-item search and
            // assignment, which the fake does not route, answered by injected faults.
            harness.bird.inject(
                .status(201, body: #"{"id":"msg-1"}"#), .status(201, body: "{}"), .status(200, body: "{}"),
                .status(
                    200,
                    body:
                        #"{"results":[{"id":"item-0","feedId":"team:x","closed":true},{"id":"item-1","feedId":"channel:c1","closed":false}]}"#
                ),
                .status(200, body: "{}"))
            _ = try await harness.deliverBird(
                BirdPayload.contactMessage(conversation: "c-vip", message: "m1", text: "vip please", at: clock.iso))
            let requests = try await harness.bird.waitForRequests(count: 5)
            #expect(
                requests.map { "\($0.method) \($0.path)" } == [
                    "POST /workspaces/ws-1/conversations/c-vip/messages",
                    "POST /workspaces/ws-1/conversations/c-vip/participants",
                    "PATCH /workspaces/ws-1/conversations/c-vip",
                    "POST /workspaces/ws-1/search/feed-items",
                    "PATCH /workspaces/ws-1/feeds/channel:c1/items/item-1",
                ])
            #expect(requests[1].json == .object(["type": .string("user"), "id": .string("2f1c0e5a-agent-7")]))
            let attributes = try #require(requests[2].json?["attributes"])
            #expect(attributes["team"] == .string("vip"))
            #expect(attributes["handoff"]?["team"] == .string("vip"))
            #expect(attributes["handoff"]?["agent"] == .string("2f1c0e5a-agent-7"))
            #expect(attributes["handoff"]?["note"] == .string("VIP asked: vip please"))
            #expect(requests[3].json == .object(["conversationIds": .array([.string("c-vip")])]))
            #expect(
                requests[4].json
                    == .object(["teamId": .string("team-uuid-vip"), "agentId": .string("2f1c0e5a-agent-7")]))
        }
    }

    @Test func aClosedConversationMakesTheReplyFailWithBirdsReasonInTheTrace() async throws {
        let clock = TestClock()
        let harness = try await Harness.start(clock: clock)
        try await harness.run { harness in
            harness.bird.inject(
                .status(422, body: #"{"code":"ConversationClosed","message":"conversation is closed"}"#))
            _ = try await harness.deliverBird(
                BirdPayload.contactMessage(conversation: "c-422", message: "m1", text: "hours?", at: clock.iso))
            _ = try await harness.bird.waitForRequests(count: 1)
            await harness.settle()
            let trace = try #require(try await harness.trace("bird:message:m1"))
            let outcome = try #require(trace.actions.first)
            #expect(outcome.result == .failed)
            #expect(outcome.detail == "Bird answered 422 (code ConversationClosed): conversation is closed")
            #expect(trace.explanation?.contains("faq/opening-hours: fired") == true)
        }
    }
}

@Suite("Replies to channel events")
struct ChannelReplyTests {
    /// A `whatsapp.inbound` event belongs to no conversation: the reply goes through the channel,
    /// straight to the contact who wrote, as a reply to their message.
    @Test func whatsappInboundIsAnsweredThroughTheChannel() async throws {
        let body = try IngressTests.example("bird-whatsapp-inbound.json")
            .replacingOccurrences(of: "Bonjour 👋 où est ma commande? ✨", with: "testing")
        let harness = try await Harness.start()
        try await harness.run { harness in
            #expect(try await harness.post("/webhooks/bird", json: body).status == 200)
            let sent = try #require(try await harness.bird.waitForRequests(count: 1).first)
            #expect(sent.method == "POST")
            #expect(sent.path == "/workspaces/ws-1/channels/8e046034-bca4-4f13-9a3c-5d2c1b0a9f8e/messages")
            let json = try #require(sent.json)
            #expect(json.value(at: "receiver.contacts.0.identifierKey") == .string("phonenumber"))
            #expect(json.value(at: "receiver.contacts.0.identifierValue") == .string("+31612345678"))
            #expect(json.value(at: "replyTo.id") == .string("7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"))
            #expect(json.value(at: "body.text.text")?.stringValue?.contains("Perch is connected") == true)
            #expect(json["reference"]?.stringValue?.hasPrefix("perch:") == true)
        }
    }
}

@Suite("Bird conversation previews")
struct ConversationPreviewTests {
    /// A `conversation.updated` whose preview lacks the text: Perch reads the full message from the
    /// conversations API before the flows decide.
    @Test func aMessageWithoutPreviewTextIsReadInFull() async throws {
        let harness = try await Harness.start()
        try await harness.run { harness in
            _ = harness.bird.addInboundMessage(
                conversationID: "c-fetch", messageID: "m-fetch", text: "what are your opening hours?",
                generation: .bird)
            let body = """
                {"service":"conversations","event":"conversation.updated","payload":{"id":"c-fetch","status":"active",\
                "channelId":"ch-1","lastMessage":{"id":"m-fetch","type":"text","sender":{"id":"contact-1","type":"contact"},\
                "status":"delivered","createdAt":"2026-11-21T10:00:00.000Z"}}}
                """
            #expect(try await harness.post("/webhooks/bird", json: body).status == 200)
            let requests = try await harness.bird.waitForRequests(count: 2)
            #expect(requests[0].method == "GET")
            #expect(requests[0].path == "/workspaces/ws-1/conversations/c-fetch/messages/m-fetch")
            #expect(requests[1].path == "/workspaces/ws-1/conversations/c-fetch/messages")
            #expect(requests[1].json?.value(at: "body.text.text")?.stringValue?.hasPrefix("We are open") == true)
        }
    }
}
