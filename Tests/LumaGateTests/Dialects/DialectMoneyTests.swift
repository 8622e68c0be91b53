import Foundation
import Testing

@testable import LumaGate

/// The dialects move money as every face does: each task charged once at the create, a failed
/// one refunded once, and a create the token cannot pay for refused in the dialect's own shape
/// with nothing stored or charged.
@Suite struct DialectMoneyTests {
    @Test func eachDialectChargesOnceAndRefundsAFailedVideo() async throws {
        try await TestGateway.with { gateway in
            let name = "dialect-money-\(UUID().uuidString.prefix(8))"
            let key = try await gateway.createToken(name)
            var ids: [String] = []
            for prompt in ["made on PiAPI", "sandbox:fail on PiAPI"] {
                let created = try await gateway.request(
                    .POST, "/api/v1/task", json: #"{"model": "luma", "task_type": "video_generation", "input": {"prompt": "\#(prompt)"}}"#,
                    headers: [("x-api-key", key)])
                ids.append(try #require((created.object["data"] as? [String: Any])?["task_id"] as? String, "\(created.text)"))
            }
            // AceDataCloud's waiting create answers the finished video, a failed one included.
            for (prompt, success) in [("made on AceDataCloud", true), ("sandbox:fail on AceDataCloud", false)] {
                let video = try await gateway.request(.POST, "/luma/videos", token: key, json: #"{"prompt": "\#(prompt)"}"#)
                #expect(video.status == 200 && video.object["success"] as? Bool == success, "\(video.text)")
                ids.append(try #require(video.object["task_id"] as? String))
            }
            for id in ids { _ = try await PiAPIDialectTests.finished(gateway, id, key: key) }
            let audit = try await LedgerAudit.read(gateway.gateway.database, token: name, limit: 10)
            audit.expectBalanced(taskCount: 4)
            #expect(audit.completed.count == 2 && audit.failed.allSatisfy { $0.request.prompt.hasPrefix("sandbox:fail") })
        }
    }

    @Test func aCreateTheTokenCannotPayForIsRefusedAndChargesNothing() async throws {
        try await TestGateway.with(configure: { $0.runsPoller = false }) { gateway in
            let name = "dialect-poor-\(UUID().uuidString.prefix(8))"
            let key = try await gateway.gateway.tokens.create(name: name, quota: 1).secret
            let piapi = try await gateway.request(
                .POST, "/api/v1/task", json: #"{"model": "luma", "task_type": "video_generation", "input": {"prompt": "too dear"}}"#,
                headers: [("x-api-key", key)])
            #expect(piapi.status == 402 && piapi.object["code"] as? Int == 402 && piapi.object["data"] is NSNull, "\(piapi.text)")
            let ace = try await gateway.request(.POST, "/luma/videos", token: key, json: #"{"prompt": "too dear", "async": true}"#)
            let error = ace.object["error"] as? [String: Any]
            #expect(ace.status == 402 && ace.object["success"] as? Bool == false && error?["code"] as? String == "used_up", "\(ace.text)")
            let audit = try await LedgerAudit.read(gateway.gateway.database, token: name, limit: 10)
            #expect(audit.tasks.isEmpty && audit.ledger.isEmpty && audit.used == 0, "nothing stored or charged")
        }
    }
}
