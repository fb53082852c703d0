import CPerchShims

/// One request in flight on the loop thread: its easy handle, header list and the response as
/// it arrives. Not Sendable: created, driven and finished on the loop thread only; libcurl's
/// callbacks reach it through an unretained pointer while the loop's table keeps it alive.
final class Transfer {
    let submission: Submission
    let easy: EasyHandle
    private let maxBodySize: Int
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private(set) var headers: [(name: String, value: String)] = []
    private(set) var body: [UInt8] = []
    private(set) var bodyTooLarge = false

    init(submission: Submission, easy: EasyHandle, maxBodySize: Int) {
        self.submission = submission
        self.easy = easy
        self.maxBodySize = maxBodySize
    }

    deinit {
        curl_slist_free_all(headerList)
    }

    /// Sets every per-request option on the easy handle. The handle carries the options that are
    /// the same for every request (`EasyHandle.prepare`); whatever an earlier request on it set is
    /// overwritten here: URL, timeout, callback targets, method and body, header list.
    func configure(_ configuration: HTTPClientConfiguration) throws(HTTPClientError) {
        let request = submission.request
        try Self.validate(request)
        easy.clearError()
        try easy.set(CURLOPT_URL, string: request.url)
        try easy.set(CURLOPT_TIMEOUT_MS, (request.timeout ?? configuration.requestTimeout).curlMilliseconds)
        try easy.setMultiplexing(configuration.multiplexing && Self.isHTTPS(request.url))

        let context = UnsafeRawPointer(Unmanaged.passUnretained(self).toOpaque())
        try easy.set(CURLOPT_WRITEDATA, pointer: context)
        try easy.set(CURLOPT_HEADERDATA, pointer: context)

        // Back to a plain GET without body first (HTTPGET also clears NOBODY and upload), so that
        // no method or body of an earlier request on this handle carries over.
        try easy.set(CURLOPT_HTTPGET, 1)
        var customMethod: String?
        let isPost = Self.isASCII(request.method, caseInsensitivelyEqualTo: "POST")
        if isPost {
            try setBody(request.body ?? [])
        } else if request.body == nil, Self.isASCII(request.method, caseInsensitivelyEqualTo: "GET") {
            // HTTPGET above.
        } else if request.body == nil, Self.isASCII(request.method, caseInsensitivelyEqualTo: "HEAD") {
            try easy.set(CURLOPT_NOBODY, 1)
        } else {
            customMethod = request.method
            if let body = request.body {
                try setBody(body)
            }
        }
        try easy.setCustomMethod(customMethod)

        // Bodies go out at once: waiting for `100 Continue` costs a round trip (or a second).
        try appendHeaderField("Expect:")
        if isPost || request.body != nil,
            !request.headers.contains(where: { Self.isASCII($0.name, caseInsensitivelyEqualTo: "CONTENT-TYPE") })
        {
            // libcurl would label the body application/x-www-form-urlencoded; say nothing instead.
            try appendHeaderField("Content-Type:")
        }
        for header in request.headers {
            // "Name;" is libcurl's way to send a header with an empty value.
            try appendHeaderField(header.value.isEmpty ? header.name + ";" : header.name + ": " + header.value)
        }
        try easy.set(CURLOPT_HTTPHEADER, pointer: headerList)
    }

    private func appendHeaderField(_ field: String) throws(HTTPClientError) {
        guard let list = curl_slist_append(headerList, field) else {
            throw HTTPClientError.transferFailed.with(message: "out of memory building request headers")
        }
        headerList = list
    }

    /// Whether `url` starts with `https:` (in any case).
    private static func isHTTPS(_ url: String) -> Bool {
        var bytes = url.utf8.makeIterator()
        for wanted in "https:".utf8 {
            // `| 0x20` folds ASCII letters to lower case and leaves ':' as it is.
            guard let byte = bytes.next(), byte | 0x20 == wanted else { return false }
        }
        return true
    }

    /// Whether `text` equals `uppercase` (upper-case ASCII) ignoring ASCII case, without
    /// allocating an upper-cased copy.
    private static func isASCII(_ text: String, caseInsensitivelyEqualTo uppercase: StaticString) -> Bool {
        let wanted = UnsafeBufferPointer(start: uppercase.utf8Start, count: uppercase.utf8CodeUnitCount)
        var index = 0
        for byte in text.utf8 {
            guard index < wanted.count else { return false }
            let folded = byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") ? byte & 0xDF : byte
            guard folded == wanted[index] else { return false }
            index += 1
        }
        return index == wanted.count
    }

    /// Binary-safe body: the size first, so that COPYPOSTFIELDS copies exactly that many bytes.
    private func setBody(_ body: [UInt8]) throws(HTTPClientError) {
        try easy.set(CURLOPT_POSTFIELDSIZE_LARGE, offset: body.count)
        let empty: StaticString = ""
        let code = body.withUnsafeBytes { bytes in
            perch_curl_easy_setopt_pointer(
                easy.raw, CURLOPT_COPYPOSTFIELDS, bytes.baseAddress ?? UnsafeRawPointer(empty.utf8Start))
        }
        guard code == CURLE_OK else {
            throw HTTPClientError.transferFailed.with(
                message: "libcurl could not copy the request body: \(String(cString: curl_easy_strerror(code)))")
        }
        easy.holdsBody(size: body.count)
    }

    /// Rejects what libcurl would send malformed or what would inject extra header lines.
    private static func validate(_ request: ClientRequest) throws(HTTPClientError) {
        guard isToken(request.method) else {
            throw HTTPClientError.invalidRequest.with(message: "invalid request method '\(request.method)'")
        }
        for header in request.headers {
            guard isToken(header.name) else {
                throw HTTPClientError.invalidRequest.with(message: "invalid header name '\(header.name)'")
            }
            guard !header.value.utf8.contains(where: { $0 == 0 || $0 == 10 || $0 == 13 }) else {
                throw HTTPClientError.invalidRequest.with(
                    message: "header '\(header.name)' has a line break or NUL in its value")
            }
        }
        guard !request.url.utf8.contains(where: { $0 <= 32 || $0 == 127 }) else {
            throw HTTPClientError.invalidRequest.with(message: "URL contains spaces or control characters")
        }
    }

    /// Whether `text` is an HTTP token (RFC 9110): letters, digits and ``!#$%&'*+-.^_`|~``.
    private static func isToken(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { tokenBytes[Int($0)] }
    }

    /// Which byte values may appear in a token, indexed by byte.
    private static let tokenBytes: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for byte in "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ!#$%&'*+-.^_`|~".utf8 {
            table[Int(byte)] = true
        }
        return table
    }()

    fileprivate func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard body.count + bytes.count <= maxBodySize else {
            bodyTooLarge = true
            return false
        }
        body.append(contentsOf: bytes)
        return true
    }

    fileprivate func receiveHeadLine(_ bytes: UnsafeRawBufferPointer) {
        switch ResponseHeadLine(bytes) {
        case .status:
            // Only the final response's fields count (not those of a 100 Continue before it).
            headers.removeAll()
        case .field(let name, let value):
            headers.append((name, value))
        case .end, .other:
            break
        }
    }

    /// The result of the finished transfer, given libcurl's result code.
    func outcome(_ code: CURLcode) -> Result<ClientResponse, HTTPClientError> {
        guard code == CURLE_OK else {
            return .failure(error(for: code))
        }
        return .success(
            ClientResponse(
                status: easy.responseCode, headers: headers, body: body, httpVersion: easy.httpVersion,
                connectionsOpened: easy.connectionsOpened))
    }

    private func error(for code: CURLcode) -> HTTPClientError {
        let kind: HTTPClientError
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            kind = .timeout
        case CURLE_COULDNT_CONNECT:
            kind = .connectFailed
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            kind = .hostNotFound
        case CURLE_GOT_NOTHING, CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_PARTIAL_FILE:
            kind = .connectionClosed
        case CURLE_HTTP2_STREAM, CURLE_HTTP2:
            // A stream reset (RST_STREAM) or a broken HTTP/2 connection after the request went out.
            // (A stream the server refused unprocessed, REFUSED_STREAM, libcurl retries itself.)
            kind = .streamReset
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
            CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR:
            kind = .tlsFailed
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            kind = .invalidRequest
        case CURLE_WRITE_ERROR where bodyTooLarge:
            return HTTPClientError.responseTooLarge.with(
                message: "response body larger than \(maxBodySize) bytes from \(submission.request.url)")
        default:
            kind = .transferFailed
        }
        let request = submission.request
        return kind.with(message: "\(request.method) \(request.url): \(easy.errorText(for: code))")
    }
}

/// CURLOPT_WRITEFUNCTION: a global function, so it captures nothing and has no actor isolation.
func transferReceivedBody(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
    guard let context else { return 0 }
    let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    return transfer.receiveBody(UnsafeRawBufferPointer(start: data, count: length)) ? length : 0
}

/// CURLOPT_HEADERFUNCTION: called once per head line, status line and final empty line included.
func transferReceivedHeadLine(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
    guard let context else { return 0 }
    let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    transfer.receiveHeadLine(UnsafeRawBufferPointer(start: data, count: length))
    return length
}
