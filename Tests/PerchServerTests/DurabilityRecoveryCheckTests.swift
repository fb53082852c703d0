import Curl
import Foundation
import PerchEvents
import PerchRuntime
import PerchServer
import PerchStore
import PerchTesting
import Testing

/// A kill can come after Bird took a reply but before Perch recorded it as done. After the restart,
/// Perch asks Bird (platform API) whether it already has a message with the reply's reference.
@Suite("Recovery asks Bird before sending again")
struct DurabilityRecoveryCheckTests {
    static let conversation = "c-recovered"

    static func payload() -> String {
        """
        {"service":"conversations","event":"conversation.updated","payload":{"id":"\(conversation)","status":"active",\
        "channelId":"ch-1","lastMessage":{"id":"m-recovered","type":"text","preview":{"text":"testing"},\
        "sender":{"id":"contact-1","type":"contact"},"status":"delivered","createdAt":"2026-11-21T10:00:00.000Z"}}}
        """
    }

    /// Leaves the event acknowledged but unfinished in a store file, as a killed Perch would.
    static func storeWithUnfinishedEvent(at path: String) async throws -> Event {
        let body = Array(payload().utf8)
        let event = try WebhookDecoder.bird(body, requestID: nil)
        let store = try SQLiteStore(path: path)
        _ = try await store.enqueue(
            InboxEntry(
                sequence: nil, key: event.key, conversationKey: conversation, source: "bird", payload: body,
                metadata: [:], receivedAt: Date()))
        await store.close()
        return event
    }

    @Test(arguments: [true, false])
    func aReplyBirdAlreadyHasIsNotSentAgain(birdHasIt: Bool) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("perch-recheck-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let storePath = folder.appendingPathComponent("perch.sqlite").path
        let event = try await Self.storeWithUnfinishedEvent(at: storePath)
        let reference = ActionReference(eventKey: event.key, ruleID: "faq/connection-test", actionIndex: 0)

        let bird = FakeBirdAPI()
        try bird.start()
        let client = HTTPClient()
        if birdHasIt {
            // The reply the killed Perch sent: Bird has it, Perch's store does not know.
            let sent = try await client.execute(
                ClientRequest(
                    method: "POST", url: bird.birdURL + "/workspaces/ws-1/conversations/\(Self.conversation)/messages",
                    headers: [("Authorization", "AccessKey k"), ("Content-Type", "application/json")],
                    body: Array(
                        #"{"participantType":"flow","participantId":"flow-1","reference":"\#(reference)","body":{"type":"text","text":{"text":"earlier"}}}"#
                            .utf8)))
            #expect(sent.status == 201)
        }
        bird.clearRequests()

        let perch = try await Perch.start(
            store: storePath, flows: [Harness.repositoryRoot.appendingPathComponent("flows").path], bird: bird)
        let running = Task { await perch.application.run() }
        await perch.application.runtime.dispatcher.waitUntilIdle()
        await perch.stop(running: running)

        let requests = bird.requests
        #expect(requests.first?.method == "GET")
        #expect(requests.first?.path == "/workspaces/ws-1/conversations/\(Self.conversation)/messages")
        let sends = requests.filter { $0.method == "POST" }
        #expect(sends.count == (birdHasIt ? 0 : 1), "\(requests)")
        if let send = sends.first { #expect(send.json?["reference"] == .string(reference.description)) }
        await client.shutdown()
        await bird.shutdown()
    }
}
