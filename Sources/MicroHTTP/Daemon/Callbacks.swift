import CMicroHTTPD
import CPerchShims

// libmicrohttpd's callbacks. They are global functions in this library (not closures in an
// executable's main.swift, which would inherit main-actor isolation and trap when libmicrohttpd
// calls them from its own threads). `cls` is always the daemon's `ServerCore`, retained for the
// daemon's lifetime by `HTTPServer`.

private func core(_ cls: UnsafeMutableRawPointer?) -> ServerCore {
    Unmanaged<ServerCore>.fromOpaque(cls!).takeUnretainedValue()
}

/// Creates the request's context from the raw request target (libmicrohttpd's `url` argument
/// lacks the query and is percent-decoded; this one is exactly as received).
func uriLogCallback(
    _ cls: UnsafeMutableRawPointer?, _ uri: UnsafePointer<CChar>?, _ connection: OpaquePointer?
) -> UnsafeMutableRawPointer? {
    let target = uri.map { String(cString: $0) } ?? ""
    let core = core(cls)
    core.liveContexts.add(1, ordering: .relaxed)
    let context = RequestContext(target: target, maxBodySize: core.maxBodySize)
    return Unmanaged.passRetained(context).toOpaque()
}

func accessHandlerCallback(
    _ cls: UnsafeMutableRawPointer?,
    _ connection: OpaquePointer?,
    _ url: UnsafePointer<CChar>?,
    _ method: UnsafePointer<CChar>?,
    _ version: UnsafePointer<CChar>?,
    _ uploadData: UnsafePointer<CChar>?,
    _ uploadDataSize: UnsafeMutablePointer<Int>?,
    _ requestContext: UnsafeMutablePointer<UnsafeMutableRawPointer?>?
) -> MHD_Result {
    guard let connection, let uploadDataSize, let contextPointer = requestContext?.pointee else {
        return MHD_Result.NO
    }
    let context = Unmanaged<RequestContext>.fromOpaque(contextPointer).takeUnretainedValue()
    return core(cls).access(
        connection: connection, method: method, uploadData: uploadData, uploadDataSize: uploadDataSize,
        context: context)
}

/// Releases the request's context; called once for every request the URI log callback saw.
func requestCompletedCallback(
    _ cls: UnsafeMutableRawPointer?,
    _ connection: OpaquePointer?,
    _ requestContext: UnsafeMutablePointer<UnsafeMutableRawPointer?>?,
    _ code: MHD_RequestTerminationCode
) {
    guard let requestContext, let contextPointer = requestContext.pointee else { return }
    requestContext.pointee = nil
    let context = Unmanaged<RequestContext>.fromOpaque(contextPointer).takeRetainedValue()
    let core = core(cls)
    core.liveContexts.subtract(1, ordering: .relaxed)
    // The next request on a kept-alive connection gets a fresh whole-request deadline.
    if let connection, let keeper = core.requestDeadlines, let watch = core.watch(connection) { watch.arm(keeper) }
    if context.counted {
        core.requestEnded()
    }
}

func notifyConnectionCallback(
    _ cls: UnsafeMutableRawPointer?,
    _ connection: OpaquePointer?,
    _ socketContext: UnsafeMutablePointer<UnsafeMutableRawPointer?>?,
    _ code: MHD_ConnectionNotificationCode
) {
    let core = core(cls)
    switch code {
    case .CONNECTION_NOTIFY_STARTED:
        core.connectionsAccepted.add(1, ordering: .relaxed)
        core.connectionsOpen.add(1, ordering: .relaxed)
        if let keeper = core.requestDeadlines, let connection, let socketContext {
            let watch = ConnectionWatch(socket: perch_mhd_connection_fd(connection)) {
                core.requestsTimedOut.add(1, ordering: .relaxed)
            }
            socketContext.pointee = Unmanaged.passRetained(watch).toOpaque()
            watch.arm(keeper)
        }
    case .CONNECTION_NOTIFY_CLOSED:
        core.connectionsOpen.subtract(1, ordering: .relaxed)
        if let keeper = core.requestDeadlines, let socketContext, let context = socketContext.pointee {
            socketContext.pointee = nil
            Unmanaged<ConnectionWatch>.fromOpaque(context).takeRetainedValue().close(keeper)
        }
    default:
        break
    }
}

private func collectHeader(
    _ cls: UnsafeMutableRawPointer?, _ kind: MHD_ValueKind, _ key: UnsafePointer<CChar>?,
    _ value: UnsafePointer<CChar>?
) -> MHD_Result {
    guard let cls, let key else { return MHD_Result.YES }
    let context = Unmanaged<RequestContext>.fromOpaque(cls).takeUnretainedValue()
    context.headers.add(name: String(cString: key), value: value.map { String(cString: $0) } ?? "")
    return MHD_Result.YES
}

extension ServerCore {
    /// One call of libmicrohttpd's access handler: headers, then body pieces, then the end of the
    /// body (and once more after a resume).
    fileprivate func access(
        connection: OpaquePointer,
        method: UnsafePointer<CChar>?,
        uploadData: UnsafePointer<CChar>?,
        uploadDataSize: UnsafeMutablePointer<Int>,
        context: RequestContext
    ) -> MHD_Result {
        switch context.phase {
        case .new:
            context.method = method.map { String(cString: $0) } ?? ""
            MHD_get_connection_values(
                connection, .HEADER_KIND, collectHeader, Unmanaged.passUnretained(context).toOpaque())
            switch context.intake.start(contentLength: context.headers["Content-Length"]) {
            case .rejectTooLarge:
                context.phase = .answered
                bodiesTooLarge.add(1, ordering: .relaxed)
                return queue(.tooLarge(limit: maxBodySize), on: connection, close: true)
            case .receive:
                context.phase = .receiving
                return MHD_Result.YES
            }

        case .receiving:
            let size = uploadDataSize.pointee
            if size > 0 {
                switch context.intake.receive(count: size) {
                case .append:
                    context.body.append(contentsOf: UnsafeRawBufferPointer(start: uploadData, count: size))
                case .discard:
                    if !context.body.isEmpty { context.body = [] }
                case .abort:
                    return MHD_Result.NO
                }
                uploadDataSize.pointee = 0
                return MHD_Result.YES
            }
            switch context.intake.end() {
            case .rejectTooLarge:
                context.phase = .answered
                bodiesTooLarge.add(1, ordering: .relaxed)
                return queue(.tooLarge(limit: maxBodySize), on: connection, close: true)
            case .runHandler:
                return startHandler(connection: connection, context: context)
            }

        case .running(let completion):
            guard let response = completion.takeResponse() else { return MHD_Result.YES }
            context.phase = .answered
            return queue(response, on: connection, close: closing.load(ordering: .relaxed))

        case .answered:
            return MHD_Result.YES
        }
    }

    private func startHandler(connection: OpaquePointer, context: RequestContext) -> MHD_Result {
        guard requestStarted() else {
            context.phase = .answered
            return queue(.text(503, "The server is shutting down.\n"), on: connection, close: true)
        }
        context.counted = true
        if let keeper = requestDeadlines { watch(connection)?.disarm(keeper) }
        var address = [CChar](repeating: 0, count: 64)
        let remoteAddress =
            perch_mhd_client_address(connection, &address, address.count) == 0
            ? address.withUnsafeBufferPointer { String(cString: $0.baseAddress!) } : nil
        let request = ServerRequest(
            method: context.method, target: context.target, headers: context.headers, body: context.body,
            remoteAddress: remoteAddress)
        context.body = []
        let completion = HandlerCompletion(connection: ConnectionHandle(raw: connection), deadlines: deadlines)
        context.phase = .running(completion)
        let handler = self.handler
        let task: Task<Void, Never>
        if #available(macOS 26.0, *) {
            // Runs on this thread until the handler first suspends: one that never does answers here.
            task = Task.immediate { completion.finish(await handler(request)) }
        } else {
            task = Task { completion.finish(await handler(request)) }
        }
        if let response = completion.takeResponse() {
            context.phase = .answered
            return queue(response, on: connection, close: closing.load(ordering: .relaxed))
        }
        MHD_suspend_connection(connection)
        if completion.suspended(handlerTask: task) {
            completion.startDeadline()
        } else {
            // The handler answered between the check above and the suspension.
            MHD_resume_connection(connection)
        }
        return MHD_Result.YES
    }

    private func queue(_ response: ServerResponse, on connection: OpaquePointer, close: Bool) -> MHD_Result {
        let created = response.body.withUnsafeBytes { bytes in
            MHD_create_response_from_buffer(
                bytes.count, UnsafeMutableRawPointer(mutating: bytes.baseAddress), .RESPMEM_MUST_COPY)
        }
        guard let created else { return MHD_Result.NO }
        defer { MHD_destroy_response(created) }
        for (name, value) in response.headers where !HTTPHeaders.namesMatch(name, "Content-Length") {
            _ = MHD_add_response_header(created, name, value)
        }
        if close {
            _ = MHD_add_response_header(created, "Connection", "close")
        }
        return MHD_queue_response(connection, UInt32(clamping: response.status), created)
    }
}

extension ServerResponse {
    static func tooLarge(limit: Int) -> ServerResponse {
        .text(413, "The request body is larger than the limit of \(limit) bytes.\n")
    }
}
