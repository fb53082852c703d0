/// Decides, without I/O, what to do with a request's body as it arrives against the size limit.
///
/// libmicrohttpd 0.9.75 only accepts a response before the body (right after the headers) or
/// after all of it, so a chunked body that runs over the limit is drained and then answered 413;
/// a client that keeps sending past a second `maxBodySize` of excess is cut off.
struct RequestIntake: Sendable, Equatable {
    /// What the server does after the headers.
    enum Start: Equatable { case receive, rejectTooLarge }
    /// What the server does with one piece of body.
    enum Piece: Equatable { case append, discard, abort }
    /// What the server does once the body is complete.
    enum End: Equatable { case runHandler, rejectTooLarge }

    let maxBodySize: Int
    private(set) var received = 0
    private(set) var discarded = 0
    private(set) var overLimit = false

    init(maxBodySize: Int) {
        self.maxBodySize = maxBodySize
    }

    /// Checks a declared `Content-Length` before any body is read.
    func start(contentLength: String?) -> Start {
        guard let contentLength else { return .receive }
        // A malformed length is libmicrohttpd's to reject; a huge one does not fit an Int.
        let digits = contentLength.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        guard digits, !contentLength.isEmpty else { return .receive }
        guard let length = Int(contentLength) else { return .rejectTooLarge }
        return length > maxBodySize ? .rejectTooLarge : .receive
    }

    /// Accounts for `count` more body bytes.
    mutating func receive(count: Int) -> Piece {
        if overLimit {
            discarded += count
            return discarded > maxBodySize ? .abort : .discard
        }
        if received + count > maxBodySize {
            overLimit = true
            discarded = received + count - maxBodySize
            received = 0
            return discarded > maxBodySize ? .abort : .discard
        }
        received += count
        return .append
    }

    /// The body is complete.
    func end() -> End {
        overLimit ? .rejectTooLarge : .runHandler
    }
}
