/// An async HTTP client on libcurl: one thread drives all transfers with libcurl's multi
/// interface, keeping connections alive and reusing them across requests.
///
/// Only `http` and `https` URLs are accepted; redirects are not followed (a 3xx is a response);
/// bodies are neither compressed nor decompressed. libcurl's proxy environment variables
/// (`http_proxy`, `https_proxy`, `no_proxy`) apply. Call `shutdown()` when done; a client that
/// is dropped without it stops its thread on its own.
public final class HTTPClient: Sendable {
    /// The limits this client was created with.
    public let configuration: HTTPClientConfiguration
    private let loop: TransferLoop

    /// Creates a client and starts its transfer thread.
    /// - Parameter configuration: Timeouts and connection limits.
    public init(configuration: HTTPClientConfiguration = .init()) {
        self.configuration = configuration
        loop = TransferLoop(configuration: configuration)
        loop.start()
    }

    deinit {
        loop.requestStop()
    }

    /// Sends a request and returns the response, whatever its status.
    /// - Parameter request: The request to send.
    /// - Throws: `HTTPClientError` when no response arrived (`.timeout`, `.connectFailed`,
    ///   `.shutdown`, ...); `CancellationError` when the calling task was cancelled.
    public func execute(_ request: ClientRequest) async throws -> ClientResponse {
        try Task.checkCancellation()
        // The cancellation handler needs the submission, which needs the continuation: the box
        // is filled in by the operation before the transfer can start.
        let pending = PendingSubmission()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let submission = Submission(request: request, continuation: continuation)
                if pending.set(submission) {
                    submission.markCancelled()
                }
                loop.submit(submission)
            }
        } onCancel: {
            if let submission = pending.cancel() {
                loop.cancel(submission)
            }
        }
    }

    /// Stops the transfer thread, failing requests in flight with `HTTPClientError.shutdown`;
    /// later requests fail the same way. Returns when libcurl has been released. Idempotent.
    public func shutdown() async {
        await loop.stop()
    }
}
