import CPerchShims

/// libcurl's process-wide state.
enum CurlLibrary {
    /// Result of the one `curl_global_init`; Swift runs a static initializer exactly once,
    /// thread-safely, and every client touches this before it starts its loop thread.
    private static let initialized: Bool = perch_curl_global_init_default() == CURLE_OK

    /// Initializes libcurl once per process; false if that failed.
    static func initialize() -> Bool { initialized }
}
