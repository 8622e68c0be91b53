import Foundation

/// The models ComfyUI machines make: the built-in templates (Wan 2.2 TI2V 5B, LTX-Video 2B and
/// the weightless `comfyui-smoke`) and the operator's files (`--comfyui-models DIR`, one
/// `<model>.json` each; a file named like a built-in template replaces it).
public struct ComfyUIModels: Sendable {
    public private(set) var workflows: [String: ComfyUIWorkflow]

    /// The templates the gateway ships.
    public static let builtIn: ComfyUIModels = {
        let files: [(String, [UInt8])] = [
            ("comfyui-smoke", PackageResources.comfyui_smoke_json),
            ("wan-2.2-ti2v-5b", PackageResources.wan_2_2_ti2v_5b_json),
            ("ltx-video-2b", PackageResources.ltx_video_2b_json),
        ]
        do {
            return ComfyUIModels(
                workflows: Dictionary(uniqueKeysWithValues: try files.map { ($0.0, try ComfyUIWorkflow(name: $0.0, data: Data($0.1))) }))
        } catch {
            preconditionFailure("a built-in ComfyUI template is broken: \(error)")
        }
    }()

    init(workflows: [String: ComfyUIWorkflow]) {
        self.workflows = workflows
    }

    /// These models with every `*.json` of `directory` added, each named after its file.
    public func adding(directory: String) throws -> ComfyUIModels {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".json") }.sorted()
        } catch {
            throw CatalogueError("\(directory) is not a readable directory")
        }
        var models = self
        for file in names {
            let path = (directory as NSString).appendingPathComponent(file)
            let data: Data
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: path))
            } catch {
                throw CatalogueError("\(path) could not be read")
            }
            let name = String(file.dropLast(".json".count))
            models.workflows[name] = try ComfyUIWorkflow(name: name, data: data)
        }
        return models
    }

    /// Which of these models a machine with `info`'s nodes and files can run, and what stops the others.
    func check(against info: ComfyUIMapping.ObjectInfo) -> (runnable: [String], problems: [String: [String]]) {
        var runnable: [String] = []
        var problems: [String: [String]] = [:]
        for (name, workflow) in workflows.sorted(by: { $0.key < $1.key }) {
            let found = info.problems(in: workflow)
            if found.isEmpty { runnable.append(name) } else { problems[name] = found }
        }
        return (runnable, problems)
    }

    /// Their catalogue entries, by name.
    public var specs: [ModelSpec] {
        workflows.values.map(\.spec).sorted { $0.name < $1.name }
    }
}
