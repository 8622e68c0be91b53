import AsyncHTTPClient
import Foundation
@testable import LumaGate
import NIOCore
import Testing

/// The HTTP edge under attack and at its corners: each test replays one defect against a real
/// gateway over real sockets (`RawHTTPConnection` where a client library would hide the bytes):
/// a multipart body that cost quadratic time, clients that hold connections open without
/// finishing a request, ranges and HEAD that broke keep-alive framing, a spritesheet stampede,
/// and a revoked token that a warm cache still let pay. Media tests run on the media folder and,
/// with `LUMAGATE_TEST_S3_ENDPOINT`, on a bucket.
@Suite(.serialized) struct HTTPEdgeTests {
    /// Deadlines short enough to watch expire; the idle one longer than the header one, so a
    /// partial head closed in time proves the header deadline and not the idle one.
    private static func shortDeadlines(_ configuration: inout GatewayConfiguration) {
        configuration.runsPoller = false
        configuration.edge.headerTimeout = .seconds(1)
        configuration.edge.idleTimeout = .seconds(3)
        configuration.edge.bodyTimeout = .seconds(1)
    }

    // MARK: Multipart

    /// `--x` over and over with no CRLF, boundary `x`: every position starts a delimiter whose
    /// header block never ends. The old header-name check searched the rest of the body from each
    /// one (12 s for 200 KB); the time now grows with the body's length, not its square.
    @Test func aMultipartBodyOfBareDelimitersIsRefusedInLinearTime() async throws {
        try await TestGateway.with(configure: { $0.runsPoller = false }) { gateway in
            let token = try await gateway.createToken()
            func post(bytes: Int) async throws -> (status: Int, took: Duration) {
                let body = Data(String(repeating: "--x", count: bytes / 3).utf8)
                let started = ContinuousClock.now
                let reply = try await gateway.request(
                    .POST, "/v1/videos", token: token, body: body,
                    headers: [("Content-Type", "multipart/form-data; boundary=x")])
                return (reply.status, ContinuousClock.now - started)
            }
            _ = try await post(bytes: 3_000)  // warm up the connection and the route
            var small = Duration.seconds(3600), large = Duration.seconds(3600)
            for _ in 0..<3 {
                let (smallStatus, smallTook) = try await post(bytes: 200 * 1024)
                // Quadratic work on 800 KB would take minutes, and the gateway's shutdown would
                // wait for it: past a few seconds for 200 KB, the answer is already clear.
                guard smallTook < .seconds(3) else {
                    Issue.record("200 KB of bare delimiters took \(smallTook)")
                    return
                }
                let (largeStatus, largeTook) = try await post(bytes: 800 * 1024)
                #expect((400..<500).contains(smallStatus), "200 KB: \(smallStatus)")
                #expect((400..<500).contains(largeStatus), "800 KB: \(largeStatus)")
                small = min(small, smallTook)
                large = min(large, largeTook)
            }
            // Four times the bytes: linear work takes about four times as long, quadratic sixteen.
            #expect(large <= small * 8 + .milliseconds(150), "200 KB took \(small), 800 KB took \(large)")
            #expect(try await gateway.request(.GET, "/healthz").status == 200)
        }
    }

    /// RFC 2046 allows boundaries of 1 to 70 characters; a longer one (which every search for a
    /// delimiter would pay for at each byte) is a 400 before the body is read, and 70 still works.
    @Test func aMultipartBoundaryLongerThan70CharactersIsA400() async throws {
        try await TestGateway.with(configure: { $0.runsPoller = false }) { gateway in
            let token = try await gateway.createToken()
            func form(boundary: String) -> Data {
                Data(
                    "--\(boundary)\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\na lighthouse\r\n--\(boundary)\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nray-2\r\n--\(boundary)--\r\n"
                        .utf8)
            }
            let long = String(repeating: "b", count: 71)
            let refused = try await gateway.request(
                .POST, "/v1/videos", token: token, body: form(boundary: long),
                headers: [("Content-Type", "multipart/form-data; boundary=\(long)")])
            #expect(refused.status == 400, "\(refused.status) \(refused.text)")
            #expect(refused.text.contains("longer than 70 characters"), "\(refused.text)")
            let quoted = try await gateway.request(
                .POST, "/v1/videos", token: token, body: form(boundary: long),
                headers: [("Content-Type", "multipart/form-data; boundary=\"\(long)\"")])
            #expect(quoted.status == 400 && quoted.text.contains("longer than 70 characters"), "\(quoted.status) \(quoted.text)")
            let longest = String(repeating: "b", count: 70)
            let accepted = try await gateway.request(
                .POST, "/v1/videos", token: token, body: form(boundary: longest),
                headers: [("Content-Type", "multipart/form-data; boundary=\(longest)")])
            #expect(accepted.status == 200, "a 70-character boundary is allowed: \(accepted.status) \(accepted.text)")
            #expect(accepted.object["model"] as? String == "ray-2", "\(accepted.text)")
        }
    }

    // MARK: Connection deadlines

    /// Slowloris: fifty connections each send part of a request head and then nothing, or a byte
    /// now and then. A bystander is answered at once while they are held, and the gateway closes
    /// every one of them at the header deadline, trickling or not.
    @Test func partialHeadsAreClosedAtTheHeaderTimeoutWhileABystanderIsServed() async throws {
        try await TestGateway.with(configure: Self.shortDeadlines) { gateway in
            let port = RawHTTPConnection.port(of: gateway.baseURL)
            let count = 50
            let held: [(RawHTTPConnection, ContinuousClock.Instant)] = try await RawHTTPConnection.offPool {
                try (0..<count).map { index in
                    let connection = try RawHTTPConnection.connectBlocking(port: port)
                    let started = ContinuousClock.now
                    try connection.sendBlocking(Array("GET /healthz?n=\(index) HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".utf8))
                    return (connection, started)
                }
            }
            let connections = held.map(\.0)
            defer { connections.forEach { $0.close() } }

            let asked = ContinuousClock.now
            let bystander = try await gateway.request(.GET, "/healthz")
            let waited = ContinuousClock.now - asked
            #expect(bystander.status == 200 && bystander.text.contains("ok"))
            #expect(waited < .milliseconds(500), "the bystander waited \(waited)")
            let stillHeld = connections.filter { !$0.isClosedByServer() }.count
            #expect(stillHeld == count, "the held connections were still open while the bystander was served: \(stillHeld)")

            // Half of them drip a header byte every 300 ms: bytes that complete no head do not
            // move its deadline.
            let drips = (0..<count).map { $0 % 2 == 0 }
            let closedAfter = try await RawHTTPConnection.offPool {
                RawHTTPConnection.watchClosing(
                    connections, started: held.map(\.1), drips: drips,
                    dripEvery: .milliseconds(300), timeout: .seconds(6))
            }
            for (index, after) in closedAfter.enumerated() {
                guard let after else {
                    Issue.record("connection \(index) (\(drips[index] ? "dripping" : "silent")) was still open after 6 s")
                    continue
                }
                // Header deadline 1 s, idle 3 s: closed by the first.
                #expect(
                    after >= .milliseconds(800) && after < .milliseconds(2500),
                    "connection \(index) (\(drips[index] ? "dripping" : "silent")) closed after \(after)")
                #expect(!connections[index].receivedText.hasPrefix("HTTP/1.1 2"), "no request was answered: \(connections[index].receivedText)")
            }
            let after = try await gateway.request(.GET, "/healthz")
            #expect(after.status == 200)
        }
    }

    /// A connection that never sends a byte is closed at the idle deadline (not the shorter
    /// header one), and so is a keep-alive connection once its request is answered.
    @Test func aSilentConnectionIsClosedAtTheIdleTimeout() async throws {
        try await TestGateway.with(configure: Self.shortDeadlines) { gateway in
            let port = RawHTTPConnection.port(of: gateway.baseURL)
            let silent = try await RawHTTPConnection.connect(port: port)
            let silentStart = ContinuousClock.now
            let answered = try await RawHTTPConnection.connect(port: port)
            defer {
                silent.close()
                answered.close()
            }
            let health = try await answered.exchange("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            let answeredAt = ContinuousClock.now
            #expect(health.status == 200 && health.text.contains("ok"))
            let closedAfter = try await RawHTTPConnection.offPool {
                RawHTTPConnection.watchClosing([silent, answered], started: [silentStart, answeredAt], timeout: .seconds(8))
            }
            for (name, after) in zip(["silent", "answered"], closedAfter) {
                let after = try #require(after, "the \(name) connection was still open after 8 s")
                #expect(after >= .milliseconds(2700) && after < .milliseconds(5000), "the \(name) connection closed after \(after)")
            }
            #expect(silent.receivedText.isEmpty && answered.unreadBytes == 0)
        }
    }

    /// A client that opens a stream and reads nothing: once the send buffer is full, it is cut off
    /// at the stalled-reader timeout instead of holding its slot for ever (it would resume with
    /// `Last-Event-ID`).
    @Test func aStreamReaderThatStopsReadingIsCutOff() async throws {
        try await TestGateway.with(configure: { $0.edge.stalledReaderTimeout = .seconds(1) }) { gateway in
            let token = try await gateway.createToken()
            let id = try #require(try await gateway.submit(token: token, #"{"user_prompt": "copied many times"}"#)["id"] as? String)
            _ = try await gateway.waitForTerminal(id, token: token)
            // Far more than the socket buffers hold, so the stream's catch-up fills them.
            let template = try #require(try await gateway.gateway.tasks.find(id: id))
            try await gateway.gateway.tasks.insertBatch(
                (0..<20_000).map { index in
                    var copy = template
                    copy.id = UUID().uuidString.lowercased()
                    copy.updatedAtMillis = template.updatedAtMillis + Int64(index)
                    return copy
                })
            let port = RawHTTPConnection.port(of: gateway.baseURL)
            let stalled = try await RawHTTPConnection.connect(port: port)
            defer { stalled.close() }
            try await stalled.send("GET /luma/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\nLast-Event-ID: 0\r\n\r\n")
            try await Task.sleep(for: .seconds(4))
            // Reading now drains what the buffers held, then finds the connection closed.
            let ending = try await stalled.waitForClose(timeout: .seconds(20))
            guard case .closed(_, let bytes) = ending else {
                Issue.record("the stalled stream was still open: \(ending)")
                return
            }
            let whole = 20_000 * (template.request.prompt.utf8.count + 800)
            #expect(bytes > 64 * 1024 && bytes < whole, "cut off after \(bytes) bytes")
            let health = try await gateway.request(.GET, "/healthz")
            #expect(health.status == 200)
        }
    }

    /// A body trickling one byte a second is dropped at the first body window; one that keeps
    /// coming at a fair rate is read to its end however long it takes in all.
    @Test func aBodyTricklingOneBytePerSecondIsDropped() async throws {
        try await TestGateway.with(configure: Self.shortDeadlines) { gateway in
            let token = try await gateway.createToken()
            let port = RawHTTPConnection.port(of: gateway.baseURL)
            let head =
                "POST /v1/videos HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\nContent-Type: application/json\r\nContent-Length: LENGTH\r\n\r\n"

            let trickling = try await RawHTTPConnection.connect(port: port)
            defer { trickling.close() }
            try await trickling.send(head.replacingOccurrences(of: "LENGTH", with: "64") + "{")
            let started = ContinuousClock.now
            let closedAfter = try await RawHTTPConnection.offPool {
                RawHTTPConnection.watchClosing(
                    [trickling], started: [started], drips: [true], dripEvery: .seconds(1),
                    dripByte: UInt8(ascii: " "), timeout: .seconds(8))
            }
            let after = try #require(closedAfter[0], "the trickling connection was still open after 8 s")
            #expect(after >= .milliseconds(800) && after < .milliseconds(3000), "closed after \(after)")
            #expect(!trickling.receivedText.hasPrefix("HTTP/1.1 2"), "\(trickling.receivedText)")

            // 10 KB every 300 ms (well above 8 KB a second) for about 3 s: three body windows.
            let padding = String(repeating: " ", count: 100 * 1024)
            let body = Array((#"{"prompt": 5"# + padding + "}").utf8)
            let steady = try await RawHTTPConnection.connect(port: port)
            defer { steady.close() }
            let steadyStart = ContinuousClock.now
            let reply = try await RawHTTPConnection.offPool { () throws -> RawHTTPConnection.Response in
                try steady.sendBlocking(Array(head.replacingOccurrences(of: "LENGTH", with: String(body.count)).utf8))
                var offset = 0
                while offset < body.count {
                    let end = min(offset + 10 * 1024, body.count)
                    try steady.sendBlocking(Array(body[offset..<end]))
                    offset = end
                    if offset < body.count { Thread.sleep(forTimeInterval: 0.3) }
                }
                return try steady.readResponseBlocking()
            }
            #expect(ContinuousClock.now - steadyStart > .seconds(2), "the body took longer than a body window")
            #expect(reply.status == 400, "the whole body was read and judged: \(reply.status) \(reply.text)")
            #expect(reply.text.contains("prompt"), "\(reply.text)")
        }
    }

    /// With room for five connections, a sixth is closed as it comes, without an answer, while
    /// the five are open; once they close, new connections are served again (the refused one
    /// took no place).
    @Test func connectionsPastTheLimitAreClosedAtOnceAndServedAgainAfter() async throws {
        try await TestGateway.with(configure: {
            $0.runsPoller = false
            $0.edge.maxConnections = 5
        }) { gateway in
            let port = RawHTTPConnection.port(of: gateway.baseURL)
            let health = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"

            /// Five connections, each answered once (so each is surely counted), held open.
            func holdFive() async throws -> [RawHTTPConnection] {
                var five: [RawHTTPConnection] = []
                for _ in 0..<5 {
                    let connection = try await RawHTTPConnection.connect(port: port)
                    five.append(connection)
                    let reply = try await connection.exchange(health)
                    #expect(reply.status == 200)
                }
                return five
            }
            func expectRefused(_ when: String) async throws {
                let sixth = try await RawHTTPConnection.connect(port: port)
                defer { sixth.close() }
                let started = ContinuousClock.now
                _ = try await RawHTTPConnection.offPool { sixth.trySendBlocking(Array(health.utf8)) }
                let ending = try await sixth.waitForClose(timeout: .seconds(3), since: started)
                guard case .closed(let after, let bytes) = ending else {
                    Issue.record("\(when): a sixth connection was kept open")
                    return
                }
                #expect(after < .seconds(1), "\(when): closed after \(after)")
                #expect(bytes == 0, "\(when): the sixth connection got no answer: \(sixth.receivedText)")
            }

            let first = try await holdFive()
            try await expectRefused("while five are open")
            // The five still work.
            for connection in first {
                #expect(try await connection.exchange(health).status == 200)
            }
            first.forEach { $0.close() }

            // The server sees the closes within moments.
            let deadline = ContinuousClock.now + .seconds(5)
            var served = false
            while !served, ContinuousClock.now < deadline {
                let probe = try await RawHTTPConnection.connect(port: port)
                served = (try? await probe.exchange(health, timeout: .seconds(1)).status) == 200
                probe.close()
                if !served { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(served, "a new connection was served after the five closed")
            try await Task.sleep(for: .milliseconds(200))

            // Five places again, no more: the refused connections left no count behind.
            let second = try await holdFive()
            try await expectRefused("with five new ones open")
            second.forEach { $0.close() }
        }
    }

    // MARK: Media

    /// A finished sandbox video's media path (`/media/tasks/<id>/video.mp4`), from its relay
    /// view, and the whole file as a plain GET serves it.
    private func finishedVideo(_ gateway: TestGateway) async throws -> (path: String, bytes: [UInt8], etag: String) {
        let token = try await gateway.createToken()
        let id = try #require(try await gateway.submit(token: token, #"{"user_prompt": "a lighthouse at dusk"}"#)["id"] as? String)
        let task = try await gateway.waitForTerminal(id, token: token, timeout: .seconds(60))
        #expect(task["state"] as? String == "completed", "\(task)")
        let url = try #require((task["video"] as? [String: Any])?["url"] as? String, "\(task)")
        let path = try #require(URL(string: url)?.path)
        #expect(path == "/media/tasks/\(id)/video.mp4")
        let whole = try await gateway.request(.GET, path)
        #expect(whole.status == 200)
        #expect(whole.body.count > 300, "a real video: \(whole.body.count) bytes")
        #expect(whole.header("content-length") == String(whole.body.count))
        return (path, [UInt8](whole.body), try #require(whole.header("etag")))
    }

    private static func get(_ path: String, _ headers: [(String, String)] = [], method: String = "GET") -> String {
        "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers.map { "\($0.0): \($0.1)\r\n" }.joined() + "\r\n"
    }

    /// After a response on `connection`, a second request on it must read as its own response:
    /// the first four bytes of the file, exactly.
    private func expectFramed(_ connection: RawHTTPConnection, path: String, bytes: [UInt8], after what: String) async throws {
        #expect(connection.unreadBytes == 0, "\(what): \(connection.unreadBytes) stray bytes after the response")
        let next = try await connection.exchange(Self.get(path, [("Range", "bytes=0-3")]))
        #expect(next.status == 206 && next.body == Array(bytes.prefix(4)), "\(what): the next response was \(next.status) \(next.body.count) bytes")
        #expect(next.header("content-range") == "bytes 0-3/\(bytes.count)", "\(what)")
    }

    private func expectLength(_ response: RawHTTPConnection.Response, _ what: String) {
        for value in response.headers("content-length") {
            #expect(Int(value).map { $0 >= 0 } == true, "\(what): Content-Length \(value)")
        }
        #expect(response.headers("content-length").count <= 1, "\(what): \(response.headers("content-length"))")
    }

    /// Every kind of `Range` on a stored video, byte-exact, each followed by a second request on
    /// the same keep-alive connection: a 416 has no body (the old one sent a negative or stale
    /// Content-Length and broke the connection), a suffix range is the file's last bytes, a
    /// malformed or multiple range is the whole file, and `If-Range` decides between the two.
    @Test func mediaRangesAreByteExactAndKeepTheConnectionFramed() async throws {
        try await TestGateway.with(configure: { _ in }) { gateway in
            let (path, bytes, etag) = try await finishedVideo(gateway)
            let size = bytes.count
            let connection = try await RawHTTPConnection.connect(port: RawHTTPConnection.port(of: gateway.baseURL))
            defer { connection.close() }

            let plain = try await connection.exchange(Self.get(path))
            #expect(plain.status == 200 && plain.body == bytes && plain.header("accept-ranges") == "bytes")
            #expect(plain.header("etag") == etag)

            // Unsatisfiable: no byte of the file is at or past its end.
            for range in ["bytes=999999999-", "bytes=\(size)-", "bytes=\(size)-\(size + 10)", "bytes=99999999999999999999999-", "bytes=-0"] {
                let reply = try await connection.exchange(Self.get(path, [("Range", range)]))
                #expect(reply.status == 416, "\(range): \(reply.status)")
                #expect(reply.header("content-range") == "bytes */\(size)", "\(range): \(reply.header("content-range") ?? "none")")
                #expect(reply.header("content-length") == nil || reply.header("content-length") == "0", "\(range): \(reply.headers)")
                #expect(reply.body.isEmpty, "\(range): \(reply.body.count) body bytes")
                expectLength(reply, range)
                try await expectFramed(connection, path: path, bytes: bytes, after: range)
            }

            // Satisfiable single ranges: exactly the bytes asked for.
            let parts: [(String, ClosedRange<Int>)] = [
                ("bytes=-100", (size - 100)...(size - 1)),
                ("bytes=0-9", 0...9),
                ("bytes=10-", 10...(size - 1)),
                ("bytes=\(size - 1)-\(size + 1000)", (size - 1)...(size - 1)),
                ("bytes=-\(size + 1000)", 0...(size - 1)),
                ("BYTES= 3-7 ", 3...7),
            ]
            for (range, bounds) in parts {
                let reply = try await connection.exchange(Self.get(path, [("Range", range)]))
                #expect(reply.status == 206, "\(range): \(reply.status)")
                #expect(reply.body == Array(bytes[bounds]), "\(range): \(reply.body.count) bytes, wanted \(bounds.count)")
                #expect(reply.header("content-range") == "bytes \(bounds.lowerBound)-\(bounds.upperBound)/\(size)", "\(range)")
                #expect(reply.header("content-length") == String(bounds.count), "\(range)")
                expectLength(reply, range)
                try await expectFramed(connection, path: path, bytes: bytes, after: range)
            }

            // Not one satisfiable-or-not single range: ignored, the whole file.
            for range in ["bytes=5-2", "bytes=0-1,3-4", "bytes=-", "items=0-9", "bytes=a-b", "bytes=--5"] {
                let reply = try await connection.exchange(Self.get(path, [("Range", range)]))
                #expect(reply.status == 200 && reply.body == bytes, "\(range): \(reply.status) \(reply.body.count) bytes")
                #expect(reply.header("content-range") == nil, "\(range)")
                #expect(reply.header("content-length") == String(size), "\(range)")
                try await expectFramed(connection, path: path, bytes: bytes, after: range)
            }

            // A validator that matches: a 304, with no body either.
            let notModified = try await connection.exchange(Self.get(path, [("If-None-Match", etag)]))
            #expect(notModified.status == 304 && notModified.body.isEmpty, "If-None-Match: \(notModified.status)")
            #expect(notModified.header("etag") == etag)
            try await expectFramed(connection, path: path, bytes: bytes, after: "a 304")

            // If-Range: a part only while the validator is the current one.
            let stale = try await connection.exchange(Self.get(path, [("Range", "bytes=0-9"), ("If-Range", "\"not-this-one\"")]))
            #expect(stale.status == 200 && stale.body == bytes, "non-matching If-Range: \(stale.status) \(stale.body.count)")
            #expect(stale.header("content-range") == nil)
            try await expectFramed(connection, path: path, bytes: bytes, after: "a non-matching If-Range")
            let weak = try await connection.exchange(Self.get(path, [("Range", "bytes=0-9"), ("If-Range", "W/" + etag)]))
            #expect(weak.status == 200 && weak.body == bytes, "a weak If-Range never matches: \(weak.status)")
            try await expectFramed(connection, path: path, bytes: bytes, after: "a weak If-Range")
            let current = try await connection.exchange(Self.get(path, [("Range", "bytes=0-9"), ("If-Range", etag)]))
            #expect(current.status == 206 && current.body == Array(bytes[0...9]), "matching If-Range: \(current.status) \(current.body.count)")
            #expect(current.header("content-range") == "bytes 0-9/\(size)")
            try await expectFramed(connection, path: path, bytes: bytes, after: "a matching If-Range")
            let unsatisfiable = try await connection.exchange(Self.get(path, [("Range", "bytes=999999999-"), ("If-Range", etag)]))
            #expect(unsatisfiable.status == 416 && unsatisfiable.body.isEmpty && unsatisfiable.header("content-range") == "bytes */\(size)")
            try await expectFramed(connection, path: path, bytes: bytes, after: "an unsatisfiable range under a matching If-Range")
        }
    }

    /// HEAD on a media file: the GET's status and Content-Length, not one body byte (a following
    /// request on the same connection reads as its own response), for the whole file and a part.
    @Test func headOnMediaSendsTheLengthAndNoBody() async throws {
        try await TestGateway.with(configure: { _ in }) { gateway in
            let (path, bytes, etag) = try await finishedVideo(gateway)
            let connection = try await RawHTTPConnection.connect(port: RawHTTPConnection.port(of: gateway.baseURL))
            defer { connection.close() }

            let head = try await connection.exchange(Self.get(path, method: "HEAD"), head: true)
            #expect(head.status == 200)
            #expect(head.header("content-length") == String(bytes.count), "\(head.headers)")
            #expect(head.header("etag") == etag && head.header("accept-ranges") == "bytes")
            #expect(head.header("content-type") == "video/mp4")
            #expect(try await connection.bytesArriving(within: .milliseconds(300)) == 0, "HEAD sent body bytes")
            try await expectFramed(connection, path: path, bytes: bytes, after: "HEAD")

            let part = try await connection.exchange(Self.get(path, [("Range", "bytes=-100")], method: "HEAD"), head: true)
            #expect(part.status == 206 && part.header("content-length") == "100", "\(part.status) \(part.headers)")
            #expect(part.header("content-range") == "bytes \(bytes.count - 100)-\(bytes.count - 1)/\(bytes.count)")
            #expect(try await connection.bytesArriving(within: .milliseconds(300)) == 0, "HEAD with a range sent body bytes")
            try await expectFramed(connection, path: path, bytes: bytes, after: "HEAD with a range")

            let missing = try await connection.exchange(Self.get("/media/tasks/nothing-here/video.mp4", method: "HEAD"), head: true)
            #expect(missing.status == 404)
            #expect(try await connection.bytesArriving(within: .milliseconds(300)) == 0, "HEAD of a missing file sent body bytes")
            try await expectFramed(connection, path: path, bytes: bytes, after: "HEAD of a missing file")

            let get = try await connection.exchange(Self.get(path))
            #expect(get.status == 200 && get.body == bytes && get.header("content-length") == head.header("content-length"))
        }
    }

    // MARK: OpenAI videos

    /// A video made through `POST /v1/videos` and polled until it is completed; its id.
    private func completedOpenAIVideo(_ gateway: TestGateway, token: String) async throws -> String {
        let created = try await gateway.request(.POST, "/v1/videos", token: token, json: #"{"prompt": "a lighthouse at dusk", "model": "ray-2"}"#)
        guard created.status == 200, let id = created.object["id"] as? String else {
            throw TestFailure("POST /v1/videos answered \(created.status): \(created.text)")
        }
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            let video = try await gateway.request(.GET, "/v1/videos/\(id)", token: token)
            switch video.object["status"] as? String {
            case "completed": return id
            case "failed": throw TestFailure("video \(id) failed: \(video.text)")
            default: try await Task.sleep(for: .milliseconds(100))
            }
        }
        throw TestFailure("video \(id) did not complete within 60 s")
    }

    /// `/v1/videos/{id}/content` reads `Range` as `/media` does: `bytes=-N` is the last N bytes.
    @Test func videoContentHonoursASuffixRange() async throws {
        try await TestGateway.with(configure: { _ in }) { gateway in
            let token = try await gateway.createToken()
            let id = try await completedOpenAIVideo(gateway, token: token)
            let whole = try await gateway.request(.GET, "/v1/videos/\(id)/content", token: token)
            #expect(whole.status == 200 && whole.header("content-type") == "video/mp4")
            let bytes = [UInt8](whole.body)
            let size = bytes.count
            #expect(size > 1000, "a real video: \(size) bytes")
            for n in [1000, 1, size + 5] {
                let part = try await gateway.request(.GET, "/v1/videos/\(id)/content", token: token, headers: [("Range", "bytes=-\(n)")])
                let expected = Array(bytes.suffix(n))
                #expect(part.status == 206, "bytes=-\(n): \(part.status) \(part.text.prefix(200))")
                #expect([UInt8](part.body) == expected, "bytes=-\(n): \(part.body.count) bytes, wanted \(expected.count)")
                #expect(part.header("content-range") == "bytes \(size - expected.count)-\(size - 1)/\(size)", "bytes=-\(n)")
            }
            let none = try await gateway.request(.GET, "/v1/videos/\(id)/content", token: token, headers: [("Range", "bytes=\(size)-")])
            #expect(none.status == 416 && none.body.isEmpty && none.header("content-range") == "bytes */\(size)", "\(none.status)")
            // On a raw keep-alive connection too: the suffix, then a second request framed right.
            let connection = try await RawHTTPConnection.connect(port: RawHTTPConnection.port(of: gateway.baseURL))
            defer { connection.close() }
            let auth = ("Authorization", "Bearer \(token)")
            let suffix = try await connection.exchange(Self.get("/v1/videos/\(id)/content", [auth, ("Range", "bytes=-100")]))
            #expect(suffix.status == 206 && suffix.body == Array(bytes.suffix(100)))
            let after = try await connection.exchange(Self.get("/v1/videos/\(id)/content", [auth, ("Range", "bytes=0-3")]))
            #expect(after.status == 206 && after.body == Array(bytes.prefix(4)))
        }
    }

    /// Twelve clients ask at once for a new video's spritesheet: all get the same picture, made
    /// by one ffmpeg run into one file (no leftover partial files, one ETag), and it is kept.
    @Test func aSpritesheetStampedeGetsOneIdenticalPicture() async throws {
        try await TestGateway.with(configure: { _ in }) { gateway in
            let token = try await gateway.createToken()
            let id = try await completedOpenAIVideo(gateway, token: token)
            let taskFolder = gateway.directory + "/media/tasks/" + id
            let spritesheet = "tasks/\(id)/\(OpenAIVideoContent.spritesheetFile)"
            #expect(try await !TestMedia.exists(spritesheet, directory: gateway.directory), "no spritesheet before it is asked for")

            let replies = try await withThrowingTaskGroup(of: TestGateway.Reply.self) { group in
                for _ in 0..<12 {
                    group.addTask { try await gateway.request(.GET, "/v1/videos/\(id)/content?variant=spritesheet", token: token) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(replies.count == 12)
            for reply in replies {
                #expect(reply.status == 200, "\(reply.status) \(reply.text.prefix(200))")
                #expect(reply.header("content-type") == "image/jpeg")
            }
            let first = try #require(replies.first?.body)
            #expect(first.count > 1000 && first.prefix(2) == Data([0xFF, 0xD8]), "a JPEG: \(first.count) bytes")
            #expect(replies.allSatisfy { $0.body == first }, "every client got the same bytes")
            let etags = Set(replies.compactMap { $0.header("etag") })
            #expect(etags.count == 1, "one file served to all: \(etags)")

            #expect(try await TestMedia.exists(spritesheet, directory: gateway.directory))
            let leftovers = ((try? FileManager.default.contentsOfDirectory(atPath: taskFolder)) ?? []).filter { $0.hasPrefix("partial-") }
            #expect(leftovers.isEmpty, "no partial files left: \(leftovers)")
            if !TestMedia.inBucket {
                let files = try FileManager.default.contentsOfDirectory(atPath: taskFolder).filter { $0.hasSuffix(".jpg") }.sorted()
                #expect(files.filter { $0.contains("sprite") } == [OpenAIVideoContent.spritesheetFile], "\(files)")
            }

            // Asked again later: the kept file, not a new one.
            let again = try await gateway.request(.GET, "/v1/videos/\(id)/content?variant=spritesheet", token: token)
            #expect(again.status == 200 && again.body == first && again.header("etag") == etags.first)
            let tail = try await gateway.request(
                .GET, "/v1/videos/\(id)/content?variant=spritesheet", token: token,
                headers: [("Range", "bytes=-10")])
            #expect(tail.status == 206 && tail.body == first.suffix(10))
        }
    }

    // MARK: Revocation

    /// A token revoked right after a successful request (so it sits warm in the query cache)
    /// pays for nothing more: the next paid submit is a 403 and no credit moves. The charge itself
    /// requires the token's row to be unrevoked, so this holds even while a stale cache entry
    /// still says the token is valid (as it may for a while when another process revoked it).
    @Test func aRevokedTokenIsRefusedAtTheChargeEvenWhileItsCacheEntryIsWarm() async throws {
        try await TestGateway.with(configure: { $0.runsPoller = false }) { gateway in
            let cache = try #require(gateway.gateway.database.queryCache, "a serving gateway keeps a query cache")
            let paid = #"{"user_prompt": "a lighthouse", "model_name": "ray-v2"}"#

            // Through the token service, right after a paid request.
            let plain = try await gateway.gateway.tokens.create(name: "revoked-\(UUID().uuidString.prefix(8))", quota: 100_000)
            let accepted = try await gateway.request(.POST, "/luma/generations", token: plain.secret, json: paid)
            #expect(accepted.status == 200, "\(accepted.text)")
            let before = try await gateway.gateway.tokens.usage(plain.token.id)
            #expect(before.charged > 0, "a sandbox ray-2 task costs credits: \(before)")
            _ = try await gateway.gateway.tokens.revoke(plain.token.id)
            let refused = try await gateway.request(.POST, "/luma/generations", token: plain.secret, json: paid)
            #expect(refused.status == 403, "\(refused.status) \(refused.text)")
            let after = try await gateway.gateway.tokens.usage(plain.token.id)
            #expect(after.charged == before.charged && after.token.used == before.token.used, "nothing charged: \(before) → \(after)")
            #expect(after.tasks.values.reduce(0, +) == before.tasks.values.reduce(0, +), "no task stored: \(after.tasks)")

            // With the cache still holding the token as valid after the revocation committed.
            let stale = try await gateway.gateway.tokens.create(name: "stale-\(UUID().uuidString.prefix(8))", quota: 100_000)
            let warm = try await gateway.request(.POST, "/luma/generations", token: stale.secret, json: paid)
            #expect(warm.status == 200, "\(warm.text)")
            let hash = TokenService.hash(stale.secret)
            let cached = try #require(cache.token(secretHash: hash), "the token is warm in the cache after a request")
            #expect(cached.revokedAtMillis == nil)
            let staleBefore = try await gateway.gateway.tokens.usage(stale.token.id)
            _ = try await gateway.gateway.tokens.revoke(stale.token.id)
            // What a cache in front of the store may still hold for a moment (another process's
            // revocation reaches this one's cache within a bound, not at once).
            cache.keep(cached, secretHash: hash, ticket: cache.ticket())
            #expect(cache.token(secretHash: hash)?.revokedAtMillis == nil, "the stale entry is in place")
            let refusedStale = try await gateway.request(.POST, "/luma/generations", token: stale.secret, json: paid)
            #expect(refusedStale.status == 403, "\(refusedStale.status) \(refusedStale.text)")
            #expect(refusedStale.text.contains("revoked"), "\(refusedStale.text)")
            let staleAfter = try await gateway.gateway.tokens.usage(stale.token.id)
            #expect(
                staleAfter.charged == staleBefore.charged && staleAfter.token.used == staleBefore.token.used,
                "nothing charged: \(staleBefore) → \(staleAfter)")
            #expect(staleAfter.tasks.values.reduce(0, +) == staleBefore.tasks.values.reduce(0, +), "no task stored: \(staleAfter.tasks)")
            let ledger = try await LedgerRepository(database: gateway.gateway.database).entries().filter { $0.tokenID == stale.token.id }
            #expect(ledger.count == 1, "only the first task's charge: \(ledger)")
        }
    }
}
