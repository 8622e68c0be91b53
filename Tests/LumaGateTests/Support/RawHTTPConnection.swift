import Foundation
import Glibc

/// One client connection to 127.0.0.1 over a plain blocking POSIX socket, for tests that need
/// what an HTTP client library hides: bytes sent exactly as written (a partial head, a dripping
/// body), whether the server closed the connection and when, and whether a response was framed
/// so that a second one on the same keep-alive connection reads correctly.
///
/// Every blocking call runs on a thread of its own (`offPool`), never on Swift concurrency's
/// cooperative pool. A connection is used by one test task at a time.
final class RawHTTPConnection: @unchecked Sendable {
    struct Response: Sendable {
        var status: Int
        var headers: [(String, String)]
        var body: [UInt8]
        /// How the body was delimited: "content-length", "chunked", or "none" (no body allowed).
        var framing: String

        func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }

        func headers(_ name: String) -> [String] {
            headers.filter { $0.0.lowercased() == name.lowercased() }.map(\.1)
        }

        var text: String { String(decoding: body, as: UTF8.self) }
    }

    enum Failure: Error, CustomStringConvertible {
        case system(String, Int32)
        case timedOut(String)
        case closed(String)
        case malformed(String)

        var description: String {
            switch self {
            case .system(let call, let code): "\(call) failed: \(String(cString: strerror(code)))"
            case .timedOut(let what): "timed out \(what)"
            case .closed(let what): "the server closed the connection \(what)"
            case .malformed(let what): "malformed response: \(what)"
            }
        }
    }

    /// What became of a connection waited on.
    enum Ending: Sendable, Equatable {
        /// The server closed it (EOF or reset) after this long; `bytes` arrived before.
        case closed(after: Duration, bytes: Int)
        /// Still open when the wait ended.
        case open
    }

    let fd: Int32
    private var buffer: [UInt8] = []
    private var isClosed = false

    private init(fd: Int32) {
        self.fd = fd
    }

    deinit {
        if !isClosed { _ = Glibc.close(fd) }
    }

    /// Runs blocking work on a new thread and waits for it without holding a cooperative thread.
    static func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try work() }) }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    /// Connects to 127.0.0.1:`port`.
    static func connect(port: Int) async throws -> RawHTTPConnection {
        try await offPool { try connectBlocking(port: port) }
    }

    static func connectBlocking(port: Int) throws -> RawHTTPConnection {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure.system("socket", errno) }
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            let code = errno
            _ = Glibc.close(fd)
            throw Failure.system("connect", code)
        }
        return RawHTTPConnection(fd: fd)
    }

    /// The port of a gateway's base URL (`http://127.0.0.1:PORT`).
    static func port(of baseURL: String) -> Int {
        URL(string: baseURL)!.port!
    }

    // MARK: Sending

    func send(_ text: String) async throws {
        try await send(Array(text.utf8))
    }

    func send(_ bytes: [UInt8]) async throws {
        try await Self.offPool { try self.sendBlocking(bytes) }
    }

    /// Sends all of `bytes`; MSG_NOSIGNAL so that a closed peer is an error, not SIGPIPE.
    func sendBlocking(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { raw in
                Glibc.send(fd, raw.baseAddress, raw.count, Int32(MSG_NOSIGNAL))
            }
            if sent < 0 {
                if errno == EINTR { continue }
                throw Failure.system("send", errno)
            }
            offset += sent
        }
    }

    /// Sends without failing when the server has closed the connection; whether it went out.
    @discardableResult
    func trySendBlocking(_ bytes: [UInt8]) -> Bool {
        (try? sendBlocking(bytes)) != nil
    }

    // MARK: Reading

    /// Reads one response. `head` says it answers a HEAD request (so it has no body whatever its
    /// Content-Length says). A response neither Content-Length nor chunked frames is an error: on
    /// a keep-alive connection nothing could tell where it ends.
    func readResponse(head: Bool = false, timeout: Duration = .seconds(10)) async throws -> Response {
        try await Self.offPool { try self.readResponseBlocking(head: head, timeout: timeout) }
    }

    func readResponseBlocking(head: Bool = false, timeout: Duration = .seconds(10)) throws -> Response {
        let deadline = ContinuousClock.now + timeout
        let separator: [UInt8] = [13, 10, 13, 10]
        var end: Int?
        while true {
            if let found = Self.find(separator, in: buffer) {
                end = found
                break
            }
            guard try fill(until: deadline) else { throw Failure.closed("before a response head (\(buffer.count) bytes read)") }
        }
        let headBytes = Array(buffer[..<end!])
        buffer.removeFirst(end! + 4)
        let lines = String(decoding: headBytes, as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ", maxSplits: 2)
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), let status = Int(statusParts[1]) else {
            throw Failure.malformed("status line \(lines[0].debugDescription)")
        }
        var headers: [(String, String)] = []
        for line in lines.dropFirst() where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { throw Failure.malformed("header line \(line.debugDescription)") }
            headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        var response = Response(status: status, headers: headers, body: [], framing: "none")
        if head || status == 204 || status == 304 || (100..<200).contains(status) { return response }
        let lengths = response.headers("content-length")
        if response.header("transfer-encoding")?.lowercased().contains("chunked") == true {
            response.framing = "chunked"
            response.body = try readChunked(until: deadline)
        } else if !lengths.isEmpty {
            guard lengths.count == 1, let length = Int(lengths[0]), length >= 0 else {
                throw Failure.malformed("Content-Length \(lengths)")
            }
            response.framing = "content-length"
            response.body = try take(length, until: deadline)
        } else {
            throw Failure.malformed("status \(status) has neither Content-Length nor chunked framing")
        }
        return response
    }

    /// Sends `request` and reads its response.
    func exchange(_ request: String, head: Bool = false, timeout: Duration = .seconds(10)) async throws -> Response {
        try await Self.offPool {
            try self.sendBlocking(Array(request.utf8))
            return try self.readResponseBlocking(head: head, timeout: timeout)
        }
    }

    /// Bytes read beyond the responses parsed so far (a server that sent a body it must not have).
    var unreadBytes: Int { buffer.count }

    /// Waits up to `timeout` for any further bytes (beyond those already buffered); how many came.
    func bytesArriving(within timeout: Duration) async throws -> Int {
        try await Self.offPool {
            let before = self.buffer.count
            let deadline = ContinuousClock.now + timeout
            while ContinuousClock.now < deadline {
                guard (try? self.fill(until: deadline)) == true else { break }
            }
            return self.buffer.count - before
        }
    }

    /// Waits until the server closes the connection or `timeout` passes, reading (and counting)
    /// whatever it sends meanwhile. The time is measured from `since`.
    func waitForClose(timeout: Duration, since start: ContinuousClock.Instant = .now) async throws -> Ending {
        try await Self.offPool { self.waitForCloseBlocking(timeout: timeout, since: start) }
    }

    func waitForCloseBlocking(timeout: Duration, since start: ContinuousClock.Instant = .now) -> Ending {
        let deadline = start + timeout
        while true {
            switch readSome(until: deadline) {
            case .data: continue
            case .closed: return .closed(after: ContinuousClock.now - start, bytes: buffer.count)
            case .timedOut: return .open
            }
        }
    }

    /// Whether the server has closed the connection by now (without waiting).
    func isClosedByServer() -> Bool {
        var pollFD = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&pollFD, 1, 0) > 0 else { return false }
        var byte: UInt8 = 0
        let peeked = recv(fd, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
        return peeked == 0 || (peeked < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
    }

    func close() {
        guard !isClosed else { return }
        isClosed = true
        _ = Glibc.close(fd)
    }

    /// Everything received and not yet parsed as a response, as text.
    var receivedText: String { String(decoding: buffer, as: UTF8.self) }

    /// Watches `connections` until the server has closed each or `timeout` passes, reading
    /// whatever they receive; every `dripEvery`, the ones `drips` marks are sent one more byte of
    /// `dripByte`. Per connection: how long after its own `started` instant it was closed, or nil
    /// when it was still open at the end. Blocking: call it through `offPool`.
    static func watchClosing(
        _ connections: [RawHTTPConnection], started: [ContinuousClock.Instant], drips: [Bool] = [],
        dripEvery: Duration = .seconds(1), dripByte: UInt8 = UInt8(ascii: "a"), timeout: Duration
    ) -> [Duration?] {
        var closedAfter = [Duration?](repeating: nil, count: connections.count)
        var open = Set(connections.indices)
        let deadline = ContinuousClock.now + timeout
        var nextDrip = ContinuousClock.now + dripEvery
        while !open.isEmpty, ContinuousClock.now < deadline {
            if ContinuousClock.now >= nextDrip {
                for index in open where drips.indices.contains(index) && drips[index] {
                    connections[index].trySendBlocking([dripByte])
                }
                nextDrip = nextDrip + dripEvery
            }
            var pollFDs = open.sorted().map { pollfd(fd: connections[$0].fd, events: Int16(POLLIN), revents: 0) }
            let indices = open.sorted()
            let ready = poll(&pollFDs, nfds_t(pollFDs.count), 20)
            guard ready > 0 else { continue }
            for (slot, pollFD) in pollFDs.enumerated() where pollFD.revents != 0 {
                let index = indices[slot]
                if connections[index].readAvailable() == .closed {
                    closedAfter[index] = ContinuousClock.now - started[index]
                    open.remove(index)
                }
            }
        }
        return closedAfter
    }

    // MARK: Internals

    enum ReadOutcome { case data, closed, timedOut }

    /// Reads what is there without waiting (`timedOut` when nothing is).
    func readAvailable() -> ReadOutcome {
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
        if count > 0 {
            buffer.append(contentsOf: chunk[..<count])
            return .data
        }
        if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) { return .timedOut }
        return .closed
    }

    /// Reads what is there into the buffer, waiting until `deadline` at most.
    func readSome(until deadline: ContinuousClock.Instant) -> ReadOutcome {
        while true {
            let remaining = deadline - ContinuousClock.now
            if remaining <= .zero { return .timedOut }
            let millis = Int32(min(max(remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000, 1), 60_000))
            var pollFD = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pollFD, 1, millis)
            if ready < 0 {
                if errno == EINTR { continue }
                return .closed
            }
            if ready == 0 { continue }
            var chunk = [UInt8](repeating: 0, count: 64 * 1024)
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                buffer.append(contentsOf: chunk[..<count])
                return .data
            }
            if count < 0 && (errno == EINTR || errno == EAGAIN) { continue }
            return .closed
        }
    }

    /// Reads more; false when the server closed. Throws when `deadline` passes.
    private func fill(until deadline: ContinuousClock.Instant) throws -> Bool {
        switch readSome(until: deadline) {
        case .data: return true
        case .closed: return false
        case .timedOut: throw Failure.timedOut("waiting for response bytes (\(buffer.count) buffered)")
        }
    }

    private func take(_ count: Int, until deadline: ContinuousClock.Instant) throws -> [UInt8] {
        while buffer.count < count {
            guard try fill(until: deadline) else { throw Failure.closed("after \(buffer.count) of \(count) body bytes") }
        }
        let bytes = Array(buffer[..<count])
        buffer.removeFirst(count)
        return bytes
    }

    private func line(until deadline: ContinuousClock.Instant) throws -> String {
        while true {
            if let end = Self.find([13, 10], in: buffer) {
                let text = String(decoding: buffer[..<end], as: UTF8.self)
                buffer.removeFirst(end + 2)
                return text
            }
            guard try fill(until: deadline) else { throw Failure.closed("inside a chunked body") }
        }
    }

    private func readChunked(until deadline: ContinuousClock.Instant) throws -> [UInt8] {
        var body: [UInt8] = []
        while true {
            let sizeLine = try line(until: deadline)
            guard let size = Int(sizeLine.split(separator: ";").first.map(String.init)?.trimmingCharacters(in: .whitespaces) ?? "", radix: 16)
            else { throw Failure.malformed("chunk size \(sizeLine.debugDescription)") }
            if size == 0 {
                // Trailers, up to an empty line.
                while try !line(until: deadline).isEmpty {}
                return body
            }
            body += try take(size, until: deadline)
            guard try line(until: deadline).isEmpty else { throw Failure.malformed("chunk of \(size) bytes not followed by CRLF") }
        }
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var index = 0
        while index <= haystack.count - needle.count {
            if haystack[index] == needle[0], haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
