import Foundation
import PerchEvents
import PerchFlows
import PerchRuntime
import PerchServer
import PerchTesting
import Testing

@Suite("Hot reload of flows: a clean edit swaps, a bad edit keeps the old flows")
struct ReloadTests {
    static func flow(reply: String, extraRule: String = "") -> String {
        """
        flow: reload
        rules:
          - id: hello
            when: { keywords: [hello] }
            reply: "\(reply)"
        \(extraRule)
        """
    }

    static let byeRule = """
          - id: bye
            when: { keywords: [bye] }
            reply: "goodbye"
        """

    @Test func aCleanEditSwapsTheFlowsAndTheNewRuleAnswers() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try directory.write("flows/reload.yaml", Self.flow(reply: "version one"))
        let bird = FakeBirdAPI()
        try bird.start()
        let capture = LogRecorder()
        let perch = try await Perch.start(
            store: directory.path("perch.sqlite"), flows: [directory.path("flows")], bird: bird,
            logger: capture.logger())
        let running = Task { await perch.application.run() }

        let before = try await perch.readiness()
        let oldVersion = try #require(before.json["flows"]?["version"]?.stringValue)
        #expect(try await perch.postMessage(id: "m1", conversation: "c1", text: "hello").status == 200)
        try await bird.waitForRequests(count: 1)

        try Data(Self.flow(reply: "version two", extraRule: Self.byeRule).utf8).write(to: URL(fileURLWithPath: file))
        let outcome = perch.application.reloader.reload(trigger: "test")
        guard case .swapped(let from, let to) = outcome else {
            Issue.record("expected a swap, got \(outcome)")
            return
        }
        #expect(from == oldVersion)
        let after = try await perch.readiness()
        #expect(after.status == 200)
        #expect(after.json["flows"]?["version"]?.stringValue == to)
        #expect(to != oldVersion)
        let reloaded = try #require(capture.entries("flows reloaded").first)
        #expect(reloaded.metadata["flows.version"] == to)
        #expect(reloaded.metadata["flows.previous_version"] == oldVersion)

        #expect(try await perch.postMessage(id: "m2", conversation: "c1", text: "hello").status == 200)
        #expect(try await perch.postMessage(id: "m3", conversation: "c1", text: "bye").status == 200)
        let requests = try await bird.waitForRequests(count: 3)
        #expect(replyTexts(requests) == ["version one", "version two", "goodbye"])

        // Reloading the same files again changes nothing.
        #expect(perch.application.reloader.reload(trigger: "test") == .unchanged(version: to))

        await perch.stop(running: running)
        await bird.shutdown()
    }

    @Test func aBadEditKeepsTheOldFlowsAndLogsEachErrorWithItsPosition() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try directory.write("flows/reload.yaml", Self.flow(reply: "still here"))
        let bird = FakeBirdAPI()
        try bird.start()
        let capture = LogRecorder()
        let perch = try await Perch.start(
            store: directory.path("perch.sqlite"), flows: [file], bird: bird, logger: capture.logger())
        let running = Task { await perch.application.run() }
        let version = try #require(try await perch.readiness().json["flows"]?["version"]?.stringValue)

        // Line 4 misspells `keywords`; line 8 names an action that does not exist, so the rule of line 6 has none.
        let broken = """
            flow: reload
            rules:
              - id: hello
                when: { keyword: [hello] }
                reply: "broken"
              - id: other
                when: { keywords: [other] }
                shout: "no such action"
            """
        try Data(broken.utf8).write(to: URL(fileURLWithPath: file))
        let outcome = perch.application.reloader.reload(trigger: "test")
        guard case .rejected(let kept, let errors) = outcome else {
            Issue.record("expected the reload to be rejected, got \(outcome)")
            return
        }
        #expect(kept == version)
        #expect(errors.map(\.mark.line) == [4, 6, 8])

        let logged = capture.entries("flow reload error")
        #expect(logged.map { $0.metadata["flow.line"] } == ["4", "6", "8"])
        #expect(logged.allSatisfy { $0.metadata["flow.file"] == file })
        #expect(logged.first?.metadata["flow.column"] == "13")
        #expect(logged.first?.metadata["diagnostic"]?.hasPrefix("\(file):4:13: error:") == true)
        #expect(capture.entries("flow reload rejected: keeping the flows in force").count == 1)

        // The old flows still answer, and Perch stays ready.
        let readiness = try await perch.readiness()
        #expect(readiness.status == 200)
        #expect(readiness.json["flows"]?["version"]?.stringValue == version)
        #expect(try await perch.postMessage(id: "m1", conversation: "c1", text: "hello").status == 200)
        let requests = try await bird.waitForRequests(count: 1)
        #expect(replyTexts(requests) == ["still here"])

        await perch.stop(running: running)
        await bird.shutdown()
    }

    @Test func theWatcherReloadsWhenAFileChanges() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("flows/reload.yaml", Self.flow(reply: "before"))
        let bird = FakeBirdAPI()
        try bird.start()
        let capture = LogRecorder()
        let perch = try await Perch.start(
            store: directory.path("perch.sqlite"), flows: [directory.path("flows")], bird: bird,
            logger: capture.logger(),
            configure: { configuration in configuration.flowsWatchInterval = .milliseconds(20) })
        let running = Task { await perch.application.run() }

        // A new file in the directory counts as a change too.
        try directory.write(
            "flows/more.yaml", "flow: more\nrules:\n  - id: bye\n    when: { keywords: [bye] }\n    reply: \"later\"\n")
        try await capture.waitFor("flows reloaded")
        #expect(capture.entries("flows reloaded").first?.metadata["reload.trigger"] == "file change")
        #expect(try await perch.postMessage(id: "m1", conversation: "c1", text: "bye").status == 200)
        #expect(replyTexts(try await bird.waitForRequests(count: 1)) == ["later"])

        await perch.stop(running: running)
        await bird.shutdown()
    }

    @Test func theWatcherReloadsOncePerChangeAndReportsABadEditOnlyOnce() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try directory.write("flows/reload.yaml", Self.flow(reply: "one"))
        let library = FlowLibrary(try FlowSet.load(paths: [directory.path("flows")]))
        let capture = LogRecorder()
        let reloader = FlowReloader(paths: [directory.path("flows")], library: library, logger: capture.logger())
        #expect(reloader.reloadIfChanged() == nil)

        try Data(Self.flow(reply: "a longer reply").utf8).write(to: URL(fileURLWithPath: file))
        guard case .swapped(_, let version) = reloader.reloadIfChanged() else {
            Issue.record("expected a swap after the edit")
            return
        }
        #expect(library.flows.version == version)
        #expect(reloader.reloadIfChanged() == nil)

        try Data("flow: reload\nrules: [".utf8).write(to: URL(fileURLWithPath: file))
        guard case .rejected(let kept, _) = reloader.reloadIfChanged() else {
            Issue.record("expected the broken file to be rejected")
            return
        }
        #expect(kept == version)
        #expect(library.flows.version == version)
        // Polling again without a change neither reloads nor logs the same errors again.
        #expect(reloader.reloadIfChanged() == nil)
        #expect(capture.entries("flow reload rejected: keeping the flows in force").count == 1)

        // Deleting the file is a change too; a set without any flow file is refused, not swapped in.
        try FileManager.default.removeItem(atPath: file)
        guard case .rejected(_, let errors) = reloader.reloadIfChanged() else {
            Issue.record("expected an empty flow directory to be rejected")
            return
        }
        #expect(errors.first?.message == "no flow files found (.yaml or .yml)")
        #expect(library.flows.version == version)
    }

    @Test func aChangeBehindASymbolicLinkIsSeenAsAConfigMapUpdateMakesIt() throws {
        // Kubernetes mounts a ConfigMap as links: faq.yaml -> data/faq.yaml, data -> a versioned
        // directory; an update only swaps `data`, the file's own link stays as it was.
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("v1/faq.yaml", Self.flow(reply: "one"))
        try directory.write("v2/faq.yaml", Self.flow(reply: "two"))
        let manager = FileManager.default
        try manager.createDirectory(atPath: directory.path("flows"), withIntermediateDirectories: true)
        try manager.createSymbolicLink(atPath: directory.path("data"), withDestinationPath: directory.path("v1"))
        try manager.createSymbolicLink(
            atPath: directory.path("flows/faq.yaml"), withDestinationPath: directory.path("data/faq.yaml"))
        let library = FlowLibrary(try FlowSet.load(paths: [directory.path("flows")]))
        let reloader = FlowReloader(paths: [directory.path("flows")], library: library, logger: Perch.quietLogger)
        let before = library.flows.version

        try manager.removeItem(atPath: directory.path("data"))
        try manager.createSymbolicLink(atPath: directory.path("data"), withDestinationPath: directory.path("v2"))
        guard case .swapped(from: before, let after) = reloader.reloadIfChanged() else {
            Issue.record("expected the swapped link to reload the flows")
            return
        }
        #expect(library.flows.version == after)
    }

    @Test func anEventInFlightDuringAReloadFinishesOnTheFlowsItStartedWith() async throws {
        func twoReplies(_ prefix: String) -> String {
            "flow: reload\nrules:\n  - id: hello\n    when: { keywords: [hello] }\n    do:\n"
                + "      - reply: \"\(prefix)-1\"\n      - reply: \"\(prefix)-2\"\n"
        }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try directory.write("flows/reload.yaml", twoReplies("old"))
        let bird = FakeBirdAPI()
        try bird.start()
        bird.inject(.hang)
        let perch = try await Perch.start(store: directory.path("perch.sqlite"), flows: [file], bird: bird)
        let running = Task { await perch.application.run() }

        // The first event stops in its first reply; the flows change meanwhile.
        #expect(try await perch.postMessage(id: "m1", conversation: "c1", text: "hello").status == 200)
        try await bird.waitForRequests(count: 1)
        try Data(twoReplies("new").utf8).write(to: URL(fileURLWithPath: file))
        guard case .swapped(let old, let new) = perch.application.reloader.reload(trigger: "test") else {
            Issue.record("expected a swap")
            return
        }
        // A new event runs on the new flows at once.
        #expect(try await perch.postMessage(id: "m2", conversation: "c2", text: "hello").status == 200)
        #expect(replyTexts(try await bird.waitForRequests(count: 3)).suffix(2) == ["new-1", "new-2"])

        // Released (its reply fails, and so does the next one: the fake is gone), the first event
        // carries on with the second reply of the flows it started with.
        await bird.shutdown()
        await perch.application.runtime.dispatcher.waitUntilIdle()
        let store = perch.application.runtime.store
        let failed = try await store.outbox(limit: 10).map(\.request)
        #expect(failed.count == 2)
        #expect(failed.first?.contains("old-1") == true)
        #expect(failed.last?.contains("old-2") == true)
        let trace = try #require(try await store.trace(eventKey: "messagebird:message.created:m1:received"))
        #expect(try JSONValue(parsing: Array(trace.utf8))["flowsVersion"]?.stringValue == old)
        #expect(old != new)

        await perch.stop(running: running)
    }

    @Test func noRequestIsDroppedWhileTheFlowsReload() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try directory.write("flows/reload.yaml", Self.flow(reply: "A"))
        let bird = FakeBirdAPI()
        try bird.start()
        let perch = try await Perch.start(store: directory.path("perch.sqlite"), flows: [file], bird: bird)
        let running = Task { await perch.application.run() }

        let count = 120
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            // Requests from 4 senders, one after the other each, while the flows flip between two versions.
            for sender in 0..<4 {
                group.addTask {
                    var statuses: [Int] = []
                    for index in stride(from: sender, to: count, by: 4) {
                        statuses.append(
                            try await perch.postMessage(id: "m\(index)", conversation: "c\(index % 7)", text: "hello")
                                .status)
                    }
                    return statuses.count(where: { $0 == 200 })
                }
            }
            for round in 0..<30 {
                try Data(Self.flow(reply: round % 2 == 0 ? "B" : "A").utf8).write(to: URL(fileURLWithPath: file))
                let outcome = perch.application.reloader.reload(trigger: "test")
                if case .rejected = outcome { Issue.record("a clean flow was rejected: \(outcome)") }
                await Task.yield()
            }
            return try await group.reduce(0, +)
        }
        #expect(statuses == count)
        let replies = replyTexts(try await bird.waitForRequests(count: count))
        #expect(replies.count == count)
        #expect(replies.allSatisfy { $0 == "A" || $0 == "B" })

        await perch.stop(running: running)
        #expect(bird.requests.count == count)
        await bird.shutdown()
    }
}
