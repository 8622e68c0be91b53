import Foundation
@testable import LumaGate
import Testing

/// ComfyUI's answers as a real ComfyUI 0.3.64 gave them (captured on a CPU), read by the mapping.
@Suite struct ComfyUIMappingTests {
    private func fixture(_ name: String) throws -> Data { try Fixtures.data("comfyui/\(name)") }

    @Test func aFinishedRunNamesTheFileItsOutputNodeSaved() throws {
        let outcome = try ComfyUIMapping.outcome(
            ofPrompt: "11111111-2222-3333-4444-555555555555", history: try fixture("history.json"), output: "4")
        let file = ComfyUIMapping.SavedFile(filename: "test_00001_.mp4", subfolder: "video", type: "output")
        #expect(outcome == .succeeded(file))
        #expect(file.viewQuery == "filename=test_00001_.mp4&subfolder=video&type=output")
        #expect(try ComfyUIMapping.outcome(ofPrompt: "another", history: try fixture("history.json"), output: "4") == .absent)
        #expect(try ComfyUIMapping.outcome(ofPrompt: "x", history: Data("{}".utf8), output: "4") == .absent)
    }

    @Test func aFailedRunIsItsNodeAndMessage() throws {
        let outcome = try ComfyUIMapping.outcome(
            ofPrompt: "33333333-2222-3333-4444-555555555555", history: try fixture("history_error.json"), output: "4")
        #expect(
            outcome
                == .failed(
                    #"ComfyUI failed at node 4 (SaveVideo): [Errno 542398533] Generic error in an external library: 'avcodec_open2("libx264", {})'"#))
    }

    @Test func refusalsNameTheNodeAndTheInput() throws {
        #expect(
            ComfyUIMapping.refusal(from: try fixture("refusal_missing_model.json"))
                == "node 1 (UNETLoader): Value not in list: unet_name: 'does_not_exist.safetensors' not in ['wan2.2_ti2v_5B_fp16.safetensors']")
        #expect(ComfyUIMapping.refusal(from: try fixture("refusal_bad_input.json")) == "node 1 (EmptyImage): Value 0 smaller than min of 1: width")
        #expect(
            ComfyUIMapping.refusal(from: try fixture("refusal_unknown_class.json"))
                == "Cannot execute because node NoSuchNodeXYZ does not exist.: Node ID '#1'")
        #expect(ComfyUIMapping.refusal(from: Data("<html>".utf8)) == nil)
    }

    @Test func theSocketsMessagesAreTheQueueTheStartAndTheEnd() throws {
        let messages = try #require(try JSONSerialization.jsonObject(with: try fixture("ws_messages.json")) as? [Any])
        let events = try messages.map {
            ComfyUIMapping.socketEvent(String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self))
        }
        let id = "11111111-2222-3333-4444-555555555555"
        #expect(
            events.filter { $0 != .other } == [
                .queue(0), .queue(1), .queue(1), .changed(promptID: id), .changed(promptID: id), .queue(0), .changed(promptID: id),
            ])
        #expect(
            ComfyUIMapping.socketEvent(#"{"type":"progress","data":{"value":5,"max":20,"prompt_id":"p","node":"3"}}"#)
                == .progress(promptID: "p", fraction: 0.25))
        #expect(ComfyUIMapping.socketEvent(#"{"type":"progress","data":{"value":5,"max":0,"prompt_id":"p"}}"#) == .other)
        #expect(ComfyUIMapping.socketEvent(#"{"type":"executing","data":{"node":"3","prompt_id":"p"}}"#) == .other)
        #expect(ComfyUIMapping.socketEvent("not json") == .other)
        // A run that fails ends with its execution_error and then `executing` with node null: both are news.
        let failed = try #require(try JSONSerialization.jsonObject(with: try fixture("ws_error_messages.json")) as? [[String: Any]])
        let failedID = try #require((failed.first { $0["type"] as? String == "execution_error" }?["data"] as? [String: Any])?["prompt_id"] as? String)
        let failedEvents = try failed.map {
            ComfyUIMapping.socketEvent(String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self))
        }
        #expect(failedEvents.filter { $0 == .changed(promptID: failedID) }.count >= 2)
    }

    @Test func templatesSizeFramesAndImagesAsTheirModelsNeed() throws {
        let wan = try #require(ComfyUIModels.builtIn.workflows["wan-2.2-ti2v-5b"])
        #expect(wan.frames(forSeconds: 5) == 121 && wan.frameSize(ratio: "16:9", resolution: "720p") == (1280, 704))
        #expect(wan.spec.startFrame == .optional && wan.spec.endFrame == .refused && wan.spec.channels == ["comfyui"])
        let ltx = try #require(ComfyUIModels.builtIn.workflows["ltx-video-2b"])
        #expect(ltx.frames(forSeconds: 5) == 121 && ltx.frameSize(ratio: "16:9", resolution: "480p") == (832, 480))
        #expect(ltx.inputs[.fps]?.map(\.description) == ["78.fps", "69.frame_rate"])
        let smoke = try #require(ComfyUIModels.builtIn.workflows["comfyui-smoke"])
        #expect(smoke.frames(forSeconds: 2) == 48)

        let request = GenerationRequest(prompt: "a \"quoted\" fox", aspectRatio: "9:16", model: "wan-2.2-ti2v-5b", duration: "5s")
        let prompt = try wan.prompt(for: request, resolution: "720p", seed: 42, startImage: "lumagate/t/start.png", endImage: nil)
        let graph = try #require(try JSONSerialization.jsonObject(with: Data(prompt.bytes())) as? [String: [String: Any]])
        let latent = try #require(graph["55"]?["inputs"] as? [String: Any])
        #expect(latent["width"] as? Int == 704 && latent["height"] as? Int == 1280 && latent["length"] as? Int == 121)
        #expect((latent["start_image"] as? [Any])?.first as? String == "56", "the image workflow")
        #expect((graph["56"]?["inputs"] as? [String: Any])?["image"] as? String == "lumagate/t/start.png")
        #expect((graph["6"]?["inputs"] as? [String: Any])?["text"] as? String == "a \"quoted\" fox")
        #expect((graph["3"]?["inputs"] as? [String: Any])?["seed"] as? Int == 42)
        #expect(throws: ComfyUIWorkflow.WorkflowRefusal.self) {
            try wan.prompt(for: request, resolution: "720p", seed: 1, startImage: nil, endImage: "end.png")
        }
    }

    @Test func brokenModelFilesAreRefusedNamingTheKey() {
        let cases: [(String, String)] = [
            ("[]", "a JSON object"),
            (#"{"output": "1"}"#, "`workflow`"),
            (#"{"workflow": {"1": {"class_type": "SaveVideo", "inputs": {}}}, "output": "2"}"#, "output node 2"),
            (#"{"workflow": {"1": {"class_type": "SaveVideo", "inputs": {}}}, "output": "1", "inputs": {"prompt": "9.text"}}"#, "node 9"),
            (#"{"workflow": {"1": {"class_type": "SaveVideo", "inputs": {}}}, "output": "1", "inputs": {"prompt": "text"}}"#, "<node id>"),
            (#"{"workflow": {"1": {"class_type": "SaveVideo", "inputs": {}}}, "output": "1", "fps": 0}"#, "fps"),
            (#"{"workflow": {"1": {"class_type": "SaveVideo", "inputs": {}}}, "output": "1", "channels": ["dream-machine"]}"#, "channels"),
        ]
        for (text, named) in cases {
            #expect {
                try ComfyUIWorkflow(name: "m", data: Data(text.utf8))
            } throws: { error in
                "\(error)".contains(named)
            }
        }
    }
}
