import Curl
import Foundation
import PerchEvents
import PerchRuntime
import PerchStore
import PerchTesting
import Testing

/// A kill after Bird took a legacy reply but before Perch recorded it: after the restart Perch reads the
/// legacy conversation's message list and does not send the reply again. Found by `trackId` when Bird
/// lists it, else by content and time (a message Perch sent with the same text after the customer's).
@Suite("Legacy recovery asks Bird before sending again")
struct LegacyRecoveryCheckTests {
    static let conversation = "c-legacy-recovered"
    static let flow = """
        flow: legacy-recovery
        rules:
          - id: answer
            when: { keywords: [hours] }
            reply: "We are open from 9 to 5."
        """

    /// Leaves a legacy event acknowledged but unfinished in a store file, as a killed Perch would.
    static func storeWithUnfinishedEvent(at path: String, customerWroteAt: Date) async throws -> Event {
        let body = Array(
            LegacyPayload.message(
                conversation: conversation, message: "m-legacy", text: "hours?",
                at: customerWroteAt.formatted(.iso8601)
            ).utf8)
        let event = try WebhookDecoder.messageBird(body)
        let store = try SQLiteStore(path: path)
        _ = try await store.enqueue(
            InboxEntry(
                sequence: nil, key: event.key, conversationKey: conversation, source: "messagebird", payload: body,
                metadata: [:], receivedAt: Date()))
        await store.close()
        return event
    }

    @Test(arguments: [(birdHasIt: true, withTrackID: true), (true, false), (false, true)])
    func aReplyBirdAlreadyHasIsNotSentAgain(birdHasIt: Bool, withTrackID: Bool) async throws {
        let folder = try TemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder.url) }
        let storePath = folder.path("perch.sqlite")
        let flowPath = try folder.write("legacy.yaml", Self.flow)
        let event = try await Self.storeWithUnfinishedEvent(
            at: storePath, customerWroteAt: Date().addingTimeInterval(-5))
        let reference = ActionReference(eventKey: event.key, ruleID: "legacy-recovery/answer", actionIndex: 0)

        let bird = FakeBirdAPI()
        try bird.start()
        let client = HTTPClient()
        if birdHasIt {
            // The reply the killed Perch sent; without `trackId` when Bird's list would not show it.
            var fields: [String: JSONValue] = [
                "type": .string("text"), "content": .object(["text": .string("We are open from 9 to 5.")]),
            ]
            if withTrackID { fields["trackId"] = .string(reference.description) }
            let sent = try await client.execute(
                ClientRequest(
                    method: "POST", url: bird.messageBirdURL + "/conversations/\(Self.conversation)/messages",
                    headers: [("Authorization", "AccessKey k"), ("Content-Type", "application/json")],
                    body: Array(JSONValue.object(fields).serialized().utf8)))
            #expect(sent.status == 201)
        }
        bird.clearRequests()

        let perch = try await Perch.start(store: storePath, flows: [flowPath], bird: bird)
        let running = Task { await perch.application.run() }
        await perch.application.runtime.dispatcher.waitUntilIdle()
        await perch.stop(running: running)

        let requests = bird.requests
        #expect(requests.first?.method == "GET")
        #expect(requests.first?.path == "/v1/conversations/\(Self.conversation)/messages")
        let sends = requests.filter { $0.method == "POST" }
        #expect(sends.count == (birdHasIt ? 0 : 1), "\(requests)")
        await client.shutdown()
        await bird.shutdown()
    }
}
