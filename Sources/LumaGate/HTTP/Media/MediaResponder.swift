import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird

/// Serves stored media, from the media folder or the bucket, with one reading of `Range`,
/// `If-Range` and the validators (RFC 9110 §13, §14) for both: a single range is a 206, a range
/// no byte of the file satisfies is a 416 with `Content-Range: bytes */size` and no body, any other
/// `Range` is ignored (a 200 with the whole file). Files from the folder are streamed from disk,
/// objects from the bucket as they arrive; neither is ever held whole. Only a stored regular file
/// is served (a folder, a dot-file such as a render's marker or a symbolic link is a 404), always
/// with `nosniff` and a sandboxing policy, so no stored byte is ever run as a page.
struct MediaResponder: Sendable {
    let store: MediaStore
    private let fileIO = FileIO()

    init(store: MediaStore) {
        self.store = store
    }

    /// What to send, decided from the request's headers and what is known of the file.
    enum Plan: Equatable {
        case notModified
        case unsatisfiable
        case whole
        case part(ClosedRange<Int>)
    }

    /// The stored file of media path `path` as the answer to `request`.
    func response(for path: String, request: Request, context: GatewayRequestContext, type: String? = nil) async throws -> Response {
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
        guard !components.isEmpty, !components.contains(where: { $0.isEmpty || $0.hasPrefix(".") }) else {
            throw GatewayError.notFound("No media file at /media/\(path).")
        }
        var headers = Self.baseHeaders
        headers[.contentType] = type ?? MediaStore.contentType(of: path)
        if let bucket = store.bucket {
            return try await fromBucket(bucket, path: path, request: request, isHead: context.isHead, headers: headers)
        }
        return try await fromFolder(path, request: request, context: context, headers: headers)
    }

    /// Bytes already in memory (a file an upstream keeps, fetched), answered the same way.
    static func response(for data: Data, type: String, request: Request) -> Response {
        var headers = baseHeaders
        headers[.contentType] = type
        switch plan(for: request, size: data.count, etag: nil, lastModified: nil) {
        case .notModified, .whole:
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(data: data)))
        case .unsatisfiable:
            return unsatisfiable(size: data.count, headers: headers)
        case .part(let bounds):
            headers[.contentRange] = "bytes \(bounds.lowerBound)-\(bounds.upperBound)/\(data.count)"
            return Response(
                status: .partialContent, headers: headers,
                body: .init(byteBuffer: ByteBuffer(data: data[bounds.lowerBound...bounds.upperBound])))
        }
    }

    private func fromFolder(_ path: String, request: Request, context: GatewayRequestContext, headers: HTTPFields) async throws -> Response {
        let file = store.absolutePath(path)
        // lstat, not FileManager's attributes (which look up the owner's name): a link is no file.
        var info = stat()
        guard lstat(file, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            throw GatewayError.notFound("No media file at /media/\(path).")
        }
        let size = Int(info.st_size)
        let modifiedMillis = Int64(info.st_mtim.tv_sec) * 1000 + Int64(info.st_mtim.tv_nsec) / 1_000_000
        let etag = "\"\(String(size, radix: 16))-\(String(modifiedMillis, radix: 16))\""
        var headers = headers
        headers[.eTag] = etag
        headers[.lastModified] = HTTPDate.format(epochSeconds: Int64(info.st_mtim.tv_sec))
        let plan = Self.plan(for: request, size: size, etag: etag, lastModified: Date(timeIntervalSince1970: Double(info.st_mtim.tv_sec)))
        let bounds: ClosedRange<Int>
        switch plan {
        case .notModified:
            return Self.notModified(headers)
        case .unsatisfiable:
            return Self.unsatisfiable(size: size, headers: headers)
        case .whole:
            guard size > 0 else { return Response(status: .ok, headers: headers) }
            bounds = 0...(size - 1)
        case .part(let part):
            bounds = part
            headers[.contentRange] = "bytes \(part.lowerBound)-\(part.upperBound)/\(size)"
        }
        headers[.contentLength] = String(bounds.count)
        let status: HTTPResponse.Status = plan == .whole ? .ok : .partialContent
        if context.isHead { return Response(status: status, headers: headers) }
        return Response(status: status, headers: headers, body: try await fileIO.loadFile(path: file, range: bounds, context: context))
    }

    /// A HEAD, and a range that hangs on `If-Range`, are decided on the object's HEAD; a GET passes
    /// its range and validators on, and what comes back is sent only if it is what was asked for.
    private func fromBucket(_ bucket: S3Bucket, path: String, request: Request, isHead: Bool, headers: HTTPFields) async throws -> Response {
        var headers = headers
        var range = ByteRange(header: request.headers[.range])
        if isHead || (range != nil && request.headers[.ifRange] != nil) {
            guard let head = try await Self.fromStore(path, { try await bucket.head(path) }) else {
                throw GatewayError.notFound("No media file at /media/\(path).")
            }
            headers[.eTag] = head.etag
            headers[.lastModified] = head.lastModified
            let plan = Self.plan(for: request, size: head.size, etag: head.etag, lastModified: head.lastModified.flatMap(HTTPDate.parse))
            switch plan {
            case .notModified: return Self.notModified(headers)
            case .unsatisfiable: return Self.unsatisfiable(size: head.size, headers: headers)
            case .whole: range = nil
            case .part(let bounds): range = .closed(first: bounds.lowerBound, last: bounds.upperBound)
            }
            if isHead {
                if let range, let bounds = range.bounds(size: head.size) {
                    headers[.contentRange] = "bytes \(bounds.lowerBound)-\(bounds.upperBound)/\(head.size)"
                    headers[.contentLength] = String(bounds.count)
                    return Response(status: .partialContent, headers: headers)
                }
                headers[.contentLength] = String(head.size)
                return Response(status: .ok, headers: headers)
            }
        }
        var forwarded: [(String, String)] = range.map { [("range", $0.header)] } ?? []
        if request.headers[.ifRange] == nil {
            for name in [HTTPField.Name.ifNoneMatch, .ifModifiedSince] {
                if let value = request.headers[name] { forwarded.append((name.rawName.lowercased(), value)) }
            }
        }
        let upstream = try await Self.fromStore(path) { try await bucket.stream(path, headers: forwarded) }
        headers[.eTag] = upstream.headers.first(name: "etag")
        headers[.lastModified] = upstream.headers.first(name: "last-modified")
        let length = upstream.headers.first(name: "content-length").flatMap { Int($0) }
        switch upstream.status.code {
        case 404:
            throw GatewayError.notFound("No media file at /media/\(path).")
        case 304:
            return Self.notModified(headers)
        case 416:
            // The store's 416 says nothing this response can pass on as it is: its length is its
            // own error document's. The size comes from its Content-Range, or from a HEAD.
            let stated = upstream.headers.first(name: "content-range").flatMap { value in
                value.hasPrefix("bytes */") ? Int(value.dropFirst("bytes */".count)) : nil
            }
            var size = stated
            if size == nil { size = try await Self.fromStore(path, { try await bucket.head(path) })?.size }
            guard let size else { throw GatewayError.notFound("No media file at /media/\(path).") }
            return Self.unsatisfiable(size: size, headers: headers)
        case 200 where length != nil:
            headers[.contentLength] = String(length!)
            return Response(status: .ok, headers: headers, body: ResponseBody(asyncSequence: upstream.body))
        case 206:
            guard let range, let length, let stated = upstream.headers.first(name: "content-range").flatMap(ByteRange.contentRange),
                range.bounds(size: stated.size) == stated.bounds, stated.bounds.count == length
            else { throw Self.unavailable(path) }
            headers[.contentRange] = "bytes \(stated.bounds.lowerBound)-\(stated.bounds.upperBound)/\(stated.size)"
            headers[.contentLength] = String(length)
            return Response(status: .partialContent, headers: headers, body: ResponseBody(asyncSequence: upstream.body))
        default:
            throw Self.unavailable(path)
        }
    }

    /// What to send for `request` of a file `size` bytes long with these validators.
    static func plan(for request: Request, size: Int, etag: String?, lastModified: Date?) -> Plan {
        if let ifNoneMatch = request.headers[.ifNoneMatch] {
            if let etag, ifNoneMatch == "*" || entityTags(ifNoneMatch).contains(where: { weakTag($0) == weakTag(etag) }) {
                return .notModified
            }
        } else if let since = request.headers[.ifModifiedSince].flatMap(HTTPDate.parse), let lastModified,
            Int64(lastModified.timeIntervalSince1970) <= Int64(since.timeIntervalSince1970)
        {
            return .notModified
        }
        guard let range = ByteRange(header: request.headers[.range]) else { return .whole }
        if let ifRange = request.headers[.ifRange], !ifRangeHolds(ifRange, etag: etag, lastModified: lastModified) { return .whole }
        guard let bounds = range.bounds(size: size) else { return .unsatisfiable }
        return .part(bounds)
    }

    /// §13.1.5: a strong entity tag equal to the current one, or exactly the current date.
    private static func ifRangeHolds(_ value: String, etag: String?, lastModified: Date?) -> Bool {
        if value.hasPrefix("\"") { return etag == value }
        if value.hasPrefix("W/") { return false }
        guard let date = HTTPDate.parse(value), let lastModified else { return false }
        return Int64(date.timeIntervalSince1970) == Int64(lastModified.timeIntervalSince1970)
    }

    private static func entityTags(_ list: String) -> [Substring] {
        list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces)[...] }
    }

    private static func weakTag<S: StringProtocol>(_ tag: S) -> S.SubSequence {
        tag.hasPrefix("W/") ? tag.dropFirst(2) : tag[...]
    }

    private static let baseHeaders: HTTPFields = [
        .acceptRanges: "bytes", .init("X-Content-Type-Options")!: "nosniff", .contentSecurityPolicy: "default-src 'none'; sandbox",
    ]

    private static func notModified(_ headers: HTTPFields) -> Response {
        var headers = headers
        headers[.contentType] = nil
        return Response(status: .notModified, headers: headers)
    }

    private static func unsatisfiable(size: Int, headers: HTTPFields) -> Response {
        var headers = headers
        headers[.contentRange] = "bytes */\(size)"
        headers[.contentType] = nil
        return Response(status: .rangeNotSatisfiable, headers: headers)
    }

    private static func fromStore<T>(_ path: String, _ call: () async throws -> T) async throws -> T {
        do {
            return try await call()
        } catch {
            throw unavailable(path)
        }
    }

    private static func unavailable(_ path: String) -> GatewayError {
        GatewayError(status: .badGateway, code: "media_unavailable", detail: "The media store did not deliver \(path); try again later.")
    }
}
