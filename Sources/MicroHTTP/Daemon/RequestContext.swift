/// What the server knows about one request while libmicrohttpd reads it.
///
/// Created by the URI log callback and released by the completion callback; between them only the
/// connection's libmicrohttpd thread touches it (libmicrohttpd processes a connection on one
/// thread at a time). What a handler task shares with that thread lives in `HandlerCompletion`.
final class RequestContext {
    enum Phase {
        /// The request line arrived; the headers are not read yet.
        case new
        /// Reading the body.
        case receiving
        /// The handler runs; its response arrives through `completion`.
        case running(HandlerCompletion)
        /// A response was queued.
        case answered
    }

    let target: String
    var phase = Phase.new
    var method = ""
    var headers = HTTPHeaders()
    var body: [UInt8] = []
    var intake: RequestIntake
    /// The request counts towards the requests that shutdown waits for.
    var counted = false

    init(target: String, maxBodySize: Int) {
        self.target = target
        self.intake = RequestIntake(maxBodySize: maxBodySize)
    }
}
