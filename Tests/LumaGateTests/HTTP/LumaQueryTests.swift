import Foundation
import Testing

/// Batch query and list: the caller's own tasks only, in the documented order and bounds.
@Suite struct LumaQueryTests {
    @Test func batchAnswersOwnTasksInTheOrderAskedAndLeavesOutUnknownIds() async throws {
        try await TestGateway.with(configure: { $0.runsPoller = false }) { gateway in
            let token = try await gateway.createToken()
            var ids: [String] = []
            for index in 0..<3 {
                ids.append(try await gateway.submit(token: token, #"{"user_prompt": "task \#(index)"}"#)["id"] as! String)
            }
            let asked = [ids[2], UUID().uuidString.lowercased(), ids[0], "garbage", ids[1]]
            let reply = try await gateway.request(.POST, "/luma/tasks", token: token, json: #"{"ids": \#(jsonArray(asked))}"#)
            #expect(reply.status == 200)
            #expect(reply.array.map { $0["id"] as? String } == [ids[2], ids[0], ids[1]])
            #expect(reply.array.allSatisfy { $0["state"] as? String == "pending" })

            let empty = try await gateway.request(.POST, "/luma/tasks", token: token, json: #"{"ids": []}"#)
            #expect(empty.status == 200)
            #expect(empty.array.isEmpty)
        }
    }

    @Test func concurrentQueriesEachGetTheirOwnTaskAndNeverAnotherTokens() async throws {
        try await TestGateway.with(configure: { $0.runsPoller = false }) { gateway in
            let alice = try await gateway.createToken()
            let bob = try await gateway.createToken()
            var owned: [(token: String, id: String)] = []
            for index in 0..<20 {
                let token = index.isMultiple(of: 2) ? alice : bob
                owned.append((token, try await gateway.submit(token: token, #"{"user_prompt": "task \#(index)"}"#)["id"] as! String))
            }
            // 400 queries at once, half of them for the other token's task: coalesced reads must
            // still answer each request for its own id and owner.
            let mismatches = try await withThrowingTaskGroup(of: String?.self) { group in
                for round in 0..<20 {
                    for (index, (token, id)) in owned.enumerated() {
                        let asker = round.isMultiple(of: 2) ? token : (token == alice ? bob : alice)
                        group.addTask {
                            let reply = try await gateway.request(.GET, "/luma/generations/\(id)", token: asker)
                            let expected = asker == token ? 200 : 404
                            if reply.status != expected { return "\(index): \(reply.status) instead of \(expected)" }
                            if expected == 200, reply.object["id"] as? String != id { return "\(index): answered with another task" }
                            return nil
                        }
                    }
                }
                return try await group.reduce(into: [String]()) { if let problem = $1 { $0.append(problem) } }
            }
            #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
        }
    }

    @Test func mediaLinksFollowTheConfiguredPublicURL() async throws {
        try await TestGateway.with(configure: {
            $0.runsPoller = false
            $0.publicURL = "https://videos.example.test/gw/"
        }) { gateway in
            let token = try await gateway.createToken()
            let id = try await gateway.submit(token: token, #"{"user_prompt": "x", "image_url": "\#(try Fixtures.pngDataURI())"}"#)["id"] as! String
            let task = try await gateway.request(.GET, "/luma/generations/\(id)", token: token).object
            let imageURL = (task["request"] as? [String: Any])?["image_url"] as? String ?? ""
            #expect(imageURL.hasPrefix("https://videos.example.test/gw/media/uploads/"), "\(imageURL)")
        }
    }

    /// The plain `{"ids": [...]}` body is read by a scanner (`LumaBatchBody.scan`) and any other
    /// spelling by `JSONDecoder`: both must mean the same, and a near miss of the plain shape
    /// must get the decoder's answer.
    @Test func batchBodiesMeanTheSameHoweverTheyAreWritten() async throws {
        try await TestGateway.with(configure: { $0.runsPoller = false }) { gateway in
            let token = try await gateway.createToken()
            let id = try await gateway.submit(token: token, #"{"user_prompt": "one"}"#)["id"] as! String
            let escaped = id.unicodeScalars.map { String(format: "\\u%04x", $0.value) }.joined()
            let same = [
                #"{"ids":["\#(id)"]}"#,
                " \n{ \"ids\"\t:\r[ \"\(id)\" ] }\n",
                #"{"ids": ["\#(escaped)"]}"#,
                #"{"ids": ["\#(id)"], "other": 1}"#,
                #"{"other": null, "ids": ["\#(id)"]}"#,
                // Foundation's decoder takes a trailing comma; the scanner leaves it to it.
                #"{"ids": ["\#(id)",]}"#,
            ]
            for body in same {
                let reply = try await gateway.request(.POST, "/luma/tasks", token: token, json: body)
                #expect(reply.status == 200, "\(body): \(reply.text)")
                #expect(reply.array.map { $0["id"] as? String } == [id], "\(body)")
            }
            let unknown = try await gateway.request(.POST, "/luma/tasks", token: token, json: #"{"ids": ["\#(id)\n", "é"]}"#)
            #expect(unknown.status == 200 && unknown.array.isEmpty, "\(unknown.text)")
            let wrong: [(String, String)] = [
                (#"{"ids": ["\#(id)"]} []"#, "not valid JSON"),
                (#"{"ids": ["\#(id)" "x"]}"#, "not valid JSON"),
                (#"{"ids": ["\#(id)", null]}"#, "`ids[1]` must be a string"),
                (#"{"ids": ["\#(id)"#, "not valid JSON"),
            ]
            for (body, mention) in wrong {
                let reply = try await gateway.request(.POST, "/luma/tasks", token: token, json: body)
                #expect(reply.status == 400, "\(body): \(reply.text)")
                #expect((reply.object["detail"] as? String ?? "").contains(mention), "\(body): \(reply.text)")
            }
        }
    }

    @Test func batchRejectsBadBodies() async throws {
        try await TestGateway.with(configure: { $0.runsPoller = false }) { gateway in
            let token = try await gateway.createToken()
            let tooMany = (0...100).map { _ in UUID().uuidString }
            let cases: [(String, Int, String)] = [
                ("{}", 400, "`ids` is required"),
                (#"{"ids": "abc"}"#, 400, "`ids` must be an array"),
                (#"{"ids": [1, 2]}"#, 400, "`ids[0]` must be a string"),
                ("{\"ids\": [", 400, "not valid JSON"),
                (#"{"ids": \#(jsonArray(tooMany))}"#, 400, "at most 100"),
            ]
            for (body, status, mention) in cases {
                let reply = try await gateway.request(.POST, "/luma/tasks", token: token, json: body)
                #expect(reply.status == status, "\(body): \(reply.text)")
                #expect(reply.object["code"] as? String == "invalid_request")
                #expect((reply.object["detail"] as? String ?? "").contains(mention), "\(reply.text)")
            }
        }
    }

    @Test func listIsNewestFirstAndPaged() async throws {
        let clock = ManualClock()
        try await TestGateway.with(now: { clock.now }, configure: { $0.runsPoller = false }) { gateway in
            let token = try await gateway.createToken()
            var ids: [String] = []
            for index in 0..<25 {
                ids.append(try await gateway.submit(token: token, #"{"user_prompt": "task \#(index)"}"#)["id"] as! String)
                clock.advance(1)
            }
            let newestFirst = Array(ids.reversed())
            let firstPage = try await gateway.request(.GET, "/luma/generations", token: token)
            #expect(firstPage.array.map { $0["id"] as? String } == Array(newestFirst.prefix(20)))
            let secondPage = try await gateway.request(.GET, "/luma/generations?offset=20&limit=10", token: token)
            #expect(secondPage.array.map { $0["id"] as? String } == Array(newestFirst.suffix(5)))
            let small = try await gateway.request(.GET, "/luma/generations?limit=2&offset=1", token: token)
            #expect(small.array.map { $0["id"] as? String } == Array(newestFirst[1...2]))

            for query in ["limit=0", "limit=101", "limit=abc", "offset=-1", "offset=1.5"] {
                let reply = try await gateway.request(.GET, "/luma/generations?\(query)", token: token)
                #expect(reply.status == 400, "\(query)")
                #expect(reply.object["code"] as? String == "invalid_request")
            }
        }
    }
}

func jsonArray(_ values: [String]) -> String {
    "[" + values.map { "\"\($0)\"" }.joined(separator: ",") + "]"
}
