import AsyncHTTPClient
import Foundation
@testable import LumaGate
import NIOCore
import Testing

private let comfyUIMachineURL = ProcessInfo.processInfo.environment["LUMAGATE_TEST_COMFYUI_URL"].flatMap { $0.isEmpty ? nil : $0 }

/// The ComfyUI channel against a real ComfyUI, when `LUMAGATE_TEST_COMFYUI_URL` names one (a
/// CPU machine serves: `python main.py --cpu`, with the placeholder model files docs/comfyui.md
/// lists): the weightless model end to end through every face, judged by ffprobe, and every
/// built-in template accepted by its `/prompt`. Without the variable the suite is skipped.
@Suite(.enabled(if: comfyUIMachineURL != nil, "LUMAGATE_TEST_COMFYUI_URL names no ComfyUI"))
struct ComfyUIMachineTests {
    static var machineURL: String? { comfyUIMachineURL }

    private var machine: ChannelRecord {
        ChannelRecord(name: "machine", kind: .comfyUI, apiKey: "", baseURL: Self.machineURL!, createdAtMillis: 0)
    }

    @Test func theSmokeModelIsMadeThroughEveryFaceAtTheAskedSizeAndLength() async throws {
        try await ComfyUIChannelTests.withGateway(channels: [machine], pollSeconds: 0.5) { gateway in
            let token = try await gateway.createToken()
            var ids: [String] = []
            ids.append(
                try await gateway.submit(
                    token: token, #"{"user_prompt": "relay", "model_name": "comfyui-smoke", "duration": "2s", "aspect_ratio": "16:9"}"#)["id"]
                    as! String)
            ids.append(
                try await gateway.createGeneration(
                    token: token,
                    #"{"prompt": "official", "model": "comfyui-smoke", "resolution": "360p", "duration": "1s", "aspect_ratio": "9:16"}"#)["id"]
                    as! String)
            let agents = try await gateway.request(
                .POST, "/agents/v1/generations", token: token,
                json: #"{"model": "comfyui-smoke", "prompt": "agents", "aspect_ratio": "1:1", "video": {"duration": "3s", "resolution": "240p"}}"#)
            ids.append(try #require(agents.object["id"] as? String, "\(agents.text)"))
            let openAI = try await gateway.request(
                .POST, "/v1/videos", token: token, json: #"{"model": "comfyui-smoke", "prompt": "openai", "size": "426x240", "seconds": "4"}"#)
            ids.append(try #require(openAI.object["id"] as? String, "\(openAI.text)"))
            for (id, (width, height, frames)) in zip(ids, [(416, 240, 48), (352, 640, 24), (240, 240, 72), (416, 240, 96)]) {
                let task = try await gateway.waitForTerminal(id, token: token, timeout: .seconds(180))
                #expect(task["state"] as? String == "completed", "\(task)")
                let url = try #require((task["video_raw"] as? [String: Any])?["url"] as? String)
                let stream = try #require(try await FFprobe.streams(of: try await gateway.request(.GET, url).body, suffix: ".mp4").first)
                #expect(stream.codec_name == "h264" && stream.width == width && stream.height == height, "\(stream)")
                #expect(stream.nb_frames == "\(frames)", "\(stream)")
            }
        }
    }

    @Test func theStartImageIsTheFirstFrame() async throws {
        let directory = TestGateway.temporaryDirectory()
        try await FFmpegFixture.make(["-f", "lavfi", "-i", "color=c=0xE01020:s=320x180", "-frames:v", "1", "start.png"], in: directory)
        let image = try Data(contentsOf: URL(fileURLWithPath: directory + "/start.png"))
        try await ComfyUIChannelTests.withGateway(channels: [machine], pollSeconds: 0.5) { gateway in
            let token = try await gateway.createToken()
            let id =
                try await gateway.submit(
                    token: token,
                    #"{"user_prompt": "held", "model_name": "comfyui-smoke", "duration": "1s", "image_url": "data:image/png;base64,\#(image.base64EncodedString())"}"#
                )["id"] as! String
            let task = try await gateway.waitForTerminal(id, token: token, timeout: .seconds(180))
            #expect(task["state"] as? String == "completed", "\(task)")
            let url = try #require((task["video_raw"] as? [String: Any])?["url"] as? String)
            try await gateway.request(.GET, url).body.write(to: URL(fileURLWithPath: directory + "/out.mp4"))
            try await FFmpegFixture.make(
                ["-i", "out.mp4", "-frames:v", "1", "-vf", "scale=1:1", "-f", "rawvideo", "-pix_fmt", "rgb24", "pixel.rgb"], in: directory)
            let pixel = [UInt8](try Data(contentsOf: URL(fileURLWithPath: directory + "/pixel.rgb")))
            #expect(
                pixel.count == 3 && abs(Int(pixel[0]) - 0xE0) < 24 && abs(Int(pixel[1]) - 0x10) < 24 && abs(Int(pixel[2]) - 0x20) < 24, "\(pixel)")
        }
    }

    @Test func everyBuiltInTemplateIsAcceptedByItsPrompt() async throws {
        let http = UpstreamHTTP(httpClient: .shared, baseURL: Self.machineURL!, apiKey: "", timeout: .seconds(30))
        // A start image for the image workflows, where their LoadImage finds it.
        let directory = TestGateway.temporaryDirectory()
        try await FFmpegFixture.make(["-f", "lavfi", "-i", "color=c=blue:s=64x64", "-frames:v", "1", "start.png"], in: directory)
        let boundary = "lumagate-test"
        var body = Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"subfolder\"\r\n\r\nlumagate/templates\r\n".utf8)
        body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"overwrite\"\r\n\r\ntrue\r\n".utf8))
        body.append(
            Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"image\"; filename=\"start.png\"\r\nContent-Type: image/png\r\n\r\n".utf8))
        body.append(try Data(contentsOf: URL(fileURLWithPath: directory + "/start.png")))
        body.append(Data("\r\n--\(boundary)--\r\n".utf8))
        _ = try await http.send(.POST, "/upload/image", body: Array(body), contentType: "multipart/form-data; boundary=\(boundary)")

        for (name, workflow) in ComfyUIModels.builtIn.workflows.sorted(by: { $0.key < $1.key }) {
            for withImage in [false, true] where withImage || workflow.spec.startFrame != .required {
                guard !withImage || workflow.spec.startFrame != .refused else { continue }
                let resolution = workflow.spec.defaultResolution ?? workflow.spec.resolutions[0]
                let request = GenerationRequest(prompt: "a template check", model: name, resolution: resolution, duration: workflow.spec.durations[0])
                let graph = try workflow.prompt(
                    for: request, resolution: resolution, seed: 7, startImage: withImage ? "lumagate/templates/start.png" : nil, endImage: nil)
                let id = UUID().uuidString.lowercased()
                // Accepted means validated: every class, input and model file is there. The run is
                // not wanted (the placeholder weights are empty): it is taken off the queue.
                let answer = try await http.send(
                    .POST, "/prompt", body: ComfyUIMapping.promptBody(graph: graph, promptID: id, clientID: "lumagate-template-check").bytes())
                let accepted = try JSONSerialization.jsonObject(with: answer) as? [String: Any]
                #expect(accepted?["prompt_id"] as? String == id, "\(name) \(withImage ? "with" : "without") an image")
                _ = try await http.send(.POST, "/queue", body: Array(#"{"delete": ["\#(id)"]}"#.utf8))
                _ = try await http.send(.POST, "/interrupt", body: Array(#"{"prompt_id": "\#(id)"}"#.utf8))
            }
        }
        // And the machine says it runs them all.
        let found = try await machine.check(using: .shared)
        #expect(found.hasPrefix("ComfyUI runs comfyui-smoke, ltx-video-2b, wan-2.2-ti2v-5b"), "\(found)")
    }
}
