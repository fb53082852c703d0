import CPerchShims

/// The loop thread's side of the multi handle: which transfers are in flight and a pool of easy
/// handles to reuse. Not Sendable: lives and dies on the loop thread.
final class MultiDriver {
    private let multi: MultiHandle
    private let configuration: HTTPClientConfiguration
    private var byHandle: [UnsafeMutableRawPointer: Transfer] = [:]
    private var bySubmission: [ObjectIdentifier: Transfer] = [:]
    private var idleHandles: [EasyHandle] = []
    private let maxIdleHandles = 64

    init(multi: MultiHandle, configuration: HTTPClientConfiguration) {
        self.multi = multi
        self.configuration = configuration
    }

    /// Adds a submission's transfer to the multi handle, or fails it at once.
    func start(_ submission: Submission) {
        if submission.isCancelled {
            submission.continuation.resume(throwing: CancellationError())
            return
        }
        guard let easy = idleHandles.popLast() ?? EasyHandle.prepared(for: configuration) else {
            submission.continuation.resume(
                throwing: HTTPClientError.transferFailed.with(message: "libcurl could not create an easy handle"))
            return
        }
        let transfer = Transfer(submission: submission, easy: easy, maxBodySize: configuration.maxResponseBodySize)
        do {
            try transfer.configure(configuration)
        } catch {
            recycle(easy)
            submission.continuation.resume(throwing: error)
            return
        }
        let added = curl_multi_add_handle(multi.raw, easy.raw)
        guard added == CURLM_OK else {
            recycle(easy)
            let text = String(cString: curl_multi_strerror(added))
            submission.continuation.resume(
                throwing: HTTPClientError.transferFailed.with(message: "libcurl refused the transfer: \(text)"))
            return
        }
        byHandle[easy.raw] = transfer
        bySubmission[ObjectIdentifier(submission)] = transfer
    }

    /// Aborts a transfer whose task was cancelled; one that already finished is left alone.
    func cancel(_ identity: ObjectIdentifier) {
        guard let transfer = bySubmission[identity] else { return }
        finish(transfer, with: .failure(CancellationError()))
    }

    /// Lets libcurl move every transfer along and completes those that are done, again until
    /// none completes: a finished transfer frees its connection for a transfer libcurl queued
    /// behind the per-host limit, and libcurl 7.88 does not always wake `curl_multi_poll` for
    /// that one (it then waited out the whole poll limit).
    func perform() {
        var completed = true
        while completed {
            completed = false
            var running: Int32 = 0
            _ = curl_multi_perform(multi.raw, &running)
            var handle: UnsafeMutableRawPointer?
            var code = CURLE_OK
            while perch_curl_multi_next_done(multi.raw, &handle, &code) == 1 {
                guard let handle, let transfer = byHandle[handle] else { continue }
                finish(transfer, with: transfer.outcome(code).mapError { $0 })
                completed = true
            }
            // Nothing left in the multi handle (queued transfers count as running): no pass needed.
            if running == 0 {
                break
            }
        }
    }

    /// Sleeps until a socket is ready, libcurl's next timeout, a `wakeup`, or the limit.
    func wait(maxMilliseconds: Int32) {
        multi.poll(maxMilliseconds: maxMilliseconds)
    }

    /// Fails every transfer in flight (the loop is stopping).
    func failAll(with error: HTTPClientError) {
        for transfer in Array(byHandle.values) {
            finish(transfer, with: .failure(error))
        }
        idleHandles.removeAll()
    }

    private func finish(_ transfer: Transfer, with result: Result<ClientResponse, any Error>) {
        _ = curl_multi_remove_handle(multi.raw, transfer.easy.raw)
        byHandle[transfer.easy.raw] = nil
        bySubmission[ObjectIdentifier(transfer.submission)] = nil
        recycle(transfer.easy)
        transfer.submission.continuation.resume(with: result)
    }

    /// Keeps the handle for the next request, without options that point at the finished
    /// transfer (its header list is freed with it). Its other options stay: the next request's
    /// `configure` sets each option a request uses, and the shared ones never change.
    private func recycle(_ easy: EasyHandle) {
        guard idleHandles.count < maxIdleHandles, (try? easy.detach()) != nil else { return }
        idleHandles.append(easy)
    }
}
