import Foundation
import HTTPTypes
import Hummingbird
@testable import LumaGate
import PropertyBased
import Testing

/// Every parser of client bytes takes time linear in its input, whatever the input: each is fed a
/// body made of one short motif repeated (the shapes that make a naive parser rescan, such as
/// `--x` without a line break for multipart), generated from the bytes each format gives meaning
/// to, at one size and at eight times it. A linear parser takes about 8× as long, a quadratic one
/// 64×; the bound is 24× (noise on a shared machine), or a floor below which time says nothing.
/// And no input crashes a parser: the test process would die.
@Suite(.serialized) struct ParserLinearityTests {
    /// The bytes the formats read give meaning to, and a few they must refuse.
    static let alphabet: [UInt8] = Array("-x\r\n:;=\"{}[],\\ u0aAbytes".utf8) + [0x00, 0x80, 0xC3, 0xFF]
    static let motifs = Gen<UInt8?>.element(of: alphabet).array(of: 1...12)
    static let growth = 8
    static let allowedRatio = 24.0
    /// Below this the large input's time is noise, whatever the ratio.
    static let floorSeconds = 0.05

    @Test func multipartBodiesParseInLinearTime() async {
        await propertyCheck(count: 12, input: Self.motifs) { motif in
            let bytes = motif.compactMap { $0 }
            // The boundary the request declares is made of the motif's own bytes, so the body is
            // full of boundaries and near-boundaries.
            let boundary = String(
                decoding: bytes.filter { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: ";") }, as: UTF8.self)
            await Self.expectLinear("multipart, motif \(bytes)", unit: 64 * 1024, motif: bytes) { body in
                let request = Self.request(body, contentType: "multipart/form-data; boundary=\(boundary.isEmpty ? "x" : boundary)")
                _ = try? await MultipartForm.read(request, maxBytes: 64 * 1024 * 1024)
            }
        }
        // The reviewer's body: boundaries with no line break, 12 s at 200 KB before.
        await Self.expectLinear("multipart, --x", unit: 64 * 1024, motif: Array("--x".utf8)) { body in
            _ = try? await MultipartForm.read(Self.request(body, contentType: "multipart/form-data; boundary=x"), maxBytes: 64 * 1024 * 1024)
        }
    }

    @Test func jsonBodiesAndTheBatchScannerReadInLinearTime() async {
        let intake = JSONRequestBody(maxBytes: 64 * 1024 * 1024)
        await propertyCheck(count: 12, input: Self.motifs) { motif in
            let bytes = motif.compactMap { $0 }
            await Self.expectLinear("JSON submit, motif \(bytes)", unit: 64 * 1024, motif: bytes, prefix: Array(#"{"user_prompt": "#.utf8)) { body in
                _ = try? await intake.decode(LumaSubmitBody.self, from: Self.request(body, contentType: "application/json"))
            }
            await Self.expectLinear("batch, motif \(bytes)", unit: 64 * 1024, motif: bytes, prefix: Array(#"{"ids": ["#.utf8)) { body in
                _ = body.withUnsafeBytes { LumaBatchBody.scan($0) }
            }
        }
        // Nesting, the shape a recursive reader pays for twice.
        await Self.expectLinear("JSON nesting", unit: 16 * 1024, motif: Array("[".utf8)) { body in
            _ = try? await intake.decode(LumaSubmitBody.self, from: Self.request(body, contentType: "application/json"))
        }
    }

    @Test func rangeHeadersAndMediaHeadersReadInLinearTime() async {
        await propertyCheck(count: 12, input: Self.motifs) { motif in
            let bytes = motif.compactMap { $0 }
            // Header values are bounded by the HTTP decoder (80 KiB); this is past it.
            await Self.expectLinear("Range, motif \(bytes)", unit: 16 * 1024, motif: bytes, prefix: Array("bytes=".utf8)) { body in
                _ = ByteRange(header: String(decoding: body, as: UTF8.self))
            }
            await Self.expectLinear(
                "image headers, motif \(bytes)", unit: 64 * 1024, motif: bytes,
                prefix: [0xFF, 0xD8, 0xFF, 0xE0]
            ) { body in
                _ = ImageProbe.size(of: body)
            }
        }
        // MP4 boxes: thousands of empty boxes in a row, and boxes nested in boxes.
        let emptyBox: [UInt8] = [0, 0, 0, 8] + Array("free".utf8)
        await Self.expectLinear("MP4 boxes", unit: 64 * 1024, motif: emptyBox) { body in
            _ = MP4Probe.probe(body)
        }
        let moov: [UInt8] = [0x7F, 0xFF, 0xFF, 0xFF] + Array("moov".utf8)
        await Self.expectLinear("MP4 nesting", unit: 64 * 1024, motif: moov) { body in
            _ = MP4Probe.probe(body)
        }
    }

    // MARK: -

    /// Times `parse` on `motif` repeated to `unit` bytes and to `growth` times that, after
    /// `prefix`, and expects the time to grow at most `allowedRatio`-fold.
    static func expectLinear(
        _ name: String, unit: Int, motif: [UInt8], prefix: [UInt8] = [],
        sourceLocation: SourceLocation = #_sourceLocation, _ parse: (Data) async -> Void
    ) async {
        guard !motif.isEmpty else { return }
        func body(_ size: Int) -> Data {
            var bytes = prefix
            bytes.reserveCapacity(size + motif.count)
            while bytes.count < size { bytes += motif }
            return Data(bytes)
        }
        let (small, large) = (body(unit), body(unit * growth))
        let smallTime = await fastest(of: 3) { await parse(small) }
        let largeTime = await fastest(of: 3) { await parse(large) }
        #expect(
            largeTime <= max(smallTime * allowedRatio, floorSeconds),
            "\(name): \(small.count) bytes took \(smallTime) s, \(large.count) bytes \(largeTime) s", sourceLocation: sourceLocation)
    }

    /// The least of `runs` timings: a stall of the machine in one run is not the parser's.
    static func fastest(of runs: Int, _ work: () async -> Void) async -> Double {
        var best = Double.infinity
        for _ in 0..<runs {
            let started = ContinuousClock.now
            await work()
            let elapsed = ContinuousClock.now - started
            best = min(best, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        }
        return best
    }

    static func request(_ body: Data, contentType: String) -> Request {
        let head = HTTPRequest(method: .post, scheme: "http", authority: "127.0.0.1", path: "/", headerFields: [.contentType: contentType])
        return Request(head: head, body: RequestBody(buffer: ByteBuffer(data: body)))
    }
}
