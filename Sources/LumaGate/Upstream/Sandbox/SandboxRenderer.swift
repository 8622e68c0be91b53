import Foundation

/// Renders a sandbox task's media with ffmpeg: an H.264 MP4 with the prompt drawn on it (over the
/// first-frame image when there is one), then its stills (`VideoStills`). Rendering is idempotent:
/// finished files are reused, and the video appears under its final name only once complete, so a
/// crash mid-render just means the next attempt starts over. Each attempt renders into its own
/// scratch file: an ffmpeg orphaned by a killed gateway may still be writing the previous one.
public struct SandboxRenderer: Sendable {
    let ffmpeg: FFmpeg
    let store: MediaStore

    public init(ffmpeg: FFmpeg, store: MediaStore) {
        self.ffmpeg = ffmpeg
        self.store = store
    }

    public struct Input: Sendable {
        public var taskID: String
        public var prompt: String
        public var frameSize: (width: Int, height: Int)
        public var durationSeconds: Int
        /// Absolute path of the image to open on: the client's first frame, or the parent's last
        /// frame for an extension.
        public var firstFramePath: String?
        /// Absolute paths of guide frames, by the output frame each is pinned to (ascending): each
        /// shows from its frame until the next one's (the first from the start).
        public var keyframes: [(path: String, index: Int)] = []
        /// Absolute path of the image to end on: the client's last frame, or the first frame of the
        /// generation the video leads into. It fades in over the last second.
        public var lastFramePath: String?
        /// A loop without an end frame of its own ends on its own first frame (faded in over the
        /// last second), so the video plays seamlessly on repeat.
        public var loop = false
        /// Absolute paths of an image's guidance images, drawn as a strip along its bottom edge.
        public var referencePaths: [String] = []
        /// What else the request asked for, a line each under the prompt (web search, an edit's
        /// controls), so a client sees that it arrived.
        public var notes: [String] = []
    }

    public static let framesPerSecond = 24
    /// How the sandbox shows an edit: a visible change of colour.
    static let recolour = "hue=h=120:s=1.4"

    /// An ffmpeg filter that makes any picture fill a `width`×`height` frame (scaled, then cropped).
    static func fill(_ width: Int, _ height: Int) -> String {
        "scale=\(width):\(height):force_original_aspect_ratio=increase,crop=\(width):\(height),setsar=1"
    }

    /// Renders what is missing and returns the task's media, read back from the files.
    public func render(_ input: Input, createdAtMillis: Int64) async throws -> TaskMedia {
        let directory = store.taskDirectory(input.taskID)
        if !store.exists("\(directory)/\(VideoStills.videoFile)") {
            let absoluteDirectory = store.absolutePath(directory)
            try FileManager.default.createDirectory(atPath: absoluteDirectory, withIntermediateDirectories: true)
            try await renderVideo(input, in: absoluteDirectory)
        }
        do {
            return try await VideoStills(ffmpeg: ffmpeg, store: store).media(taskID: input.taskID, createdAtMillis: createdAtMillis)
        } catch let unreadable as VideoStills.Unreadable {
            throw FFmpeg.Failure(description: "the rendered MP4: \(unreadable)")
        }
    }

    /// Renders a video_edit or video_reframe of the video at `sourcePath` (absolute) and returns
    /// the task's media. An edit is the source in the new frame, visibly recoloured, with the
    /// prompt drawn on it; a reframe is the source on a canvas of the new frame, at `position`
    /// (`x, y, width, height` as fractions of the canvas; centred and fitted when nil), over a
    /// blurred fill of itself.
    public func renderChange(_ input: Input, sourcePath: String, reframe: Bool, position: [Double]?, createdAtMillis: Int64) async throws -> TaskMedia
    {
        let directory = store.taskDirectory(input.taskID)
        if !store.exists("\(directory)/\(VideoStills.videoFile)") {
            let absoluteDirectory = store.absolutePath(directory)
            try FileManager.default.createDirectory(atPath: absoluteDirectory, withIntermediateDirectories: true)
            let (width, height) = input.frameSize
            let fill = Self.fill(width, height)
            let graph: String
            if reframe {
                let placed: String
                if let position, position.count == 4 {
                    let even = { (value: Double) in max(Int((value / 2).rounded()) * 2, 2) }
                    placed =
                        "scale=\(even(position[2] * Double(width))):\(even(position[3] * Double(height))),setsar=1[fg];"
                        + "[bg][fg]overlay=x=\(Int(position[0] * Double(width))):y=\(Int(position[1] * Double(height)))"
                } else {
                    placed = "scale=\(width):\(height):force_original_aspect_ratio=decrease,setsar=1[fg];[bg][fg]overlay=x=(W-w)/2:y=(H-h)/2"
                }
                graph = "[0:v]split[a][b];[a]\(fill),boxblur=20[bg];[b]\(placed),format=yuv420p[v]"
            } else {
                try Self.caption(input).write(toFile: absoluteDirectory + "/prompt.txt", atomically: true, encoding: .utf8)
                graph = "[0:v]\(fill),\(Self.recolour),\(Self.promptOverlay(width: width)),format=yuv420p[v]"
            }
            let partial = "partial-\(UUID().uuidString).mp4"
            try await ffmpeg.run(
                [
                    "-i", sourcePath, "-filter_complex", graph, "-map", "[v]", "-r", "\(Self.framesPerSecond)",
                    "-c:v", "libx264", "-threads", "2", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p", "-movflags", "+faststart",
                    partial,
                ], in: absoluteDirectory)
            try FileManager.default.moveItem(atPath: absoluteDirectory + "/" + partial, toPath: absoluteDirectory + "/" + VideoStills.videoFile)
            try? FileManager.default.removeItem(atPath: absoluteDirectory + "/prompt.txt")
        }
        return try await VideoStills(ffmpeg: ffmpeg, store: store).media(taskID: input.taskID, createdAtMillis: createdAtMillis)
    }

    /// Renders an image generation's picture (`format` jpg or png) and returns its media. An edit
    /// (an input with a first frame, its source) is the source filling the frame, visibly
    /// recoloured, with the prompt drawn on it.
    public func renderImage(_ input: Input, format: String, createdAtMillis: Int64) async throws -> TaskMedia {
        let directory = store.taskDirectory(input.taskID)
        let absoluteDirectory = store.absolutePath(directory)
        let image = "\(directory)/image.\(format)"
        if !store.exists(image) {
            try FileManager.default.createDirectory(atPath: absoluteDirectory, withIntermediateDirectories: true)
            let (width, height) = input.frameSize
            try Self.caption(input).write(toFile: absoluteDirectory + "/prompt.txt", atomically: true, encoding: .utf8)
            let partial = "partial-\(UUID().uuidString).\(format)"
            var arguments: [String]
            var filter = Self.promptOverlay(width: width)
            if let source = input.firstFramePath {
                arguments = ["-i", source]
                filter = "\(Self.fill(width, height)),\(Self.recolour),\(filter)"
            } else {
                let (from, to) = Self.colours(for: input.prompt)
                arguments = ["-f", "lavfi", "-i", "gradients=s=\(width)x\(height):c0=\(from):c1=\(to)"]
            }
            var graph = "[0:v]\(filter)[v]"
            if !input.referencePaths.isEmpty {
                // Square cells side by side, centred a little above the bottom edge.
                let count = input.referencePaths.count
                let cell = max(min(height / 6, width / (count + 1)) / 2 * 2, 8)
                let cells = input.referencePaths.indices.map { "[\($0 + 1):v]\(Self.fill(cell, cell))[r\($0)]" }.joined(separator: ";")
                let strip =
                    count == 1 ? "[r0]null[strip]" : input.referencePaths.indices.map { "[r\($0)]" }.joined() + "hstack=inputs=\(count)[strip]"
                graph = "[0:v]\(filter)[main];\(cells);\(strip);[main][strip]overlay=x=(W-w)/2:y=H-h-\(cell / 4)[v]"
                arguments += input.referencePaths.flatMap { ["-i", $0] }
            }
            try await ffmpeg.run(
                arguments + ["-filter_complex", graph, "-map", "[v]", "-frames:v", "1", "-update", "1", "-q:v", "3", partial], in: absoluteDirectory)
            try FileManager.default.moveItem(atPath: absoluteDirectory + "/" + partial, toPath: store.absolutePath(image))
            try? FileManager.default.removeItem(atPath: absoluteDirectory + "/prompt.txt")
        }
        let palette = try await ffmpeg.paletteGrid(of: store.absolutePath(image), in: absoluteDirectory)
        let size = ImageProbe.size(ofFileAt: store.absolutePath(image))
        return TaskMedia(
            video: nil, image: .init(url: image, width: size?.width, height: size?.height, paletteGrid: palette),
            createdAtMillis: createdAtMillis)
    }

    /// The two layers the sandbox splits a source image into, as PNGs in the frame of the input:
    /// the subject (the centre of the source cut along an ellipse, transparent around it) and the
    /// background (the whole source, blurred).
    public func renderLayers(_ input: Input, sourcePath: String, createdAtMillis: Int64) async throws -> TaskMedia {
        let directory = store.taskDirectory(input.taskID)
        let absoluteDirectory = store.absolutePath(directory)
        let (front, back) = ("\(directory)/image.png", "\(directory)/extra-0.png")
        let (width, height) = input.frameSize
        let fill = Self.fill(width, height)
        for (path, filter) in [
            (back, "\(fill),boxblur=24"),
            (front, "\(fill),format=rgba,geq=r='r(X,Y)':g='g(X,Y)':b='b(X,Y)':a='255*lte(pow((X-W/2)/(W*0.3),2)+pow((Y-H/2)/(H*0.4),2),1)'"),
        ] where !store.exists(path) {
            try FileManager.default.createDirectory(atPath: absoluteDirectory, withIntermediateDirectories: true)
            let partial = "partial-\(UUID().uuidString).png"
            try await ffmpeg.run(["-i", sourcePath, "-vf", filter, "-frames:v", "1", "-update", "1", partial], in: absoluteDirectory)
            try FileManager.default.moveItem(atPath: absoluteDirectory + "/" + partial, toPath: store.absolutePath(path))
        }
        let palette = try await ffmpeg.paletteGrid(of: store.absolutePath(back), in: absoluteDirectory)
        let bytes = (try? FileManager.default.attributesOfItem(atPath: store.absolutePath(back))[.size] as? Int) ?? 0
        var media = TaskMedia(
            video: nil,
            image: .init(
                url: front, width: width, height: height, paletteGrid: palette,
                layer: .init(index: 0, label: "subject", description: "The centre of the source, cut out along an ellipse", alphaHint: "hard")),
            createdAtMillis: createdAtMillis)
        media.extras = [
            .init(
                type: "image", url: back, bytes: bytes,
                layer: .init(index: 1, label: "background", description: "The whole source, blurred", alphaHint: "none"))
        ]
        return media
    }

    /// The prompt (from prompt.txt) drawn centred on a translucent box.
    private static func promptOverlay(width: Int) -> String {
        let fontSize = max(width / 30, 18)
        return "drawtext=textfile=prompt.txt:expansion=none\(fontOption):fontsize=\(fontSize):fontcolor=white"
            + ":box=1:boxcolor=black@0.45:boxborderw=\(fontSize / 2):line_spacing=\(fontSize / 4):x=(w-text_w)/2:y=(h-text_h)/2"
    }

    private func renderVideo(_ input: Input, in directory: String) async throws {
        let (width, height) = input.frameSize
        let frames = input.durationSeconds * Self.framesPerSecond + 1
        let seconds = Double(frames) / Double(Self.framesPerSecond)
        try Self.caption(input).write(toFile: directory + "/prompt.txt", atomically: true, encoding: .utf8)

        var arguments: [String] = []
        let fit = Self.fill(width, height) + ","
        let text = Self.promptOverlay(width: width)
        var base: String
        if !input.keyframes.isEmpty {
            // One looped input a keyframe, each cut to its stretch of frames, joined in order.
            var segments = ""
            for (position, keyframe) in input.keyframes.enumerated() {
                arguments += ["-loop", "1", "-framerate", "\(Self.framesPerSecond)", "-i", keyframe.path]
                let start = position == 0 ? 0 : keyframe.index
                let end = position + 1 < input.keyframes.count ? input.keyframes[position + 1].index : frames
                segments += "[\(position):v]\(fit)trim=end_frame=\(max(end - start, 1)),setpts=PTS-STARTPTS[k\(position)];"
            }
            let joined = input.keyframes.indices.map { "[k\($0)]" }.joined()
            base = segments + "\(joined)concat=n=\(input.keyframes.count):v=1:a=0[base]"
        } else if let firstFrame = input.firstFramePath {
            arguments = ["-loop", "1", "-framerate", "\(Self.framesPerSecond)", "-i", firstFrame]
            base = "[0:v]\(fit)null[base]"
        } else {
            let (from, to) = Self.colours(for: input.prompt)
            arguments = ["-f", "lavfi", "-i", "gradients=s=\(width)x\(height):c0=\(from):c1=\(to):speed=0.015:r=\(Self.framesPerSecond)"]
            base = "[0:v]\(fit)null[base]"
        }
        var inputs = max(input.keyframes.count, 1)
        var shown = "base"
        if let lastFrame = input.lastFramePath {
            arguments += ["-loop", "1", "-framerate", "\(Self.framesPerSecond)", "-i", lastFrame]
            base += ";[\(inputs):v]\(fit)format=yuva420p,fade=t=in:st=\(max(input.durationSeconds - 1, 0)):d=1:alpha=1[end];[base][end]overlay[ended]"
            inputs += 1
            shown = "ended"
        } else if input.loop {
            base +=
                ";[base]split[main][head];[head]trim=end_frame=1,loop=loop=-1:size=1,setpts=N/\(Self.framesPerSecond)/TB,"
                + "format=yuva420p,fade=t=in:st=\(max(input.durationSeconds - 1, 0)):d=1:alpha=1[end];[main][end]overlay[ended]"
            shown = "ended"
        }
        let background = "\(base);[\(shown)]\(text)[bg]"
        arguments += ["-f", "lavfi", "-i", "color=c=white@0.85:s=\(width)x\(max(height / 75, 4)):r=\(Self.framesPerSecond)"]
        // A bar sweeps along the bottom edge so the video visibly plays from first to last frame.
        let graph = "\(background);[bg][\(inputs):v]overlay=x=-w+W*t/\(String(format: "%.6f", seconds)):y=H-h:eval=frame,format=yuv420p[v]"
        arguments += [
            "-filter_complex", graph, "-map", "[v]", "-frames:v", "\(frames)", "-r", "\(Self.framesPerSecond)",
            "-c:v", "libx264", "-threads", "2", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p", "-movflags", "+faststart",
        ]
        for leftover in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] where leftover.hasPrefix("partial-") {
            try? FileManager.default.removeItem(atPath: directory + "/" + leftover)
        }
        let partial = "partial-\(UUID().uuidString).mp4"
        try await ffmpeg.run(arguments + [partial], in: directory)
        try FileManager.default.moveItem(atPath: directory + "/" + partial, toPath: directory + "/" + VideoStills.videoFile)
        try? FileManager.default.removeItem(atPath: directory + "/prompt.txt")
    }

    /// A font with wide coverage when one is installed (CJK prompts are common), else DejaVu,
    /// else whatever fontconfig offers.
    private static let fontOption: String = {
        let candidates = [
            "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
            "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
            "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        ]
        return candidates.first(where: FileManager.default.fileExists(atPath:)).map { ":fontfile=\($0)" } ?? ""
    }()

    /// What is drawn: the prompt, then the notes (each cut to a line).
    static func caption(_ input: Input) -> String {
        let maxLine = max(input.frameSize.width / 36, 12)
        let notes = input.notes.map { drawable($0).count > maxLine ? String(drawable($0).prefix(maxLine - 1)) + "…" : drawable($0) }
        return ([wrap(input.prompt, width: input.frameSize.width)] + notes).filter { !$0.isEmpty }.joined(separator: "\n")
    }

    /// Breaks the prompt into lines that fit the frame, at most eight of them.
    static func wrap(_ prompt: String, width: Int) -> String {
        let maxLine = max(width / 36, 12)
        var lines: [String] = []
        var current = ""
        for word in drawable(prompt).split(whereSeparator: \.isWhitespace).map(String.init) {
            var word = word
            while word.count > maxLine {
                if !current.isEmpty {
                    lines.append(current)
                    current = ""
                }
                lines.append(String(word.prefix(maxLine)))
                word = String(word.dropFirst(maxLine))
            }
            if current.isEmpty {
                current = word
            } else if current.count + 1 + word.count <= maxLine {
                current += " " + word
            } else {
                lines.append(current)
                current = word
            }
        }
        if !current.isEmpty { lines.append(current) }
        if lines.count > 8 {
            lines = Array(lines.prefix(8))
            lines[7] += "…"
        }
        return lines.joined(separator: "\n")
    }

    /// The prompt as it can be drawn: control and format characters (a NUL would end the text
    /// early) become spaces, and each character keeps at most three combining marks, so a few
    /// letters stacked with thousands of marks cannot make a render crawl.
    static func drawable(_ prompt: String) -> String {
        var result = String.UnicodeScalarView()
        for character in prompt {
            for (index, scalar) in character.unicodeScalars.prefix(4).enumerated() {
                switch scalar.properties.generalCategory {
                case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned:
                    if index == 0 { result.append(" ") }
                default:
                    result.append(scalar)
                }
            }
        }
        return String(result)
    }

    /// Two colours picked from the prompt, so each prompt gets its own look, repeatably.
    static func colours(for prompt: String) -> (String, String) {
        var hash: UInt64 = 14_695_981_039_346_656_037
        for byte in prompt.utf8 { hash = (hash ^ UInt64(byte)) &* 1_099_511_628_211 }
        let first = String(format: "0x%06x", hash & 0x7F7F7F)
        let second = String(format: "0x%06x", (hash >> 24) & 0xFFFFFF | 0x404040)
        return (first, second)
    }
}
