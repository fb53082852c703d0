import Foundation
import PerchBird
import PerchEvents

/// Which harnesses an input goes to: `PERCH_FUZZ_MODE` is `webhooks`, `flows`, `templates` or
/// `all` (the default), so that a run can spend all its time on one surface.
enum FuzzMode {
    static let selected = ProcessInfo.processInfo.environment["PERCH_FUZZ_MODE"] ?? "all"
    static let webhooks = selected == "all" || selected == "webhooks"
    static let flows = selected == "all" || selected == "flows"
    static let templates = selected == "all" || selected == "templates"

    static func run(_ bytes: [UInt8]) {
        if webhooks { FuzzHarness.run(bytes) }
        if flows || templates { FlowFuzzHarness.run(bytes, flows: flows, templates: templates) }
    }
}

/// Feeds one input to every decoder and signature scheme; a crash or a sanitizer report is a bug.
///
/// The same bytes are read as each webhook body, as a `MessageBird-Signature-JWT` token, and as
/// `timestamp \n signature \n body` for the two HMAC schemes, so that one corpus (the test
/// fixtures and the JWT vectors) reaches all of them.
enum FuzzHarness {
    static let verifier = SignatureVerifier(
        messageBirdSigningKey: "36efdd1aace2e26cd490f0d951138253bef2f7c6d34d18981da781555cc4cebb",
        birdSigningKey: "secureSigningKey", now: { Date(timeIntervalSince1970: 1_625_479_200) })

    static func run(_ bytes: [UInt8]) {
        consume(try? WebhookDecoder.messageBird(bytes))
        consume(try? WebhookDecoder.messageBirdVoice(bytes))
        consume(try? WebhookDecoder.bird(bytes, requestID: "fuzz"))
        consume(try? WebhookDecoder.messageBirdSMSStatus(query: [], body: bytes))
        consume(try? WebhookDecoder.messageBirdSMSStatus(query: queryPairs(bytes), body: []))
        _ = try? JSONValue.parse(bytes)

        let text = String(decoding: bytes, as: UTF8.self)
        _ = verifier.verify(
            WebhookRequest(url: "https://example.com/", headers: ["messagebird-signature-jwt": text]),
            generation: .messagebird)
        _ = verifier.verify(
            WebhookRequest(
                url: "https://example.com/path?bar=1&foo=2", headers: ["messagebird-signature-jwt": text],
                body: Array("Hello, World!".utf8)),
            generation: .messagebird)

        let lines = bytes.split(separator: 0x0A, maxSplits: 2, omittingEmptySubsequences: false)
        if lines.count == 3 {
            let headers = [
                "messagebird-request-timestamp": String(decoding: lines[0], as: UTF8.self),
                "messagebird-signature": String(decoding: lines[1], as: UTF8.self),
            ]
            let body = Array(lines[2])
            _ = verifier.verify(
                WebhookRequest(
                    url: "https://example.com/?b=2&a=1", headers: headers, body: body, query: queryPairs(body)),
                generation: .messagebird)
            _ = verifier.verify(WebhookRequest(url: text, headers: headers, body: body), generation: .bird)
        }
    }

    /// `a=b&c=d` split without decoding: arbitrary names and values for the query paths.
    static func queryPairs(_ bytes: [UInt8]) -> [(name: String, value: String)] {
        bytes.split(separator: UInt8(ascii: "&")).prefix(64).map { pair in
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            return (
                String(decoding: parts[0], as: UTF8.self),
                parts.count > 1 ? String(decoding: parts[1], as: UTF8.self) : ""
            )
        }
    }

    /// Touches what later stages read, so that lazily computed parts run too.
    static func consume(_ event: Event?) {
        guard let event else { return }
        _ = WebhookDecoder.isKnown(event)
        _ = event.text
        _ = event.key.utf8.count
        _ = event.raw.value(at: "payload.body.text.text")
    }
}

#if PERCH_FUZZING
    /// libFuzzer's entry point for one input (built with `-sanitize=fuzzer` by `Fuzz/run`).
    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
        FuzzMode.run(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
        return 0
    }

    /// libFuzzer's driver. SwiftPM points `main` at this target's `@main`, so libFuzzer's own `main`
    /// is never linked in; `main` hands over to the driver instead. Declared by its symbol name: three
    /// pointers in and an `int` out are passed the same way by the Swift and C conventions on the
    /// platforms this runs on (x86_64 and arm64 Linux).
    @_silgen_name("LLVMFuzzerRunDriver")
    func runFuzzerDriver(
        _ argc: UnsafeMutablePointer<CInt>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
    ) -> CInt
#endif

/// Fuzzing build: runs libFuzzer with the command line. Plain build: replays files (a corpus
/// directory, or a crash artifact) through the harness, e.g. `swift run PerchFuzz fuzz-out/corpus`.
@main
struct PerchFuzz {
    static func main() throws {
        #if PERCH_FUZZING
            var argc = CommandLine.argc
            var argv = CommandLine.unsafeArgv
            exit(runFuzzerDriver(&argc, &argv) { data, size in fuzzTestOneInput(data, size) })
        #else
            for path in CommandLine.arguments.dropFirst() {
                let url = URL(fileURLWithPath: path)
                let files =
                    (try? FileManager.default.contentsOfDirectory(at: url, includingPropertiesForKeys: nil)) ?? [url]
                for file in files {
                    FuzzMode.run(try [UInt8](Data(contentsOf: file)))
                }
                print("replayed \(files.count) input(s) from \(path)")
            }
        #endif
    }
}
