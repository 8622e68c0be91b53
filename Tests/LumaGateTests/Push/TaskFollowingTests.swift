import Foundation
import Synchronization
import Testing

@testable import LumaGate

/// Clients that do not poll: a task GET held until the task changes (`Prefer: wait`, validators)
/// and a stream of Server-Sent Events, on every face, woken by the store's change feed.
@Suite struct TaskFollowingTests {
    /// Each face's task route, and what its object calls the state.
    static let faces: [(path: String, stateKey: String)] = [
        ("/luma/generations/", "state"), ("/dream-machine/v1/generations/", "state"),
        ("/agents/v1/generations/", "state"), ("/v1/videos/", "status"),
    ]

    struct Event {
        var id: Int64
        var object: [String: Any]
    }

    /// The events of a finished stream, in order; comments (heartbeats) are left out.
    static func events(_ text: String) -> [Event] {
        text.components(separatedBy: "\n\n").compactMap { block in
            var id: Int64?
            var data: String?
            for line in block.split(separator: "\n") {
                if line.hasPrefix("id: ") { id = Int64(line.dropFirst(4)) }
                if line.hasPrefix("data: ") { data = String(line.dropFirst(6)) }
            }
            guard let id, let data, let object = try? JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any] else { return nil }
            return Event(id: id, object: object)
        }
    }

    @Test func aHeldGetAnswersWhenTheTaskChangesOnEveryFace() async throws {
        try await TestGateway.with(configure: { $0.runsPoller = false }) { gateway in
            let token = try await gateway.createToken()
            for face in Self.faces {
                let id = try #require(try await gateway.submit(token: token, #"{"user_prompt": "held"}"#)["id"] as? String)
                let first = try await gateway.request(.GET, face.path + id, token: token)
                let tag = try #require(first.header("ETag"), "\(face.path): \(first.headers)")
                #expect(first.status == 200 && first.header("Preference-Applied") == nil)

                let unchanged = try await gateway.request(.GET, face.path + id, token: token, headers: [("If-None-Match", tag)])
                #expect(unchanged.status == 304 && unchanged.body.isEmpty && unchanged.header("ETag") == tag, "\(face.path)")

                // The poller is off: the change comes from this test, while the request is held.
                let mover = Task {
                    try await Task.sleep(for: .milliseconds(300))
                    let task = try await gateway.gateway.tasks.find(id: id)
                    _ = try await gateway.gateway.tasks.transition(
                        id: id, from: task!.state, to: .processing, changes: .init(nextPollAtMillis: Date().millis + 60_000),
                        reason: "moved by the test", at: Date().millis)
                }
                // A 200 with a new tag is the answer to the change: had the wait run out unchanged,
                // it would be a 304. (How soon it comes is bench/push.sh's to measure.)
                let held = try await gateway.request(
                    .GET, face.path + id, token: token, headers: [("If-None-Match", tag), ("Prefer", "wait=55")])
                try await mover.value
                #expect(held.status == 200 && held.header("Preference-Applied") == "wait=55", "\(face.path): \(held.status)")
                #expect(held.header("ETag") != tag, "\(face.path)")
                #expect(["processing", "dreaming", "in_progress"].contains(held.object[face.stateKey] as? String), "\(face.path): \(held.text)")

                // A finished task stays as it is (the OpenAI face's progress estimate stops
                // moving too): the wait runs out and answers 304.
                _ = try await gateway.gateway.tasks.transition(
                    id: id, from: .processing, to: .failed, changes: .init(failureReason: "stopped by the test"), reason: "stopped",
                    at: Date().millis)
                let finished = try #require(try await gateway.request(.GET, face.path + id, token: token).header("ETag"))
                let quiet = try await gateway.request(
                    .GET, face.path + id, token: token, headers: [("If-None-Match", finished), ("Prefer", "wait=1")])
                #expect(quiet.status == 304 && quiet.header("Preference-Applied") == "wait=1", "\(face.path)")
            }
            #expect(TaskFollower.preferredWait([.prefer: "respond-async, wait=600"]) == 60)
        }
    }

    @Test func aStreamSendsEachChangeOnceAndEndsWhenTheTaskFinishesOnEveryFace() async throws {
        try await TestGateway.with { gateway in
            let token = try await gateway.createToken()
            let other = try await gateway.createToken()
            for face in Self.faces {
                let id = try #require(try await gateway.submit(token: token, #"{"user_prompt": "streamed"}"#)["id"] as? String)
                let live = try await gateway.request(.GET, face.path + id + "/stream", token: token)
                #expect(live.status == 200 && live.header("Content-Type") == "text/event-stream", "\(face.path)")
                #expect(live.header("Cache-Control") == "no-cache" && live.header("X-Accel-Buffering") == "no")
                let events = Self.events(live.text)
                #expect(events.count >= 2, "\(face.path): \(live.text)")
                #expect(zip(events, events.dropFirst()).allSatisfy { $0.id < $1.id }, "ids only grow")
                #expect(events.last?.object[face.stateKey] as? String == "completed", "\(face.path): \(live.text)")
                #expect(events.allSatisfy { $0.object["id"] as? String == id })

                // The last event is what the face's GET answers now, byte for byte as JSON.
                let got = try await gateway.request(.GET, face.path + id, token: token)
                #expect(NSDictionary(dictionary: got.object).isEqual(to: events.last!.object) || face.stateKey == "status", "\(face.path)")

                // A reconnect from the first event gets what changed since, once; from the last, nothing.
                let resumed = try await gateway.request(
                    .GET, face.path + id + "/stream", token: token,
                    headers: [("Last-Event-ID", String(events[0].id))])
                #expect(Self.events(resumed.text).map(\.id) == [events.last!.id], "\(face.path): \(resumed.text)")
                let caughtUp = try await gateway.request(
                    .GET, face.path + id + "/stream", token: token,
                    headers: [("Last-Event-ID", String(events.last!.id))])
                #expect(caughtUp.status == 200 && Self.events(caughtUp.text).isEmpty, "\(face.path): \(caughtUp.text)")

                // Another token's task is the face's 404, before any stream starts.
                let foreign = try await gateway.request(.GET, face.path + id + "/stream", token: other)
                #expect(foreign.status == 404 && foreign.header("Content-Type")?.hasPrefix("application/json") == true, "\(face.path)")
            }
        }
    }

    /// A change committed through another connection to the store (as another gateway on the
    /// same PostgreSQL, or a `lumagate` command on the same SQLite file, would make it) reaches a
    /// stream held here, through the change feed.
    @Test func aStreamSeesAChangeMadeElsewhere() async throws {
        try await TestGateway.with(configure: { $0.runsPoller = false }) { gateway in
            let token = try await gateway.createToken()
            let id = try #require(try await gateway.submit(token: token, #"{"user_prompt": "elsewhere"}"#)["id"] as? String)
            let elsewhere = try await TestStore.open(directory: gateway.directory)
            // The change is made once the stream has sent the task as it was, so it can only
            // reach the stream through the feed.
            let opened = Mutex(false)
            let mover = Task {
                while !opened.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(20)) }
                _ = try await TaskRepository(database: elsewhere).transition(
                    id: id, from: .pending, to: .failed, changes: .init(failureReason: "failed elsewhere"), reason: "failed elsewhere",
                    at: Date().millis)
            }
            let stream = try await gateway.readStream("/luma/generations/\(id)/stream", token: token) { text in
                if text.contains(#""state":"pending""#) { opened.withLock { $0 = true } }
                return false
            }
            try await mover.value
            await elsewhere.close()
            let events = Self.events(stream.text)
            #expect(events.map { $0.object["state"] as? String } == ["pending", "failed"], "\(stream.text)")
            #expect(events.last?.object["failure_reason"] as? String == "failed elsewhere")
        }
    }

    @Test func aCreateWithPreferWaitAnswersTheFinishedTaskOnEveryFace() async throws {
        try await TestGateway.with { gateway in
            let token = try await gateway.createToken()
            let creates: [(path: String, body: String, stateKey: String)] = [
                ("/luma/generations", #"{"user_prompt": "waited for"}"#, "state"),
                ("/dream-machine/v1/generations/video", #"{"prompt": "waited for", "model": "ray-2"}"#, "state"),
                ("/agents/v1/generations", #"{"prompt": "waited for", "model": "ray-3.2"}"#, "state"),
                ("/v1/videos", #"{"prompt": "waited for", "model": "ray-2"}"#, "status"),
            ]
            for create in creates {
                let started = ContinuousClock.now
                let reply = try await gateway.request(.POST, create.path, token: token, json: create.body, headers: [("Prefer", "wait=45")])
                let waited = ContinuousClock.now - started
                #expect([200, 201].contains(reply.status) && reply.header("Preference-Applied") == "wait=45", "\(create.path): \(reply.text)")
                // Finished, or, when every suite renders at once and the sandbox could not finish
                // in time, answered as it is once the whole wait has passed.
                let state = reply.object[create.stateKey] as? String
                #expect(state == "completed" || waited >= .seconds(44), "\(create.path) after \(waited): \(reply.text)")
            }
            // Without the preference the answer comes at once, with the task just stored.
            let quick = try await gateway.request(.POST, "/luma/generations", token: token, json: #"{"user_prompt": "not waited for"}"#)
            #expect(quick.object["state"] as? String == "pending" && quick.header("Preference-Applied") == nil)
        }
    }
}
