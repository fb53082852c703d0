import CMicroHTTPD

/// A libmicrohttpd connection that a handler task resumes from another thread.
///
/// `@unchecked Sendable` is safe because the only call made through it off the connection's own
/// thread is `MHD_resume_connection`, which libmicrohttpd documents as callable from any thread
/// (it takes the daemon's cleanup lock), and `HandlerCompletion` makes that call only while the
/// connection is suspended, when libmicrohttpd cannot free it.
struct ConnectionHandle: @unchecked Sendable {
    let raw: OpaquePointer

    func resume() {
        MHD_resume_connection(raw)
    }
}
