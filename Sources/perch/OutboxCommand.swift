import ArgumentParser
import Curl
import Foundation
import Logging
import PerchBird
import PerchRuntime
import PerchStore

/// `perch outbox list|retry ID`: the actions that failed after their retries.
struct OutboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox",
        abstract: "Show and replay actions that failed after their retries.",
        discussion: "Opens the store at PERCH_STORE (or --store) directly; a running server may keep using it.",
        subcommands: [List.self, Retry.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the outbox, oldest first.")

        @Option(help: "SQLite store file (PERCH_STORE, default perch.sqlite).")
        var store: String?

        @Option(help: "Most items to show.")
        var limit = 100

        func run() async throws {
            let opened = try SQLiteStore(path: store ?? Environment()["PERCH_STORE"] ?? "perch.sqlite")
            let items = try await opened.outbox(limit: limit)
            await opened.close()
            print(OutboxTable.render(items))
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send an outbox item again, with the same reference; remove it when Bird takes it.")

        @Argument(help: "The item's id (see `perch outbox list`).")
        var id: Int64?

        @Flag(help: "Send every item again, parked ones too, each conversation's in order.")
        var all = false

        @Option(help: "SQLite store file (PERCH_STORE, default perch.sqlite).")
        var store: String?

        func validate() throws {
            guard (id == nil) == all else {
                throw ValidationError("give an item id (see `perch outbox list`) or --all, not both")
            }
        }

        func run() async throws {
            let environment = Environment()
            let opened = try SQLiteStore(path: store ?? environment["PERCH_STORE"] ?? "perch.sqlite")
            let http = HTTPClient()
            let client = BirdClient(
                configuration: BirdSettings.configuration(from: environment), http: http,
                logger: Logger(label: "perch.outbox"))
            guard let id else {
                let results: [(id: Int64, outcome: OutboxReplay.Outcome)]
                do {
                    results = try await OutboxReplay(store: opened, client: client).retryAll()
                } catch {
                    await http.shutdown()
                    await opened.close()
                    print("error: \(error)")
                    throw ExitCode(1)
                }
                await http.shutdown()
                await opened.close()
                var failures = 0
                for (id, outcome) in results {
                    switch outcome {
                    case .sent(let status): print("\(id): sent, Bird answered \(status); removed from the outbox")
                    case .failed(let item):
                        failures += 1
                        print("\(id): failed again (\(item.attempts) attempts so far): \(item.lastError)")
                    }
                }
                print("\(results.count - failures) sent, \(failures) failed")
                if failures > 0 { throw ExitCode(1) }
                return
            }
            let outcome: OutboxReplay.Outcome
            do {
                outcome = try await OutboxReplay(store: opened, client: client).retry(id: id)
            } catch {
                await http.shutdown()
                await opened.close()
                print("error: \(error)")
                throw ExitCode(1)
            }
            await http.shutdown()
            await opened.close()
            switch outcome {
            case .sent(let status):
                print("sent: Bird answered \(status); item \(id) removed from the outbox")
            case .failed(let item):
                print("failed again (\(item.attempts) attempts so far): \(item.lastError)")
                throw ExitCode(1)
            }
        }
    }
}

/// The outbox as a text table: id, when, kind, conversation, attempts, last error.
enum OutboxTable {
    static func render(_ items: [OutboxItem]) -> String {
        guard !items.isEmpty else { return "The outbox is empty." }
        let header = ["ID", "WHEN", "KIND", "CONVERSATION", "ATTEMPTS", "LAST ERROR"]
        let rows = items.map { item in
            [
                item.id.map(String.init) ?? "-", item.failedAt.formatted(.iso8601), item.kind,
                item.conversationID ?? "-", String(item.attempts),
                // A parked item says why Perch stopped retrying it; the others show their last error.
                String((item.parked.map { "parked: " + $0 } ?? item.lastError).prefix(140)),
            ]
        }
        let widths = (0..<header.count - 1).map { column in
            ([header] + rows).map { $0[column].count }.max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index < widths.count ? cell.padding(toLength: widths[index], withPad: " ", startingAt: 0) : cell
            }.joined(separator: "  ")
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n")
    }
}
