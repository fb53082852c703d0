import ArgumentParser
import Curl
import PerchServer

/// The container's HEALTHCHECK: asks a running Perch for /healthz.
struct Health: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check that a running Perch answers (exit 0 when healthy).")

    @Option(help: "Base URL of the running Perch (default: from PERCH_LISTEN, on 127.0.0.1).")
    var url: String?

    func run() async throws {
        let environment = Environment()
        let port = environment["PERCH_LISTEN"].flatMap(ListenAddress.init(parsing:))?.port ?? 8080
        let base = url ?? "http://127.0.0.1:\(port)"
        let client = HTTPClient(configuration: HTTPClientConfiguration(connectTimeout: .seconds(2), requestTimeout: .seconds(3)))
        var healthy = false
        do {
            let response = try await client.execute(ClientRequest(url: base + "/healthz"))
            print("\(base)/healthz: \(response.status)")
            healthy = response.status == 200
        } catch {
            print("\(base)/healthz: \(error)")
        }
        await client.shutdown()
        if !healthy { throw ExitCode(1) }
    }
}
