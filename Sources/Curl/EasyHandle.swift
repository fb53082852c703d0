import CPerchShims

/// A libcurl easy handle with its error buffer. Not Sendable: an easy handle belongs to one
/// thread at a time, here always the client's loop thread.
final class EasyHandle {
    let raw: UnsafeMutableRawPointer
    /// `CURLOPT_ERRORBUFFER` target: libcurl writes into it for as long as the option is set,
    /// so it lives exactly as long as the handle.
    private let errorBuffer: UnsafeMutablePointer<CChar>
    /// The `CURLOPT_CUSTOMREQUEST` currently set, nil for none.
    private var customMethod: String?
    /// What `setMultiplexing` last set; nil before the first request.
    private var isMultiplexing: Bool?

    init?() {
        guard let raw = curl_easy_init() else { return nil }
        self.raw = raw
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    /// A new handle with the options every request of this client shares, or nil if libcurl
    /// could not make one.
    static func prepared(for configuration: HTTPClientConfiguration) -> EasyHandle? {
        guard let easy = EasyHandle(), (try? easy.prepare(configuration)) != nil else { return nil }
        return easy
    }

    deinit {
        curl_easy_cleanup(raw)
        errorBuffer.deallocate()
    }

    /// Sets the options that are the same for every request, once per handle: the handle is
    /// reused without `curl_easy_reset`, and `Transfer.configure` overwrites every option a
    /// request sets.
    private func prepare(_ configuration: HTTPClientConfiguration) throws(HTTPClientError) {
        try set(CURLOPT_ERRORBUFFER, pointer: errorBuffer)
        try set(CURLOPT_PROTOCOLS_STR, string: "http,https")
        try set(CURLOPT_NOSIGNAL, 1)
        try set(CURLOPT_TCP_KEEPALIVE, 1)
        try set(CURLOPT_CONNECTTIMEOUT_MS, configuration.connectTimeout.curlMilliseconds)
        try set(CURLOPT_WRITEFUNCTION, callback: transferReceivedBody)
        try set(CURLOPT_HEADERFUNCTION, callback: transferReceivedHeadLine)
        if let path = configuration.caBundlePath {
            try set(CURLOPT_CAINFO, string: path)
        }
    }

    /// Over `https` with multiplexing: HTTP/2 when the server offers it, and wait for a stream of a
    /// connection being set up rather than open another. Otherwise HTTP/1.1, each request on a free
    /// connection of the pool (plain `http` never waits for a stream that cannot come).
    func setMultiplexing(_ multiplexing: Bool) throws(HTTPClientError) {
        guard multiplexing != isMultiplexing else { return }
        try set(CURLOPT_HTTP_VERSION, Int(multiplexing ? CURL_HTTP_VERSION_2TLS : CURL_HTTP_VERSION_1_1))
        try set(CURLOPT_PIPEWAIT, multiplexing ? 1 : 0)
        isMultiplexing = multiplexing
    }

    /// Drops the options that point at a finished transfer's memory (its callback target and
    /// header list), so that an idle handle holds no dangling pointer.
    func detach() throws(HTTPClientError) {
        try set(CURLOPT_WRITEDATA, pointer: nil)
        try set(CURLOPT_HEADERDATA, pointer: nil)
        try set(CURLOPT_HTTPHEADER, pointer: nil)
        if heldBodySize != nil {
            // libcurl keeps its copy of the last body (COPYPOSTFIELDS) until told otherwise: a
            // customer's message would stay in an idle handle's memory. POSTFIELDS frees that
            // copy; the next request's `configure` sets the method again.
            try set(CURLOPT_POSTFIELDSIZE_LARGE, offset: -1)
            try set(CURLOPT_POSTFIELDS, pointer: nil)
            heldBodySize = nil
        }
    }

    /// The size of the body libcurl holds a copy of for this handle; nil when it holds none.
    private(set) var heldBodySize: Int?

    /// Records that libcurl now holds a copy of a body of `size` bytes.
    func holdsBody(size: Int) { heldBodySize = size }

    /// Forgets the error text of an earlier transfer on this handle.
    func clearError() {
        errorBuffer[0] = 0
    }

    /// Sets or clears (nil) `CURLOPT_CUSTOMREQUEST`; skips the call when nothing changes.
    func setCustomMethod(_ method: String?) throws(HTTPClientError) {
        guard method != customMethod else { return }
        if let method {
            try set(CURLOPT_CUSTOMREQUEST, string: method)
        } else {
            try set(CURLOPT_CUSTOMREQUEST, pointer: nil)
        }
        customMethod = method
    }

    /// libcurl's explanation of the last failure, or its generic text for `code`.
    func errorText(for code: CURLcode) -> String {
        if errorBuffer[0] != 0 {
            return String(cString: errorBuffer)
        }
        return String(cString: curl_easy_strerror(code))
    }

    func set(_ option: CURLoption, _ value: Int) throws(HTTPClientError) {
        try check(perch_curl_easy_setopt_long(raw, option, value), option)
    }

    func set(_ option: CURLoption, offset value: Int) throws(HTTPClientError) {
        try check(perch_curl_easy_setopt_off_t(raw, option, curl_off_t(value)), option)
    }

    func set(_ option: CURLoption, pointer value: UnsafeRawPointer?) throws(HTTPClientError) {
        try check(perch_curl_easy_setopt_pointer(raw, option, value), option)
    }

    /// Sets a string option; libcurl copies strings (all but POSTFIELDS, which Perch never uses).
    func set(_ option: CURLoption, string value: String) throws(HTTPClientError) {
        try check(value.withCString { perch_curl_easy_setopt_pointer(raw, option, $0) }, option)
    }

    func set(_ option: CURLoption, callback: perch_curl_data_callback) throws(HTTPClientError) {
        try check(perch_curl_easy_setopt_callback(raw, option, callback), option)
    }

    /// The HTTP status of the last response, 0 if none.
    var responseCode: Int {
        info(CURLINFO_RESPONSE_CODE)
    }

    /// The HTTP version of the last response (`"1.1"`, `"2"`), empty if none.
    var httpVersion: String {
        switch info(CURLINFO_HTTP_VERSION) {
        case Int(CURL_HTTP_VERSION_1_0): "1.0"
        case Int(CURL_HTTP_VERSION_1_1): "1.1"
        case Int(CURL_HTTP_VERSION_2_0): "2"
        case Int(CURL_HTTP_VERSION_3): "3"
        default: ""
        }
    }

    /// Connections the last transfer had to open.
    var connectionsOpened: Int {
        info(CURLINFO_NUM_CONNECTS)
    }

    private func info(_ item: CURLINFO) -> Int {
        var value = 0
        _ = perch_curl_easy_getinfo_long(raw, item, &value)
        return value
    }

    private func check(_ code: CURLcode, _ option: CURLoption) throws(HTTPClientError) {
        guard code == CURLE_OK else {
            let text = String(cString: curl_easy_strerror(code))
            let kind: HTTPClientError =
                code == CURLE_OUT_OF_MEMORY || code == CURLE_UNKNOWN_OPTION || code == CURLE_NOT_BUILT_IN
                ? .transferFailed : .invalidRequest
            throw kind.with(message: "libcurl refused option \(option.rawValue): \(text)")
        }
    }
}
