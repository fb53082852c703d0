import Foundation
import Glibc

/// A tiny blocking HTTP/1.1 client on POSIX sockets, so that tests control every byte (half
/// bodies, stalls, chunked uploads, disconnects). Blocking calls run on their own threads through
/// `onThread`, never on Swift's cooperative pool, which the server's handlers need.
///
/// `@unchecked Sendable`: a client is used by one thread at a time; it only moves between threads
/// across an `await` of `onThread`, which orders the accesses.
public final class RawClient: @unchecked Sendable {
    /// A socket call that failed, with its errno.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public var code: Int32 = 0
    }

    public let descriptor: Int32
    private var buffer: [UInt8] = []

    /// Connects to `host`:`port` (an IPv4 address, 127.0.0.1 by default); every read gives up
    /// after `timeoutSeconds`.
    /// - Parameter source: the local IPv4 address to connect from (another loopback address such
    ///   as 127.0.0.2 makes a second client address for per-client limits).
    public init(port: Int, host: String = "127.0.0.1", source: String? = nil, timeoutSeconds: Int = 10) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        if let source {
            var local = sockaddr_in()
            local.sin_family = sa_family_t(AF_INET)
            local.sin_addr.s_addr = inet_addr(source)
            let bound = withUnsafePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard bound == 0 else {
                let code = errno
                Glibc.close(descriptor)
                throw Failure(description: "bind \(source): \(String(cString: strerror(code)))", code: code)
            }
        }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr(host)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            let code = errno
            Glibc.close(descriptor)
            throw Failure(description: "connect: \(String(cString: strerror(code)))", code: code)
        }
    }

    deinit {
        Glibc.close(descriptor)
    }

    public func send(_ text: String) throws {
        try send(Array(text.utf8))
    }

    public func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else { throw Failure(description: "send: \(String(cString: strerror(errno)))") }
            offset += sent
        }
    }

    /// Reads one response (status line, headers, a `Content-Length` body or one up to the close).
    public func readResponse(skippingInterim: Bool = true) throws -> RawResponse {
        var headerEnd: Int?
        while true {
            if let end = Self.find([13, 10, 13, 10], in: buffer) {
                headerEnd = end
                break
            }
            guard try fill() else { throw Failure(description: "connection closed before a response") }
        }
        let head = String(decoding: buffer[..<headerEnd!], as: UTF8.self)
        buffer.removeFirst(headerEnd! + 4)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
            throw Failure(description: "bad status line in \(head)")
        }
        let headers = lines.compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (
                String(line[..<colon]),
                String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
            )
        }
        var response = RawResponse(status: status, headers: headers, body: [])
        if status == 100 { return skippingInterim ? try readResponse() : response }
        if status == 204 || status == 304 {
            return response
        }
        if let length = response.header("Content-Length").flatMap(Int.init) {
            while buffer.count < length {
                guard try fill() else { throw Failure(description: "connection closed inside a body") }
            }
            response.body = Array(buffer[..<length])
            buffer.removeFirst(length)
        } else {
            while try fill() {}
            response.body = buffer
            buffer = []
        }
        return response
    }

    /// Waits (up to the read timeout) until the server closes the connection; true when it did
    /// (end of stream or reset), false when the deadline passed first. Data read is dropped.
    public func waitForClose() throws -> Bool {
        while true {
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count == 0 { return true }
            if count < 0 {
                if errno == EAGAIN || errno == EWOULDBLOCK { return false }
                if errno == ECONNRESET { return true }
                throw Failure(description: "recv: \(String(cString: strerror(errno)))")
            }
        }
    }

    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 16384)
        let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        if count == 0 { return false }
        if count < 0 {
            if errno == ECONNRESET { return false }
            throw Failure(description: "recv: \(String(cString: strerror(errno)))")
        }
        buffer.append(contentsOf: chunk[..<count])
        return true
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count)
        where haystack[start..<start + needle.count].elementsEqual(needle) {
            return start
        }
        return nil
    }
}

/// A response as read off the socket.
public struct RawResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]

    public var text: String { String(decoding: body, as: UTF8.self) }

    public func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }
}

/// Whether connecting to 127.0.0.1:`port` is refused outright (ECONNREFUSED), as opposed to
/// accepted or left waiting in a backlog.
public func connectionRefused(port: Int) -> Bool {
    do {
        _ = try RawClient(port: port, timeoutSeconds: 1)
        return false
    } catch let failure as RawClient.Failure {
        return failure.code == ECONNREFUSED
    } catch {
        return false
    }
}

/// Runs blocking work on a new thread and awaits its result.
public func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            continuation.resume(with: Result { try body() })
        }
        thread.start()
    }
}

/// Sends one request on a new connection and reads the response.
public func exchange(port: Int, _ request: String) async throws -> RawResponse {
    try await onThread {
        let client = try RawClient(port: port)
        try client.send(request)
        return try client.readResponse()
    }
}

/// A request with a body and `Content-Length`.
public func post(_ target: String, body: String, extraHeaders: String = "") -> String {
    "POST \(target) HTTP/1.1\r\nHost: test\r\nContent-Length: \(body.utf8.count)\r\n\(extraHeaders)\r\n\(body)"
}
