import Foundation
import NIOHTTP1
import Testing

/// Bearer auth on every `/luma` route, and tokens that only ever see their own tasks.
@Suite struct LumaAuthTests {
    static let routes: [(String, String)] = [
        ("POST", "/luma/generations"), ("GET", "/luma/generations"), ("GET", "/luma/generations/ID"),
        ("POST", "/luma/generations/ID/extend"), ("GET", "/luma/generations/ID/download_video_url"),
        ("GET", "/luma/generations/ID/events"), ("POST", "/luma/generations/file_upload"), ("POST", "/luma/tasks"),
    ]

    @Test func everyRouteRequiresAValidActiveToken() async throws {
        try await TestGateway.with(configure: { $0.runsPoller = false }) { gateway in
            let token = try await gateway.createToken("to-revoke")
            let id = try await gateway.submit(token: token, #"{"user_prompt": "x"}"#)["id"] as! String
            _ = try await gateway.gateway.tokens.revoke("to-revoke")

            let cases: [(headers: [(String, String)], status: Int, code: String)] = [
                ([], 401, "unauthorized"),
                ([("Authorization", "Basic dXNlcjpwYXNz")], 401, "unauthorized"),
                ([("Authorization", "Bearer")], 401, "unauthorized"),
                ([("Authorization", "Bearer lg_not-a-real-token")], 401, "unauthorized"),
                ([("Authorization", "Bearer \(token)")], 403, "token_disabled"),
            ]
            for (method, path) in Self.routes {
                for (headers, status, code) in cases {
                    let reply = try await gateway.request(
                        method == "GET" ? .GET : .POST, path.replacingOccurrences(of: "ID", with: id),
                        json: method == "POST" ? #"{"user_prompt": "x"}"# : nil, headers: headers)
                    #expect(reply.status == status, "\(method) \(path) with \(headers): \(reply.text)")
                    #expect(reply.object["code"] as? String == code)
                    #expect(!(reply.object["detail"] as? String ?? "").isEmpty)
                    #expect(!reply.text.contains(token))
                }
            }
        }
    }

    @Test func anotherTokensTaskIsIndistinguishableFromAnUnknownOne() async throws {
        try await TestGateway.with(configure: { $0.runsPoller = false }) { gateway in
            let owner = try await gateway.createToken()
            let stranger = try await gateway.createToken()
            let id = try await gateway.submit(token: owner, #"{"user_prompt": "mine"}"#)["id"] as! String
            let unknown = UUID().uuidString.lowercased()

            for target in [id, unknown, "not-a-uuid"] {
                let query = try await gateway.request(.GET, "/luma/generations/\(target)", token: stranger)
                #expect(query.status == 404)
                #expect(query.object["code"] as? String == "not_found")
                let extend = try await gateway.request(.POST, "/luma/generations/\(target)/extend", token: stranger, json: #"{"user_prompt": "y"}"#)
                #expect(extend.status == 404)
                let download = try await gateway.request(.GET, "/luma/generations/\(target)/download_video_url", token: stranger)
                #expect(download.status == 404)
            }
            let foreignDetail = try await gateway.request(.GET, "/luma/generations/\(id)", token: stranger).object["detail"] as? String
            let unknownDetail = try await gateway.request(.GET, "/luma/generations/\(unknown)", token: stranger).object["detail"] as? String
            #expect(foreignDetail?.replacingOccurrences(of: id, with: "ID") == unknownDetail?.replacingOccurrences(of: unknown, with: "ID"))

            let batch = try await gateway.request(.POST, "/luma/tasks", token: stranger, json: #"{"ids": ["\#(id)"]}"#)
            #expect(batch.status == 200)
            #expect(batch.array.isEmpty)
            let list = try await gateway.request(.GET, "/luma/generations", token: stranger)
            #expect(list.array.isEmpty)
            #expect(try await gateway.request(.GET, "/luma/generations/\(id)", token: owner).status == 200)
        }
    }

    @Test func unknownRoutesAndMethodsAnswerInTheErrorShape() async throws {
        try await TestGateway.with(configure: { $0.runsPoller = false }) { gateway in
            let missing = try await gateway.request(.GET, "/nothing/here")
            #expect(missing.status == 404)
            #expect(missing.object["code"] as? String == "not_found")
            let health = try await gateway.request(.GET, "/healthz")
            #expect(health.status == 200)
            #expect(health.object["status"] as? String == "ok")

            // A known path with a method it does not answer: 405, naming the methods it does.
            let token = try await gateway.createToken()
            for (method, path, allow) in [
                (HTTPMethod.PUT, "/luma/generations", "GET, POST"),
                (.DELETE, "/luma/generations/3f0c-any-id", "GET"),
                (.PATCH, "/dream-machine/v1/generations/any-id", "DELETE, GET"),
                (.GET, "/dream-machine/v1/generations/video", "POST"),
                (.OPTIONS, "/luma/generations/file_upload", "POST"),
                (.POST, "/healthz", "GET"),
            ] {
                let refused = try await gateway.request(method, path, token: token)
                #expect(refused.status == 405, "\(method) \(path)")
                #expect(refused.object["code"] as? String == "method_not_allowed")
                #expect(refused.header("allow") == allow, "\(method) \(path)")
            }
            let deeper = try await gateway.request(.GET, "/luma/generations/id/unknown-part", token: token)
            #expect(deeper.status == 404, "a longer path than any route is unknown, not a wrong method")
        }
    }
}
