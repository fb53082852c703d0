import ArgumentParser
import Curl
import Foundation
import Logging
import PerchBird
import PerchEvents

/// `perch webhooks create|list|delete`: registers Perch's public URL with Bird.
struct WebhooksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhooks",
        abstract: "Register Perch's webhook endpoints with Bird, list or delete them.",
        discussion: """
            Bird platform (--api bird, needs BIRD_ACCESS_KEY and BIRD_WORKSPACE_ID; BIRD_ORGANIZATION_ID \
            selects the organization path): one subscription each for conversation.created and \
            conversation.updated, signed with BIRD_SIGNING_KEY, to PERCH_PUBLIC_URL/webhooks/bird. \
            Legacy (--api messagebird): one webhook for message.created, message.updated, \
            conversation.created and conversation.updated to PERCH_PUBLIC_URL/webhooks/messagebird.
            """,
        subcommands: [Create.self, List.self, Delete.self])

    struct Options: ParsableArguments {
        @Option(help: "Which API: bird or messagebird.")
        var api: Generation = .bird
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register PERCH_PUBLIC_URL with Bird.")

        @OptionGroup var options: Options

        @Option(help: "Only events of this channel (default: BIRD_CHANNEL_ID).")
        var channel: String?

        @Option(help: "Perch's public base URL (default: PERCH_PUBLIC_URL).")
        var url: String?

        func run() async throws {
            let environment = Environment()
            guard let publicURL = url ?? environment["PERCH_PUBLIC_URL"] else {
                print("error: set PERCH_PUBLIC_URL (or --url) to the https URL Bird reaches Perch at")
                throw ExitCode(2)
            }
            let signingKey = options.api == .bird ? environment["BIRD_SIGNING_KEY"] : nil
            if options.api == .bird && signingKey == nil {
                print("warning: BIRD_SIGNING_KEY is not set; Bird will send unsigned events")
            }
            try await WebhooksCommand.withRegistrar { registrar in
                let created = try await registrar.create(
                    publicURL: publicURL, generation: options.api, channelID: channel ?? environment["BIRD_CHANNEL_ID"],
                    signingKey: signingKey)
                for item in created {
                    print(
                        "created \(item["id"]?.stringValue ?? "?"): "
                            + "\(item["event"]?.stringValue ?? item["events"].map { $0.serialized() } ?? "") "
                            + "-> \(item["url"]?.stringValue ?? "")")
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the webhooks registered with Bird.")

        @OptionGroup var options: Options

        func run() async throws {
            try await WebhooksCommand.withRegistrar { registrar in
                let items = try await registrar.list(generation: options.api)
                if items.isEmpty { print("No webhooks registered.") }
                for item in items {
                    let events = item["event"]?.stringValue ?? item["events"]?.serialized() ?? ""
                    print(
                        "\(item["id"]?.stringValue ?? "?")  \(item["status"]?.stringValue ?? "")  \(events)  "
                            + (item["url"]?.stringValue ?? ""))
                }
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a webhook by id.")

        @OptionGroup var options: Options

        @Argument(help: "The id shown by `perch webhooks list`.")
        var id: String

        func run() async throws {
            try await WebhooksCommand.withRegistrar { registrar in
                try await registrar.delete(id: id, generation: options.api)
                print("deleted \(id)")
            }
        }
    }

    static func withRegistrar(_ body: (WebhookRegistrar) async throws -> Void) async throws {
        let configuration = BirdSettings.configuration(from: Environment())
        guard !configuration.isSandbox else {
            print("error: set BIRD_ACCESS_KEY (or MESSAGEBIRD_ACCESS_KEY) to talk to Bird")
            throw ExitCode(2)
        }
        let http = HTTPClient()
        let client = BirdClient(configuration: configuration, http: http, logger: Logger(label: "perch.webhooks"))
        do {
            try await body(WebhookRegistrar(client: client))
        } catch let error as ExitCode {
            await http.shutdown()
            throw error
        } catch {
            await http.shutdown()
            print("error: \(error)")
            throw ExitCode(1)
        }
        await http.shutdown()
    }
}

extension Generation: ExpressibleByArgument {}
