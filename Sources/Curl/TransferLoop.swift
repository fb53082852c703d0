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
        /// A `submit` woke the loop since it last took the queues: later submissions need not
        /// wake it again (libcurl's wakeup stays pending until the loop's next poll, and the loop
        /// takes the queues right after that poll).
        var wakeupPending = false
        /// Why the loop never ran, for the errors of requests sent to it.
        var startFailure: String?
    }

    let configuration: HTTPClientConfiguration
    private let multi: MultiHandle?
    private let shared = Mutex(Shared())
    /// Submitters calling `curl_multi_wakeup` after leaving the lock. Raised under the lock while
    /// the phase is `.running`; the loop thread releases the multi handle only after setting
    /// `.stopped` under the lock and seeing this at zero.
    private let wakersOutsideLock = Atomic<Int>(0)

    /// Creates the multi handle; `start()` launches the thread. Without a multi handle (libcurl
    /// failed to initialize) the loop is born stopped and every request fails.
    init(configuration: HTTPClientConfiguration) {
        self.configuration = configuration
        multi = CurlLibrary.initialize() ? MultiHandle(configuration) : nil
        if multi == nil {
            shared.withLock {
                $0.phase = .stopped
                $0.startFailure = "HTTP client could not start: libcurl (or its wakeup channel) failed to initialize"
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

    /// Queues a submission, or fails it at once if the loop no longer runs. Wakes the loop only
    /// if no wakeup is pending, and outside the lock: a wakeup under the lock made the woken loop
    /// thread spin on that lock while the submitter was still in the wakeup's system call.
    func submit(_ submission: Submission) {
        enum Next {
            case done
            case wake(MultiHandle)
            case reject(HTTPClientError)
        }
        let next = shared.withLock { shared -> Next in
            guard shared.phase == .running, let multi else {
                return .reject(shared.startFailure.map { HTTPClientError.shutdown.with(message: $0) } ?? .shutdown)
            }
            shared.submissions.append(submission)
            guard !shared.wakeupPending else { return .done }
            shared.wakeupPending = true
            wakersOutsideLock.add(1, ordering: .relaxed)
            return .wake(multi)
        }
        switch next {
        case .done:
            break
        case .wake(let multi):
            multi.wakeup()
            wakersOutsideLock.subtract(1, ordering: .releasing)
        case .reject(let error):
            submission.continuation.resume(throwing: error)
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
        // Swapped with the shared queues, so that neither side allocates a new buffer each round.
        var submissions: [Submission] = []
        var cancellations: [ObjectIdentifier] = []
        while true {
            let stopping = shared.withLock { shared in
                shared.wakeupPending = false
                swap(&submissions, &shared.submissions)
                swap(&cancellations, &shared.cancellations)
                return shared.phase != .running
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
            submissions.removeAll(keepingCapacity: true)
            cancellations.removeAll(keepingCapacity: true)
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
        // After `.stopped` nobody calls `wakeup` any more under the lock, and nobody starts one
        // outside it; one that started before is a single system call: wait it out.
        while wakersOutsideLock.load(ordering: .acquiring) > 0 {
            sched_yield()
        }
        multi.cleanup()
        for waiter in waiters {
            waiter.resume()
        }
    }
}

/// A libcurl multi handle pointer.
///
/// `@unchecked Sendable` because other threads call only `wakeup()` (a write to the wakeup
/// channel, safe from any thread), and they do so either holding `TransferLoop.shared` while the phase is
/// not `.stopped`, or (`submit`) after counting themselves in `wakersOutsideLock` under that lock
/// while the phase was `.running`; `cleanup()` runs after `.stopped` was set under that lock and
/// that count was seen at zero (on the loop thread), or in `start()` when no thread could be
/// created, before the client is shared.
/// Everything else is called on the loop thread only.
struct MultiHandle: @unchecked Sendable {
    let raw: UnsafeMutableRawPointer
    /// The channel `wakeup()` signals and `poll` also waits on (ends may be the same eventfd).
    private let wakeupReadFD: Int32
    private let wakeupWriteFD: Int32

    init?(_ configuration: HTTPClientConfiguration) {
        var readFD: Int32 = -1
        var writeFD: Int32 = -1
        guard perch_curl_wakeup_open(&readFD, &writeFD) == 0 else { return nil }
        guard let raw = curl_multi_init() else {
            perch_curl_wakeup_close(readFD, writeFD)
            return nil
        }
        self.raw = raw
        wakeupReadFD = readFD
        wakeupWriteFD = writeFD
        let total = max(1, configuration.maxConnectionsTotal)
        _ = perch_curl_multi_setopt_long(
            raw, CURLMOPT_MAX_HOST_CONNECTIONS, max(1, configuration.maxConnectionsPerHost))
        _ = perch_curl_multi_setopt_long(raw, CURLMOPT_MAX_TOTAL_CONNECTIONS, total)
        // The idle-connection cache: big enough to keep every connection the limits allow.
        _ = perch_curl_multi_setopt_long(raw, CURLMOPT_MAXCONNECTS, total)
        _ = perch_curl_multi_setopt_long(
            raw, CURLMOPT_PIPELINING, configuration.multiplexing ? Int(CURLPIPE_MULTIPLEX) : Int(CURLPIPE_NOTHING))
        _ = perch_curl_multi_setopt_long(
            raw, CURLMOPT_MAX_CONCURRENT_STREAMS, max(1, configuration.maxConcurrentStreams))
    }

    /// Makes the loop's current or next `poll` return.
    func wakeup() {
        perch_curl_wakeup_signal(wakeupWriteFD)
    }

    /// Sleeps until a transfer's socket is ready, libcurl's next timeout, a `wakeup()` (which it
    /// consumes), or `maxMilliseconds`.
    func poll(maxMilliseconds: Int32) {
        _ = perch_curl_multi_poll_wakeable(raw, wakeupReadFD, maxMilliseconds)
    }

    func cleanup() {
        _ = curl_multi_cleanup(raw)
        perch_curl_wakeup_close(wakeupReadFD, wakeupWriteFD)
    }
}
