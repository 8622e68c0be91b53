import Foundation

/// A ray-3.2 video edit's manual conditioning, as Luma's `video.edit.controls` takes it: per
/// signal, on, off or the model's default (`enabled` nil), with that signal's one setting.
public struct EditControls: Sendable, Codable, Equatable {
    public struct Signal: Sendable, Codable, Equatable {
        public var enabled: Bool?
        /// Depth: how much geometric freedom, 0-1.
        public var blur: Double?
        /// Normals: how much the surfaces may be reinterpreted, 0-1.
        public var augmentation: Double?
        /// Pose: `precise` or `coarse`.
        public var strength: String?
        /// Trajectory: how few motion anchors, 0-1.
        public var sparsity: Double?
    }

    public var depth: Signal?
    public var face: Signal?
    public var normals: Signal?
    public var pose: Signal?
    public var trajectory: Signal?

    static let poseStrengths = ["precise", "coarse"]

    /// Luma's rules: each signal takes only its own setting, fractions within 0-1.
    func validate(field: String) throws {
        let signals: [(String, Signal?, String?)] = [
            ("depth", depth, "blur"), ("face", face, nil), ("normals", normals, "augmentation"), ("pose", pose, "strength"),
            ("trajectory", trajectory, "sparsity"),
        ]
        for case (let name, let signal?, let own) in signals {
            let settings: [(String, Bool)] = [
                ("blur", signal.blur != nil), ("augmentation", signal.augmentation != nil), ("strength", signal.strength != nil),
                ("sparsity", signal.sparsity != nil),
            ]
            if let (other, _) = settings.first(where: { $0.1 && $0.0 != own }) {
                throw GatewayError.invalidRequest("Field `\(field).\(name).\(other)` is not a setting of \(name) conditioning.")
            }
            for (setting, value) in [("blur", signal.blur), ("augmentation", signal.augmentation), ("sparsity", signal.sparsity)] {
                if let value, !(0...1).contains(value) {
                    throw GatewayError.invalidRequest("Field `\(field).\(name).\(setting)` must be from 0 to 1.")
                }
            }
            try FieldRules.check("\(field).\(name).strength", signal.strength, in: Self.poseStrengths)
        }
    }

    /// As Luma takes it (nothing for a setting left out).
    var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// One line per signal set, for a sandbox edit's caption: `depth on (blur 0.3)`.
    var summary: [String] {
        let signals: [(String, Signal?)] = [("depth", depth), ("face", face), ("normals", normals), ("pose", pose), ("trajectory", trajectory)]
        return signals.compactMap { name, signal in
            guard let signal else { return nil }
            let state = signal.enabled.map { $0 ? "on" : "off" } ?? "default"
            let setting = [
                signal.blur.map { "blur \($0)" }, signal.augmentation.map { "augmentation \($0)" }, signal.strength,
                signal.sparsity.map { "sparsity \($0)" },
            ].compactMap { $0 }.first
            return "\(name) \(state)" + (setting.map { " (\($0))" } ?? "")
        }
    }
}
