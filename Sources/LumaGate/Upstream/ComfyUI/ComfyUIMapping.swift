import Foundation

/// The translation between tasks and ComfyUI's JSON (server.py and execution.py), pure so every
/// case is tested on fixtures. Everything ComfyUI answers is read defensively: a field missing
/// or of another type is an unreadable answer, never a crash.
enum ComfyUIMapping {
    /// The body of `POST /prompt`: the prompt's id is the task's, so a retry can find it first.
    static func promptBody(graph: JSONValue, promptID: String, clientID: String) -> JSONValue {
        .object([("prompt", graph), ("client_id", .string(clientID)), ("prompt_id", .string(promptID))])
    }

    /// A file ComfyUI saved: where `/view` finds it.
    struct SavedFile: Decodable, Equatable {
        var filename: String
        var subfolder: String?
        var type: String?

        /// The query of `/view` for it.
        var viewQuery: String {
            var components = URLComponents()
            components.queryItems = [
                URLQueryItem(name: "filename", value: filename), URLQueryItem(name: "subfolder", value: subfolder ?? ""),
                URLQueryItem(name: "type", value: type ?? "output"),
            ]
            return components.percentEncodedQuery ?? ""
        }

        var isVideo: Bool {
            ["mp4", "mov", "webm", "mkv"].contains((filename as NSString).pathExtension.lowercased())
        }
    }

    /// What one prompt's `/history/{id}` entry says.
    enum Outcome: Equatable {
        /// Not in the history: pending, running, or unknown to ComfyUI.
        case absent
        case succeeded(SavedFile?)
        case failed(String)
    }

    private struct HistoryEntry: Decodable {
        struct Status: Decodable {
            var statusStr: String?
            var completed: Bool?
            var messages: [[JSONValue]]?

            enum CodingKeys: String, CodingKey {
                case statusStr = "status_str"
                case completed, messages
            }
        }

        struct NodeOutput: Decodable {
            var images: [SavedFile]?
            var gifs: [SavedFile]?
            var videos: [SavedFile]?
            var video: [SavedFile]?
        }

        var outputs: [String: NodeOutput]?
        var status: Status?
    }

    /// The outcome of prompt `id` in a `/history/{id}` answer, with the file its node `output` saved.
    static func outcome(ofPrompt id: String, history data: Data, output: String) throws -> Outcome {
        let history: [String: HistoryEntry]
        do {
            history = try JSONDecoder().decode([String: HistoryEntry].self, from: data)
        } catch {
            throw UpstreamError.undecodable("ComfyUI's history: \(error)")
        }
        guard let entry = history[id] else { return .absent }
        if entry.status?.statusStr == "error" || entry.status?.completed == false {
            return .failed(failureReason(entry.status?.messages ?? []))
        }
        let saved = entry.outputs?[output]
        // SaveVideo lists its file under `images` with `animated`; some custom nodes use `gifs` or `videos`.
        let files = (saved?.videos ?? []) + (saved?.video ?? []) + (saved?.gifs ?? []) + (saved?.images ?? [])
        return .succeeded(files.first { $0.isVideo } ?? files.first)
    }

    /// Why a prompt failed, from its history's messages (`execution_error`, `execution_interrupted`).
    static func failureReason(_ messages: [[JSONValue]]) -> String {
        for message in messages.reversed() where message.count == 2 {
            guard let event = message[0].stringValue, let data = message[1].members else { continue }
            switch event {
            case "execution_error": return executionError(data)
            case "execution_interrupted": return "ComfyUI's run was interrupted at node \(data["node_id"]?.stringValue ?? "?")."
            default: continue
            }
        }
        return "ComfyUI's run ended with an error."
    }

    /// The sentence for an `execution_error` (from the socket or the history).
    static func executionError(_ data: [String: JSONValue]) -> String {
        let node = data["node_id"]?.stringValue ?? "?"
        let type = data["node_type"]?.stringValue.map { " (\($0))" } ?? ""
        let message = (data["exception_message"]?.stringValue ?? "no message").trimmingCharacters(in: .whitespacesAndNewlines)
        return "ComfyUI failed at node \(node)\(type): \(message.prefix(500))"
    }

    /// What one text message of ComfyUI's socket (`{"type", "data"}`) means for the gateway.
    enum SocketEvent: Equatable {
        /// Prompts waiting or running on the machine (`status`).
        case queue(Int)
        /// How far a prompt's current node is (`progress`: a sampler's steps).
        case progress(promptID: String, fraction: Double)
        /// A prompt started, ended or failed: worth a look at its history now.
        case changed(promptID: String)
        case other
    }

    static func socketEvent(_ text: String) -> SocketEvent {
        struct Message: Decodable {
            struct Payload: Decodable {
                struct Status: Decodable {
                    struct ExecInfo: Decodable {
                        var queueRemaining: Int?

                        enum CodingKeys: String, CodingKey { case queueRemaining = "queue_remaining" }
                    }

                    var execInfo: ExecInfo?

                    enum CodingKeys: String, CodingKey { case execInfo = "exec_info" }
                }

                var status: Status?
                var promptID: String?
                var value: Double?
                var max: Double?
                /// `executing` with `"node": null`: the prompt's run is over.
                var nodeIsNull: Bool

                enum CodingKeys: String, CodingKey {
                    case status, value, max, node
                    case promptID = "prompt_id"
                }

                init(from decoder: any Decoder) throws {
                    let values = try decoder.container(keyedBy: CodingKeys.self)
                    status = try? values.decodeIfPresent(Status.self, forKey: .status)
                    promptID = try? values.decodeIfPresent(String.self, forKey: .promptID)
                    value = try? values.decodeIfPresent(Double.self, forKey: .value)
                    max = try? values.decodeIfPresent(Double.self, forKey: .max)
                    nodeIsNull = values.contains(.node) ? (try values.decodeNil(forKey: .node)) : false
                }
            }

            var type: String
            var data: Payload?
        }
        guard let message = try? JSONDecoder().decode(Message.self, from: Data(text.utf8)), let data = message.data else { return .other }
        switch (message.type, data.promptID) {
        case ("status", _):
            return data.status?.execInfo?.queueRemaining.map { .queue($0) } ?? .other
        case ("progress", let id?):
            guard let value = data.value, let max = data.max, max > 0, value.isFinite else { return .other }
            return .progress(promptID: id, fraction: value / max)
        case ("executing", let id?):
            // `node: null` is the end of the prompt's run.
            return data.nodeIsNull ? .changed(promptID: id) : .other
        case ("execution_start", let id?), ("execution_success", let id?), ("execution_error", let id?), ("execution_interrupted", let id?):
            return .changed(promptID: id)
        default:
            return .other
        }
    }

    /// The prompts queued and running, from `GET /queue`.
    struct Queue: Equatable {
        var running: [String]
        var pending: [String]

        var count: Int { running.count + pending.count }

        func contains(_ id: String) -> Bool { running.contains(id) || pending.contains(id) }
    }

    static func queue(from data: Data) throws -> Queue {
        struct Body: Decodable {
            var queueRunning: [[JSONValue]]
            var queuePending: [[JSONValue]]

            enum CodingKeys: String, CodingKey {
                case queueRunning = "queue_running"
                case queuePending = "queue_pending"
            }
        }
        do {
            let body = try JSONDecoder().decode(Body.self, from: data)
            let ids = { (items: [[JSONValue]]) in items.compactMap { $0.count > 1 ? $0[1].stringValue : nil } }
            return Queue(running: ids(body.queueRunning), pending: ids(body.queuePending))
        } catch {
            throw UpstreamError.undecodable("ComfyUI's queue: \(error)")
        }
    }

    /// What a `POST /prompt` refusal (400) says, naming the node and input at fault.
    static func refusal(from data: Data) -> String? {
        struct Problem: Decodable {
            var type: String?
            var message: String?
            var details: String?
        }
        struct NodeErrors: Decodable {
            var errors: [Problem]?
            var classType: String?

            enum CodingKeys: String, CodingKey {
                case errors
                case classType = "class_type"
            }
        }
        struct Body: Decodable {
            var error: Problem?
            var nodeErrors: [String: NodeErrors]?

            enum CodingKeys: String, CodingKey {
                case error
                case nodeErrors = "node_errors"
            }
        }
        guard let body = try? JSONDecoder().decode(Body.self, from: data) else { return nil }
        let sentence = { (problem: Problem) in
            [problem.message, problem.details].compactMap { $0?.isEmpty == false ? $0 : nil }.joined(separator: ": ")
        }
        if let (node, errors) = body.nodeErrors?.sorted(by: { $0.key < $1.key }).first, let problem = errors.errors?.first {
            return "node \(node)\(errors.classType.map { " (\($0))" } ?? ""): \(sentence(problem))".prefix(500).description
        }
        return body.error.map(sentence).map { String($0.prefix(500)) }
    }

    /// The inputs each node class takes, from `GET /object_info`.
    struct ObjectInfo {
        struct Inputs: Decodable {
            var required: [String: JSONValue]?
            var optional: [String: JSONValue]?
        }

        private struct Node: Decodable {
            var input: Inputs?
        }

        var classes: [String: Inputs]

        /// The machine's `/object_info` (a few megabytes with many custom nodes).
        static func read(from http: UpstreamHTTP) async throws -> ObjectInfo {
            var http = http
            http.maxAnswerBytes = 64 * 1024 * 1024
            return try ObjectInfo(data: try await http.send(.GET, "/object_info"))
        }

        init(data: Data) throws {
            do {
                classes = try JSONDecoder().decode([String: Node].self, from: data).mapValues { $0.input ?? Inputs() }
            } catch {
                throw UpstreamError.undecodable("ComfyUI's object_info: \(error)")
            }
        }

        /// What in `workflow` this machine cannot run: node classes it does not have, inputs
        /// their classes do not take, and files a loader does not list (models not installed).
        func problems(in workflow: ComfyUIWorkflow) -> [String] {
            var problems: [String] = []
            for graph in workflow.graphs {
                for (id, node) in graph.nodes.sorted(by: { $0.key < $1.key }) {
                    guard let inputs = classes[node.classType] else {
                        problems.append("node \(id): class \(node.classType) is not installed")
                        continue
                    }
                    let known = (inputs.required ?? [:]).merging(inputs.optional ?? [:]) { first, _ in first }
                    for (name, value) in node.inputs.sorted(by: { $0.key < $1.key }) {
                        guard let spec = known[name] else {
                            problems.append("node \(id) (\(node.classType)): it has no input \(name)")
                            continue
                        }
                        // A V1 combo lists its choices (a loader's are the model files present);
                        // an uploaded image is LoadImage's to check.
                        if node.classType != "LoadImage", let choices = spec.arrayValue?.first?.arrayValue, let chosen = value.stringValue,
                            !choices.contains(.string(chosen))
                        {
                            problems.append("node \(id) (\(node.classType)): \(name) \(chosen.debugDescription) is not on the machine")
                        }
                    }
                }
                for (field, targets) in workflow.inputs {
                    for target in targets {
                        guard let node = graph.nodes[target.node], let inputs = classes[node.classType] else { continue }
                        if inputs.required?[target.input] == nil, inputs.optional?[target.input] == nil {
                            problems.append(
                                "input \(field.rawValue) goes to node \(target.node) (\(node.classType)), which has no input \(target.input)")
                        }
                    }
                }
            }
            return Array(Set(problems)).sorted()
        }
    }
}
