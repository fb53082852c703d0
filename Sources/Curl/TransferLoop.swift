import CPerchShims
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The libcurl multi handle and the one thread that drives it. Calling tasks only queue work
/// under `shared` and wake the thread with `curl_multi_wakeup`; every other libcurl call happens
/// on the loop thread, so no Swift task ever blocks on the network.
final class TransferLoop: Sendable {
    private enum Phase: Sendable {
        case running
        case stopping
        case stopped
    }

    private struct Shared: Sendable {
        var phase: Phase = .running
        var submissions: [Submission] = []
        /// Identities of submissions whose tasks were cancelled, for the loop to abort.
        var cancellations: [ObjectIdentifier] = []
        var stopWaiters: [CheckedContinuation<Void, Never>] = []
        /// Why the loop never ran, for the errors of requests sent to it.
        var startFailure: String?
    }

    let configuration: HTTPClientConfiguration
    private let multi: MultiHandle?
    private let shared = Mutex(Shared())

    /// Creates the multi handle; `start()` launches the thread. Without a multi handle (libcurl
    /// failed to initialize) the loop is born stopped and every request fails.
    init(configuration: HTTPClientConfiguration) {
        self.configuration = configuration
        multi = CurlLibrary.initialize() ? MultiHandle(configuration) : nil
        if multi == nil {
            shared.withLock {
                $0.phase = .stopped
                $0.startFailure = "HTTP client could not start: libcurl failed to initialize"
            }
        }
    }

    /// Starts the loop thread; it keeps the loop alive until it has stopped.
    func start() {
        guard multi != nil else { return }
        let context = Unmanaged.passRetained(self).toOpaque()
        #if canImport(Glibc)
            var thread = pthread_t()
        #else
            var thread: pthread_t?
        #endif
        let created = pthread_create(
            &thread, nil,
            { context in
                let loop = Unmanaged<TransferLoop>.fromOpaque(context!).takeRetainedValue()
                perch_curl_name_loop_thread("perch-curl")
                loop.run()
                return nil
            }, context)
        guard created == 0 else {
            Unmanaged<TransferLoop>.fromOpaque(context).release()
            shared.withLock {
                $0.phase = .stopped
                $0.startFailure = "HTTP client could not start its thread (error \(created))"
            }
            multi?.cleanup()
            return
        }
        #if canImport(Glibc)
            pthread_detach(thread)
        #else
            pthread_detach(thread!)
        #endif
    }

    /// Queues a submission, or fails it at once if the loop no longer runs.
    func submit(_ submission: Submission) {
        let rejection = shared.withLock { shared -> HTTPClientError? in
            guard shared.phase == .running, let multi else {
                return shared.startFailure.map { HTTPClientError.shutdown.with(message: $0) } ?? .shutdown
            }
            shared.submissions.append(submission)
            multi.wakeup()
            return nil
        }
        if let rejection {
            submission.continuation.resume(throwing: rejection)
        }
    }

    /// Asks the loop to abort a submission's transfer and fail it with `CancellationError`.
    func cancel(_ submission: Submission) {
        submission.markCancelled()
        shared.withLock { shared in
            guard shared.phase != .stopped, let multi else { return }
            shared.cancellations.append(ObjectIdentifier(submission))
            multi.wakeup()
        }
    }

    /// Asks the loop to stop without waiting for it (the client's `deinit`).
    func requestStop() {
        shared.withLock { shared in
            guard shared.phase == .running, let multi else { return }
            shared.phase = .stopping
            multi.wakeup()
        }
    }

    /// Stops the loop, failing everything in flight with `HTTPClientError.shutdown`, and returns
    /// once the thread has released libcurl. Safe to call any number of times.
    func stop() async {
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let stopped = shared.withLock { shared in
                guard shared.phase != .stopped, let multi else { return true }
                shared.phase = .stopping
                shared.stopWaiters.append(waiter)
                multi.wakeup()
                return false
            }
            if stopped {
                waiter.resume()
            }
        }
    }

    // MARK: Loop thread

    private func run() {
        guard let multi else { return }
        let driver = MultiDriver(multi: multi, configuration: configuration)
        while true {
            let (submissions, cancellations, stopping) = shared.withLock { shared in
                defer {
                    shared.submissions.removeAll()
                    shared.cancellations.removeAll()
                }
                return (shared.submissions, shared.cancellations, shared.phase != .running)
            }
            if stopping {
                for submission in submissions {
                    submission.continuation.resume(throwing: HTTPClientError.shutdown)
                }
                break
            }
            for submission in submissions {
                driver.start(submission)
            }
            for identity in cancellations {
                driver.cancel(identity)
            }
            driver.perform()
            driver.wait(maxMilliseconds: 1000)
        }
        driver.failAll(with: .shutdown)
        let waiters = shared.withLock { shared in
            // `submit` refuses new work once the phase left `.running`: these are the last.
            for submission in shared.submissions {
                submission.continuation.resume(throwing: HTTPClientError.shutdown)
            }
            shared.submissions.removeAll()
            shared.cancellations.removeAll()
            shared.phase = .stopped
            defer { shared.stopWaiters.removeAll() }
            return shared.stopWaiters
        }
        // After `.stopped` nobody calls `wakeup` any more, so the handle can go.
        multi.cleanup()
        for waiter in waiters {
            waiter.resume()
        }
    }
}

/// A libcurl multi handle pointer.
///
/// `@unchecked Sendable` because other threads call only `wakeup()`, which libcurl documents as
/// safe from any thread, and they do so holding `TransferLoop.shared` while the phase is not
/// `.stopped`; `cleanup()` runs after `.stopped` was set under that lock (on the loop thread, or
/// in `start()` when no thread could be created, before the client is shared).
/// Everything else is called on the loop thread only.
struct MultiHandle: @unchecked Sendable {
    let raw: UnsafeMutableRawPointer

    init?(_ configuration: HTTPClientConfiguration) {
        guard let raw = curl_multi_init() else { return nil }
        self.raw = raw
        let total = max(1, configuration.maxConnectionsTotal)
        _ = perch_curl_multi_setopt_long(
            raw, CURLMOPT_MAX_HOST_CONNECTIONS, max(1, configuration.maxConnectionsPerHost))
        _ = perch_curl_multi_setopt_long(raw, CURLMOPT_MAX_TOTAL_CONNECTIONS, total)
        // The idle-connection cache: big enough to keep every connection the limits allow.
        _ = perch_curl_multi_setopt_long(raw, CURLMOPT_MAXCONNECTS, total)
    }

    func wakeup() {
        _ = curl_multi_wakeup(raw)
    }

    func cleanup() {
        _ = curl_multi_cleanup(raw)
    }
}
