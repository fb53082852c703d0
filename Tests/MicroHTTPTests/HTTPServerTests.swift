import PerchTesting
import Foundation
@testable import MicroHTTP
import Synchronization
import Testing

@Suite struct HTTPServerTests {
    @Test func fiftyConcurrentClientsEachGetTheirOwnEcho() async throws {
        try await withServer(handler: echo) { server in
            let port = server.port
            try await withThrowingTaskGroup(of: (Int, RawResponse).self) { group in
                for index in 0..<50 {
                    group.addTask {
                        (index, try await exchange(port: port, post("/echo/\(index)", body: "client \(index) says hi")))
                    }
                }
                var seen = Set<Int>()
                for try await (index, response) in group {
                    #expect(response.status == 200)
                    #expect(response.text == "client \(index) says hi")
                    #expect(response.header("X-Path") == "/echo/\(index)")
                    seen.insert(index)
                }
                #expect(seen.count == 50)
            }
            #expect(server.connectionsAccepted == 50)
        }
    }

    @Test func suspendedHandlerDoesNotBlockOtherRequests() async throws {
        let gate = Gate()
        // One libmicrohttpd thread: if the slow handler held it, the fast request could not be served.
        try await withServer({ $0.threads = 1 }) { request in
            if request.path == "/slow" {
                await gate.pass()
                return .text(200, "slow done")
            }
            return .text(200, "fast")
        } _: { server in
            let port = server.port
            async let slow = exchange(port: port, "GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
            await gate.arrivals(1)
            let fast = try await exchange(port: port, "GET /fast HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(fast.status == 200)
            #expect(fast.text == "fast")
            #expect(!gate.isOpen)
            gate.open()
            let slowResponse = try await slow
            #expect(slowResponse.status == 200)
            #expect(slowResponse.text == "slow done")
        }
    }

    @Test func keepAliveReusesOneConnection() async throws {
        try await withServer(handler: echo) { server in
            let port = server.port
            let responses = try await onThread {
                let client = try RawClient(port: port)
                var responses: [RawResponse] = []
                for index in 0..<3 {
                    try client.send(post("/k", body: "n\(index)"))
                    responses.append(try client.readResponse())
                }
                return responses
            }
            #expect(responses.map(\.text) == ["n0", "n1", "n2"])
            #expect(server.connectionsAccepted == 1)
        }
    }

    @Test func declaredBodyOverTheLimitIs413AndClosed() async throws {
        let recorder = Recorder()
        try await withServer({ $0.maxBodySize = 100 }) { request in
            recorder.record(request)
            return .text(200, "ok")
        } _: { server in
            let port = server.port
            let (response, closed) = try await onThread {
                let client = try RawClient(port: port)
                // Expect: 100-continue: the 413 comes before any body is sent.
                try client.send(
                    "POST /big HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n")
                let response = try client.readResponse()
                return (response, try client.waitForClose())
            }
            #expect(response.status == 413)
            #expect(closed)
            // At the limit exactly is fine.
            let atLimit = try await exchange(port: port, post("/ok", body: String(repeating: "x", count: 100)))
            #expect(atLimit.status == 200)
            #expect(recorder.all.map(\.path) == ["/ok"])
        }
    }

    @Test func expectContinueGetsAnInterimResponseBeforeTheBody() async throws {
        try await withServer(handler: echo) { server in
            let port = server.port
            let (interim, final) = try await onThread {
                let client = try RawClient(port: port)
                try client.send(
                    "POST /c HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
                let interim = try client.readResponse(skippingInterim: false)
                try client.send("hello")
                return (interim, try client.readResponse())
            }
            #expect(interim.status == 100)
            #expect(final.status == 200)
            #expect(final.text == "hello")
        }
    }

    @Test func chunkedBodyOverTheLimitIs413AndClosed() async throws {
        let recorder = Recorder()
        try await withServer({ $0.maxBodySize = 100 }) { request in
            recorder.record(request)
            return ServerResponse(status: 200, body: request.body)
        } _: { server in
            let port = server.port
            let chunk = String(repeating: "y", count: 60)
            let chunked = "POST /chunked HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
            let (response, closed) = try await onThread {
                let client = try RawClient(port: port)
                try client.send(chunked + "3c\r\n\(chunk)\r\n3c\r\n\(chunk)\r\n3c\r\n\(chunk)\r\n0\r\n\r\n")
                let response = try client.readResponse()
                return (response, try client.waitForClose())
            }
            #expect(response.status == 413)
            #expect(closed)
            // A chunked body within the limit arrives whole.
            let small = try await exchange(port: port, chunked + "3c\r\n\(chunk)\r\n0\r\n\r\n")
            #expect(small.status == 200)
            #expect(small.text == chunk)
            #expect(recorder.all.count == 1)
        }
    }

    @Test func clientDisconnectingMidBodyLeavesTheServerWorking() async throws {
        let recorder = Recorder()
        try await withServer { request in
            recorder.record(request)
            return ServerResponse(status: 200, body: request.body)
        } _: { server in
            let port = server.port
            try await onThread {
                let client = try RawClient(port: port)
                try client.send("POST /cut HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\n")
                try client.send(String(repeating: "z", count: 100))
                // The client goes away here (deinit closes the socket).
            }
            let next = try await exchange(port: port, post("/next", body: "still here"))
            #expect(next.status == 200)
            #expect(next.text == "still here")
            #expect(recorder.all.map(\.path) == ["/next"])
        }
    }

    @Test func stalledClientIsCutOffAfterTheIdleTimeoutWhileOthersAreServed() async throws {
        // 3 s leaves the other client room to be served first even on a loaded 2-core CI machine.
        try await withServer({ $0.idleTimeoutSeconds = 3 }, handler: echo) { server in
            let port = server.port
            let (stalled, stalledAt) = try await onThread {
                let client = try RawClient(port: port)
                try client.send("POST /stall HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n0123456789")
                return (client, now())
            }
            async let closedAt = onThread { () throws -> Double? in
                try stalled.waitForClose() ? now() : nil
            }
            let other = try await exchange(port: port, post("/other", body: "served"))
            let otherAt = now()
            #expect(other.text == "served")
            let closed = try #require(try await closedAt, "the stalled connection was not closed within 10 s")
            #expect(otherAt < closed)
            #expect(closed - stalledAt >= 2.9)
            #expect(closed - stalledAt < 10)
        }
    }

    @Test func queryAndRawTargetArePreservedInOrder() async throws {
        let recorder = Recorder()
        try await withServer { request in
            recorder.record(request)
            return .json(200, #"{"ok":true}"#)
        } _: { server in
            let target = "/hooks/bird%2Fx?timestamp=9&b=2&a=1&a=%20z+y&empty&sig=ab%3D%3D"
            let response = try await exchange(port: server.port, "GET \(target) HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(response.status == 200)
            #expect(response.header("content-type") == "application/json")
            let request = try #require(recorder.all.first)
            #expect(request.method == "GET")
            #expect(request.target == target)
            #expect(request.path == "/hooks/bird%2Fx")
            #expect(request.query == "timestamp=9&b=2&a=1&a=%20z+y&empty&sig=ab%3D%3D")
            #expect(request.queryItems.map(\.name) == ["timestamp", "b", "a", "a", "empty", "sig"])
            #expect(request.queryItems.map(\.value) == ["9", "2", "1", " z y", "", "ab=="])
        }
    }

    @Test func headersAreCaseInsensitiveBothWays() async throws {
        let recorder = Recorder()
        try await withServer { request in
            recorder.record(request)
            return ServerResponse(status: 204, headers: HTTPHeaders([("X-Reply", "yes")]))
        } _: { server in
            let response = try await exchange(
                port: server.port,
                "BREW /pot HTTP/1.1\r\nHost: t\r\nX-Custom-Thing: One\r\nx-custom-thing: Two\r\n\r\n")
            #expect(response.status == 204)
            #expect(response.header("x-reply") == "yes")
            let request = try #require(recorder.all.first)
            #expect(request.method == "BREW")
            #expect(request.headers["X-CUSTOM-THING"] == "One")
            #expect(request.headers.values(for: "x-custom-thing") == ["One", "Two"])
        }
    }

    @Test func portZeroPicksAFreePortAndATakenPortIsAClearError() async throws {
        try await withServer(handler: echo) { first in
            #expect(first.port > 0)
            let response = try await exchange(port: first.port, post("/", body: "hi"))
            #expect(response.text == "hi")
            let second = HTTPServer(configuration: HTTPServerConfiguration(port: first.port), handler: echo)
            let error = try #require(throws: HTTPServerError.self) { try second.start() }
            #expect(error.message.contains("in use"))
            await second.shutdown()
        }
    }

    @Test func badHostIsAClearError() async throws {
        let server = HTTPServer(configuration: HTTPServerConfiguration(host: "300.1.2.3.invalid."), handler: echo)
        let error = try #require(throws: HTTPServerError.self) { try server.start() }
        #expect(error.message.contains("300.1.2.3.invalid."))
        await server.shutdown()
    }

    @Test func ipv6LoopbackWorks() async throws {
        try await withServer({ $0.host = "::1" }, handler: echo) { server in
            #expect(server.port > 0)
            let response = try await onThread { () throws -> Int32 in
                // Connect over IPv6 by hand: the raw client speaks IPv4 only.
                try connectIPv6(port: server.port)
            }
            #expect(response == 0)
        }
    }

    @Test func handlerPastItsDeadlineIsAnswered503AndCancelled() async throws {
        let gate = Gate()
        let reported = Gate()
        let cancelled = Flag()
        try await withServer({ $0.handlerTimeoutSeconds = 1 }) { _ in
            await gate.pass()
            if Task.isCancelled { cancelled.set() }
            await reported.pass()
            return .text(200, "too late")
        } _: { server in
            let started = now()
            let response = try await exchange(port: server.port, "GET /stuck HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(response.status == 503)
            #expect(response.text == "The handler did not answer in time.\n")
            #expect(now() - started >= 0.9)
            #expect(server.pendingDeadlines == 0)
            reported.open()
            gate.open()
            await reported.arrivals(1)
            #expect(cancelled.isSet)
        }
    }

    @Test func aHandlerThatAnswersInTimeLeavesNoDeadlineBehind() async throws {
        let gate = Gate()
        try await withServer({ $0.handlerTimeoutSeconds = 1 }) { _ in
            await gate.pass()
            return .text(200, "in time")
        } _: { server in
            async let waited = exchange(port: server.port, post("/wait", body: "x"))
            await gate.arrivals(1)
            gate.open()
            let response = try await waited
            #expect(response.status == 200)
            #expect(server.pendingDeadlines == 0)
        }
    }

    @Test func shutdownLetsAnInFlightHandlerFinish() async throws {
        let gate = Gate()
        let server = HTTPServer(configuration: HTTPServerConfiguration()) { _ in
            await gate.pass()
            return .text(200, "finished")
        }
        try server.start()
        let port = server.port
        async let inFlight = exchange(port: port, post("/work", body: "job"))
        await gate.arrivals(1)
        let stopped = Flag()
        async let shutdown: Void = {
            await server.shutdown()
            stopped.set()
        }()
        // Shutdown has begun once new connections are refused (not merely left in the backlog).
        let deadline = now() + 5
        var refused = false
        while now() < deadline {
            if try await onThread({ connectionRefused(port: port) }) {
                refused = true
                break
            }
            await Task.yield()
        }
        #expect(refused)
        #expect(!stopped.isSet)
        gate.open()
        let response = try await inFlight
        #expect(response.status == 200)
        #expect(response.text == "finished")
        await shutdown
        #expect(stopped.isSet)
        await server.shutdown()  // idempotent
    }
}

/// Connects to [::1]:port; returns 0 on success or errno.
private func connectIPv6(port: Int) throws -> Int32 {
    let descriptor = socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(descriptor) }
    var address = sockaddr_in6()
    address.sin6_family = sa_family_t(AF_INET6)
    address.sin6_port = in_port_t(UInt16(port).bigEndian)
    inet_pton(AF_INET6, "::1", &address.sin6_addr)
    let result = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
        }
    }
    guard result == 0 else { return errno }
    let request = Array("GET /v6 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n".utf8)
    _ = request.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    var buffer = [UInt8](repeating: 0, count: 64)
    let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
    return count > 12 && String(decoding: buffer[..<12], as: UTF8.self) == "HTTP/1.1 200" ? 0 : -1
}

@Suite struct HTTPServerLifecycleTests {
    @Test func everyRequestContextIsReleasedByShutdown() async throws {
        let gate = Gate()
        let server = HTTPServer(configuration: HTTPServerConfiguration(maxBodySize: 50)) { request in
            if request.path == "/wait" { await gate.pass() }
            return ServerResponse(status: 200, body: request.body)
        }
        try server.start()
        let port = server.port
        // Answered inline, answered after a suspension, rejected, abandoned mid-body, idle keep-alive.
        _ = try await exchange(port: port, post("/inline", body: "a"))
        async let waited = exchange(port: port, post("/wait", body: "b"))
        await gate.arrivals(1)
        gate.open()
        _ = try await waited
        _ = try await exchange(port: port, post("/big", body: String(repeating: "c", count: 51)))
        try await onThread {
            let client = try RawClient(port: port)
            try client.send("POST /cut HTTP/1.1\r\nHost: t\r\nContent-Length: 40\r\n\r\nabc")
        }
        let idle = try await onThread {
            let client = try RawClient(port: port)
            try client.send(post("/idle", body: "d"))
            _ = try client.readResponse()
            return client
        }
        await server.shutdown()
        #expect(server.liveRequestContexts == 0)
        #expect(!server.deadlineKeeperIsRunning)
        #expect(server.connectionsOpen == 0)
        #expect(try await onThread { try idle.waitForClose() })
    }

    @Test func startingTwiceIsAnError() async throws {
        let server = HTTPServer(configuration: HTTPServerConfiguration(), handler: echo)
        try server.start()
        #expect(throws: HTTPServerError.self) { try server.start() }
        await server.shutdown()
    }

    @Test func invalidConfigurationIsAClearError() async throws {
        let server = HTTPServer(configuration: HTTPServerConfiguration(port: 70000), handler: echo)
        let error = try #require(throws: HTTPServerError.self) { try server.start() }
        #expect(error.message.contains("70000"))
    }
}
