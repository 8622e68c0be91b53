import Foundation
import LumaGate
import Testing

/// Every way a submit can be wrong gets the spec's JSON error, and leaves nothing behind.
@Suite struct LumaSubmitValidationTests {
    /// Sends `json` to the submit route and checks the status, the code, and that the detail
    /// mentions `mentions`.
    private func expectRejected(
        _ gateway: TestGateway, token: String, json: String, headers: [(String, String)] = [],
        status: Int, code: String, mentions: String, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let reply = try await gateway.request(.POST, "/luma/generations", token: token, json: json, headers: headers)
        #expect(reply.status == status, "\(reply.text)", sourceLocation: sourceLocation)
        #expect(reply.object["code"] as? String == code, "\(reply.text)", sourceLocation: sourceLocation)
        let detail = reply.object["detail"] as? String ?? ""
        #expect(detail.contains(mentions), "detail was: \(detail)", sourceLocation: sourceLocation)
        #expect(reply.header("content-type")?.hasPrefix("application/json") == true, sourceLocation: sourceLocation)
    }

    @Test func malformedAndMisshapenBodiesAreRejectedWithTheProblemNamed() async throws {
        try await TestGateway.with(configure: { $0.runsPoller = false }) { gateway in
            let token = try await gateway.createToken()

            try await expectRejected(
                gateway, token: token, json: "{\"user_prompt\": ", status: 400, code: "invalid_request", mentions: "not valid JSON")
            try await expectRejected(gateway, token: token, json: "[1, 2]", status: 400, code: "invalid_request", mentions: "JSON object")
            try await expectRejected(gateway, token: token, json: "\"a prompt\"", status: 400, code: "invalid_request", mentions: "JSON object")
            try await expectRejected(gateway, token: token, json: "", status: 400, code: "invalid_request", mentions: "empty")
            try await expectRejected(gateway, token: token, json: "{}", status: 400, code: "invalid_request", mentions: "`user_prompt` is required")
            try await expectRejected(
                gateway, token: token, json: #"{"user_prompt": "   \n "}"#, status: 400, code: "invalid_request", mentions: "must not be blank")
            try await expectRejected(
                gateway, token: token, json: #"{"user_prompt": 42}"#, status: 400, code: "invalid_request", mentions: "`user_prompt` must be a string"
            )
            try await expectRejected(
                gateway, token: token, json: #"{"user_prompt": "x", "loop": "yes"}"#, status: 400, code: "invalid_request",
                mentions: "`loop` must be a boolean")
            try await expectRejected(
                gateway, token: token, json: #"{"user_prompt": "x", "expand_prompt": 1}"#, status: 400, code: "invalid_request",
                mentions: "`expand_prompt` must be a boolean")
            try await expectRejected(
                gateway, token: token, json: #"{"user_prompt": "x", "aspect_ratio": "2:1"}"#, status: 400, code: "invalid_request",
                mentions: "`aspect_ratio` must be one of")
            try await expectRejected(
                gateway, token: token, json: #"{"user_prompt": "x", "aspect_ratio": 16}"#, status: 400, code: "invalid_request",
                mentions: "`aspect_ratio` must be a string")
            try await expectRejected(
                gateway, token: token, json: #"{"user_prompt": "x", "model_name": "ray-9"}"#, status: 400, code: "invalid_request",
                mentions: "`model_name`")
            try await expectRejected(
                gateway, token: token, json: #"{"user_prompt": "x", "resolution": "8k"}"#, status: 400, code: "invalid_request",
                mentions: "`resolution`")
            try await expectRejected(
                gateway, token: token, json: #"{"user_prompt": "x", "duration": "7s"}"#, status: 400, code: "invalid_request", mentions: "`duration`")
            try await expectRejected(
                gateway, token: token, json: #"{"user_prompt": "x", "notify_hook": "ftp://example.com/hook"}"#, status: 400, code: "invalid_request",
                mentions: "`notify_hook`")
            let longPrompt = String(repeating: "a", count: 5001)
            try await expectRejected(
                gateway, token: token, json: #"{"user_prompt": "\#(longPrompt)"}"#, status: 400, code: "invalid_request", mentions: "at most 5000")
            try await expectRejected(
                gateway, token: token, json: #"{"user_prompt": "x"}"#, headers: [("Content-Type", "text/plain")],
                status: 415, code: "unsupported_media_type", mentions: "application/json")
            try await expectRejected(
                gateway, token: token, json: "user_prompt=x", headers: [("Content-Type", "application/x-www-form-urlencoded")],
                status: 415, code: "unsupported_media_type", mentions: "application/json")

            #expect(try await gateway.gateway.tasks.countInFlight() == 0)
        }
    }

    @Test func badImagesAreRejectedAndNothingIsStored() async throws {
        try await TestGateway.with(configure: {
            $0.runsPoller = false
            $0.maxImageBytes = 1024 * 1024
        }) { gateway in
            let token = try await gateway.createToken()
            let png = try Fixtures.pngDataURI()

            try await expectRejected(
                gateway, token: token, json: #"{"user_prompt": "x", "image_url": "file:///etc/passwd"}"#,
                status: 400, code: "invalid_request", mentions: "`image_url` must be an http(s) URL")
            try await expectRejected(
                gateway, token: token, json: #"{"user_prompt": "x", "image_url": 7}"#,
                status: 400, code: "invalid_request", mentions: "`image_url` must be a string")
            try await expectRejected(
                gateway, token: token, json: #"{"user_prompt": "x", "image_url": "http://127.0.0.1:1/frame.png"}"#,
                status: 400, code: "invalid_request", mentions: "could not be fetched")
            // A reachable URL that is not an image: the gateway's own health check.
            try await expectRejected(
                gateway, token: token, json: #"{"user_prompt": "x", "image_url": "\#(gateway.baseURL)/healthz"}"#,
                status: 400, code: "invalid_request", mentions: "not a PNG, JPEG or WebP")
            try await expectRejected(
                gateway, token: token, json: #"{"user_prompt": "x", "image_url": "\#(gateway.baseURL)/media/missing.png"}"#,
                status: 400, code: "invalid_request", mentions: "could not be fetched")
            let text = Data("just some text, not pixels".utf8).base64EncodedString()
            try await expectRejected(
                gateway, token: token, json: #"{"user_prompt": "x", "image_url": "data:image/png;base64,\#(text)"}"#,
                status: 400, code: "invalid_request", mentions: "not a PNG, JPEG or WebP")
            try await expectRejected(
                gateway, token: token, json: #"{"user_prompt": "x", "image_url": "data:image/gif;base64,R0lGODlh"}"#,
                status: 400, code: "invalid_request", mentions: "data:image/(png|jpeg|webp)")
            try await expectRejected(
                gateway, token: token, json: #"{"user_prompt": "x", "image_url": "data:image/png;base64,@@@@"}"#,
                status: 400, code: "invalid_request", mentions: "valid base64")
            let huge = Data(repeating: 0x89, count: 1024 * 1024 + 10).base64EncodedString()
            try await expectRejected(
                gateway, token: token, json: #"{"user_prompt": "x", "image_url": "data:image/png;base64,\#(huge)"}"#,
                status: 413, code: "payload_too_large", mentions: "`image_url` is larger than 1 MiB")
            // A good first frame with a bad last frame: the first must not be left on disk.
            try await expectRejected(
                gateway, token: token, json: #"{"user_prompt": "x", "image_url": "\#(png)", "image_end_url": "data:image/png;base64,\#(text)"}"#,
                status: 400, code: "invalid_request", mentions: "`image_end_url`")

            let uploads = try await TestMedia.paths(under: "uploads/", directory: gateway.directory)
            #expect(uploads.isEmpty, "left behind: \(uploads)")
            #expect(try await gateway.gateway.tasks.countInFlight() == 0)
        }
    }

    @Test func bodiesOverTheLimitAre413() async throws {
        try await TestGateway.with(configure: {
            $0.runsPoller = false
            $0.maxBodyBytes = 64 * 1024
        }) { gateway in
            let token = try await gateway.createToken()
            let padding = String(repeating: "x", count: 70 * 1024)
            try await expectRejected(
                gateway, token: token, json: #"{"user_prompt": "x", "pad": "\#(padding)"}"#,
                status: 413, code: "payload_too_large", mentions: "larger than")
            // Unknown fields are ignored when the body fits.
            let accepted = try await gateway.request(.POST, "/luma/generations", token: token, json: #"{"user_prompt": "x", "pad": "small"}"#)
            #expect(accepted.status == 200)
        }
    }

    @Test func acceptedSubmitEchoesTheRequestAndStartsPending() async throws {
        try await TestGateway.with(configure: { $0.runsPoller = false }) { gateway in
            let token = try await gateway.createToken()
            for path in ["/luma/generations", "/luma/generations/"] {
                let reply = try await gateway.request(
                    .POST, path, token: token,
                    json: """
                        {"user_prompt": "  a fox in snow  ", "aspect_ratio": "9:16", "loop": true, "expand_prompt": false,
                         "model_name": "ray-v2", "resolution": "720p", "duration": "9s", "image_url": "\(try Fixtures.pngDataURI())"}
                        """)
                #expect(reply.status == 200, "\(reply.text)")
                let task = reply.object
                #expect(task["state"] as? String == "pending")
                #expect(UUID(uuidString: task["id"] as? String ?? "") != nil)
                #expect(task["failure_reason"] is NSNull)
                #expect(task["video"] is NSNull)
                let request = task["request"] as? [String: Any] ?? [:]
                #expect(request["prompt"] as? String == "a fox in snow")
                #expect(request["aspect_ratio"] as? String == "9:16")
                #expect(request["loop"] as? Bool == true)
                #expect(request["model_name"] as? String == "ray-v2")
                #expect(request["duration"] as? String == "9s")
                // The base64 image is not echoed back; the gateway's stored copy is, and it downloads.
                let imageURL = request["image_url"] as? String ?? ""
                #expect(imageURL.hasPrefix(gateway.baseURL + "/media/uploads/"))
                let image = try await gateway.request(.GET, imageURL)
                #expect(image.status == 200)
                // Stored as the gateway re-encoded it, the same picture.
                #expect(ImageProbe.size(of: image.body)! == (320, 180))
                let createdAt = task["created_at"] as? String ?? ""
                #expect(createdAt.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"#, options: .regularExpression) != nil, "\(createdAt)")
            }
        }
    }
}
