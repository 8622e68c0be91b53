import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// One bucket (and a key prefix in it) of an S3-compatible store, spoken to over its REST API
/// with Signature V4: AWS itself by virtual host, any other endpoint (MinIO, Ceph, R2, moto)
/// path-style. Bodies are hashed and signed in full; a file larger than one part goes up as a
/// multipart upload, which the store shows only once complete, so an upload cut short leaves no
/// object at all.
public struct S3Bucket: Sendable {
    public struct Location: Sendable, Equatable {
        public var bucket: String
        /// Keys are `<prefix>/<media path>`; empty for the bucket's root.
        public var prefix: String
        /// Nil for AWS; otherwise the store's base URL, addressed path-style.
        public var endpoint: String?
        public var region: String

        public init(bucket: String, prefix: String = "", endpoint: String? = nil, region: String = "us-east-1") {
            self.bucket = bucket
            self.prefix = prefix
            self.endpoint = endpoint
            self.region = region
        }

        /// Reads `s3://BUCKET[/PREFIX]`; nil for anything else.
        public init?(url: String, endpoint: String?, region: String) {
            guard url.hasPrefix("s3://") else { return nil }
            let rest = url.dropFirst("s3://".count).split(separator: "/", omittingEmptySubsequences: true)
            guard let bucket = rest.first, !bucket.isEmpty else { return nil }
            self.init(bucket: String(bucket), prefix: rest.dropFirst().joined(separator: "/"), endpoint: endpoint, region: region)
        }

        public var description: String {
            "s3://\(bucket)\(prefix.isEmpty ? "" : "/" + prefix)" + (endpoint.map { " at \($0)" } ?? "")
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public var status: Int
        public var code: String
        public var message: String
        public var description: String { "the bucket answered \(status) \(code): \(message)" }
    }

    public struct Head: Sendable {
        public var size: Int
        public var contentType: String?
        public var lastModified: String?
        public var etag: String?
    }

    public let location: Location
    let signer: S3Signer
    let httpClient: HTTPClient
    /// Files up to this size go up in one PUT; larger ones in parts of this size.
    let partBytes: Int
    let timeout: Duration

    public init(
        location: Location, credentials: S3Signer.Credentials, httpClient: HTTPClient, partBytes: Int = 16 * 1024 * 1024,
        timeout: Duration = .seconds(120)
    ) {
        self.location = location
        self.signer = S3Signer(credentials: credentials, region: location.region)
        self.httpClient = httpClient
        self.partBytes = max(partBytes, 5 * 1024 * 1024)
        self.timeout = timeout
    }

    /// The object key of a media path.
    public func key(_ path: String) -> String {
        location.prefix.isEmpty ? path : location.prefix + "/" + path
    }

    /// Uploads the file at `file` as the object of media path `path`.
    public func upload(file: String, as path: String, contentType: String) async throws {
        guard let handle = FileHandle(forReadingAtPath: file) else { throw CocoaError(.fileNoSuchFile) }
        defer { try? handle.close() }
        let first = try handle.read(upToCount: partBytes) ?? Data()
        if first.count < partBytes {
            _ = try await send("PUT", path, headers: [("content-type", contentType)], body: first)
            return
        }
        let created = try await send("POST", path, query: [("uploads", "")], headers: [("content-type", contentType)])
        guard let uploadID = Self.element("UploadId", in: created.body) else {
            throw Failure(status: created.status, code: "NoUploadId", message: "no UploadId in the answer to CreateMultipartUpload")
        }
        do {
            var parts: [String] = []
            var part = first
            while !part.isEmpty {
                let number = parts.count + 1
                let answer = try await send("PUT", path, query: [("partNumber", String(number)), ("uploadId", uploadID)], body: part)
                guard let etag = answer.headers.first(name: "etag") else {
                    throw Failure(status: answer.status, code: "NoETag", message: "no ETag for part \(number)")
                }
                parts.append("<Part><PartNumber>\(number)</PartNumber><ETag>\(Self.escaped(etag))</ETag></Part>")
                part = try handle.read(upToCount: partBytes) ?? Data()
            }
            let manifest = "<CompleteMultipartUpload>\(parts.joined())</CompleteMultipartUpload>"
            let completed = try await send(
                "POST", path, query: [("uploadId", uploadID)], headers: [("content-type", "application/xml")],
                body: Data(manifest.utf8))
            // S3 may answer 200 and still have failed: the error is then in the body.
            if let code = Self.element("Code", in: completed.body) {
                throw Failure(status: completed.status, code: code, message: Self.element("Message", in: completed.body) ?? "")
            }
        } catch {
            _ = try? await send("DELETE", path, query: [("uploadId", uploadID)])
            throw error
        }
    }

    /// Stores a small object from memory.
    public func put(_ data: Data, as path: String, contentType: String) async throws {
        _ = try await send("PUT", path, headers: [("content-type", contentType)], body: data)
    }

    /// The object's size and type, or nil when there is none.
    public func head(_ path: String) async throws -> Head? {
        let answer = try await send("HEAD", path, accepting: [404])
        guard answer.status != 404 else { return nil }
        return Head(
            size: answer.headers.first(name: "content-length").flatMap(Int.init) ?? 0,
            contentType: answer.headers.first(name: "content-type"), lastModified: answer.headers.first(name: "last-modified"),
            etag: answer.headers.first(name: "etag"))
    }

    /// A small object's bytes, or nil when there is none.
    public func read(_ path: String, maxBytes: Int = 1024 * 1024) async throws -> Data? {
        let answer = try await send("GET", path, accepting: [404], maxBytes: maxBytes)
        return answer.status == 404 ? nil : answer.body
    }

    /// Streams the object into a new file at `file`; false when there is no such object.
    public func download(_ path: String, to file: String) async throws -> Bool {
        let response = try await stream(path)
        guard response.status.code != 404 else { return false }
        guard FileManager.default.createFile(atPath: file, contents: nil), let handle = FileHandle(forWritingAtPath: file) else {
            throw CocoaError(.fileWriteUnknown)
        }
        defer { try? handle.close() }
        for try await chunk in response.body {
            try handle.write(contentsOf: chunk.readableBytesView)
        }
        return true
    }

    /// The object's GET response as it comes (a `range` such as `bytes=0-99` passed on), for
    /// streaming to a client; a status other than 200, 206, 304, 404 or 416 throws.
    public func stream(_ path: String, headers extra: [(String, String)] = []) async throws -> HTTPClientResponse {
        let request = try request("GET", path, query: [], headers: extra, body: Data())
        let response = try await httpClient.execute(request, timeout: .init(timeout))
        guard [200, 206, 304, 404, 416].contains(response.status.code) else {
            let body = (try? await response.body.collect(upTo: 64 * 1024)).map { Data(buffer: $0) } ?? Data()
            throw Self.failure(status: Int(response.status.code), body: body)
        }
        return response
    }

    /// Removes the object of `path`; removing one that is not there is no error.
    public func delete(_ path: String) async throws {
        _ = try await send("DELETE", path, accepting: [404])
    }

    /// The media paths under `folder` (a path prefix), a page at a time: nil `after` starts.
    public func list(under folder: String, after continuation: String? = nil) async throws -> (paths: [String], next: String?) {
        var query = [("list-type", "2"), ("prefix", key(folder))]
        if let continuation { query.append(("continuation-token", continuation)) }
        let answer = try await send("GET", nil, query: query, maxBytes: 16 * 1024 * 1024)
        let body = String(decoding: answer.body, as: UTF8.self)
        let keys = body.components(separatedBy: "<Key>").dropFirst().compactMap { $0.components(separatedBy: "</Key>").first }
            .map(Self.unescaped)
        let dropped = location.prefix.isEmpty ? 0 : location.prefix.count + 1
        let truncated = Self.element("IsTruncated", in: answer.body) == "true"
        return (keys.map { String($0.dropFirst(dropped)) }, truncated ? Self.element("NextContinuationToken", in: answer.body) : nil)
    }

    /// A URL that GETs the object of `path` without credentials, valid for `expires` seconds
    /// from `date`.
    public func presignedURL(_ path: String, expires: Int, date: Date) -> String {
        let (base, host, canonicalPath) = address(path)
        return base + canonicalPath + "?" + signer.presignedQuery(method: "GET", host: host, path: canonicalPath, expires: expires, date: date)
    }

    // MARK: - Requests

    struct Answer {
        var status: Int
        var headers: HTTPHeaders
        var body: Data
    }

    /// `path` nil addresses the bucket itself.
    private func send(
        _ method: String, _ path: String?, query: [(String, String)] = [], headers: [(String, String)] = [],
        body: Data = Data(), accepting: Set<Int> = [], maxBytes: Int = 1024 * 1024
    ) async throws -> Answer {
        let request = try request(method, path, query: query, headers: headers, body: body)
        let response = try await httpClient.execute(request, timeout: .init(timeout))
        let bytes = try await response.body.collect(upTo: maxBytes)
        let answer = Answer(status: Int(response.status.code), headers: response.headers, body: Data(buffer: bytes))
        guard (200..<300).contains(answer.status) || accepting.contains(answer.status) else {
            throw Self.failure(status: answer.status, body: answer.body)
        }
        return answer
    }

    private func request(
        _ method: String, _ path: String?, query: [(String, String)], headers: [(String, String)], body: Data
    ) throws
        -> HTTPClientRequest
    {
        let (base, host, canonicalPath) = path.map(address) ?? bucketAddress()
        var signed = headers + [("host", host)]
        if method == "PUT" || method == "POST" { signed.append(("content-length", String(body.count))) }
        signed += signer.sign(
            method: method, path: canonicalPath, query: query, headers: signed, payloadHash: S3Signer.sha256Hex(body),
            date: Date())
        let queryString = query.isEmpty ? "" : "?" + S3Signer.canonicalQuery(query)
        var request = HTTPClientRequest(url: base + canonicalPath + queryString)
        request.method = HTTPMethod(rawValue: method)
        for (name, value) in signed where name != "content-length" { request.headers.add(name: name, value: value) }
        if method == "PUT" || method == "POST" {
            request.body = .bytes(ByteBuffer(data: body))
        }
        return request
    }

    /// Base URL (scheme and authority), the `Host` value and the encoded path of a media path.
    private func address(_ path: String) -> (String, String, String) {
        let (base, host, bucketPath) = bucketAddress()
        return (base, host, (bucketPath == "/" ? "" : bucketPath) + "/" + S3Signer.encodePath(key(path)))
    }

    private func bucketAddress() -> (String, String, String) {
        if let endpoint = location.endpoint, let url = URL(string: endpoint), let scheme = url.scheme, let host = url.host {
            let authority = host + (url.port.map { ":\($0)" } ?? "")
            let base = (url.path.isEmpty || url.path == "/") ? "" : url.path
            return ("\(scheme)://\(authority)", authority, base + "/" + S3Signer.encodePath(location.bucket))
        }
        let host = "\(location.bucket).s3.\(location.region).amazonaws.com"
        return ("https://" + host, host, "/")
    }

    private static func failure(status: Int, body: Data) -> Failure {
        Failure(status: status, code: element("Code", in: body) ?? "HTTP\(status)", message: element("Message", in: body) ?? "")
    }

    /// The text of the first `<name>` element of an S3 XML answer (flat, so no XML parser).
    static func element(_ name: String, in body: Data) -> String? {
        let text = String(decoding: body, as: UTF8.self)
        guard let start = text.range(of: "<\(name)>"), let end = text.range(of: "</\(name)>", range: start.upperBound..<text.endIndex) else {
            return nil
        }
        return unescaped(String(text[start.upperBound..<end.lowerBound]))
    }

    private static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    private static func unescaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
    }
}
