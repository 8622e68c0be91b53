import Foundation
import Testing

/// Every response carries a request id, the client's when it sent a usable one, and the logs
/// carry it too (as JSON lines with `--log-format json`).
@Suite struct RequestIDTests {
    @Test func theClientsIdIsEchoedAndAMissingOrUnusableOneReplaced() async throws {
        try await TestGateway.with(configure: { $0.runsPoller = false }) { gateway in
            let echoed = try await gateway.request(.GET, "/healthz", headers: [("X-Request-Id", "trace-42.a")])
            #expect(echoed.header("x-request-id") == "trace-42.a")
            let made = try #require(try await gateway.request(.GET, "/luma/generations").header("x-request-id"))
            #expect(UUID(uuidString: made) != nil, "an error response gets one too: \(made)")
            for unusable in ["has space", String(repeating: "x", count: 129), "ünïcode"] {
                let replaced = try #require(try await gateway.request(.GET, "/healthz", headers: [("X-Request-Id", unusable)]).header("x-request-id"))
                #expect(UUID(uuidString: replaced) != nil, "\(unusable)")
            }
        }
    }

    @Test func jsonLogLinesCarryTheRequestId() async throws {
        let directory = TestGateway.temporaryDirectory()
        let server = try await ServeProcess.start(dataDirectory: directory, extraArguments: ["--log-format", "json"])
        defer { server.stop() }
        _ = try await TestGateway.request(.GET, server.baseURL + "/healthz", headers: [("X-Request-Id", "json-trace-7")])
        var line: [String: Any]?
        for _ in 0..<50 where line == nil {
            try await Task.sleep(for: .milliseconds(50))
            line = server.output.split(separator: "\n").compactMap {
                (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
            }.first { $0["request_id"] as? String == "json-trace-7" }
        }
        let entry = try #require(line, "\(server.output)")
        #expect((entry["message"] as? String)?.hasPrefix("GET /healthz 200 ") == true)
        #expect(entry["level"] as? String == "info" && entry["label"] as? String == "lumagate")
        #expect((entry["time"] as? String)?.hasSuffix("Z") == true)
        let invalid = try await ServeProcess.command(["serve", "--log-format", "xml", "--data-dir", directory])
        #expect(invalid.status != 0 && invalid.output.contains("--log-format must be text or json"))
    }
}
