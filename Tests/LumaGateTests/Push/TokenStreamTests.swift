import Foundation
import Testing

@testable import LumaGate

/// `GET /luma/stream`: one connection that follows every video task of a token.
@Suite struct TokenStreamTests {
    struct Event {
        var id: String
        var task: String
        var state: String
    }

    static func events(_ text: String) -> [Event] {
        text.components(separatedBy: "\n\n").compactMap { block in
            var id: String?
            var object: [String: Any]?
            for line in block.split(separator: "\n") {
                if line.hasPrefix("id: ") { id = String(line.dropFirst(4)) }
                if line.hasPrefix("data: ") {
                    object = try? JSONSerialization.jsonObject(with: Data(line.dropFirst(6).utf8)) as? [String: Any]
                }
            }
            guard let id, let task = object?["id"] as? String, let state = object?["state"] as? String else { return nil }
            return Event(id: id, task: task, state: state)
        }
    }

    /// Whether `count` tasks have reached completed in the events read.
    static func finished(_ count: Int) -> @Sendable (String) -> Bool {
        { text in Set(events(text).filter { $0.state == "completed" }.map(\.task)).count == count }
    }

    static func cursor(_ id: String) -> (Int64, String) {
        let parts = id.split(separator: "-", maxSplits: 1)
        return (Int64(parts[0]) ?? -1, parts.count > 1 ? String(parts[1]) : "")
    }

    @Test func aTokensStreamCarriesEachChangeOfItsTasksOnceAndResumes() async throws {
        try await TestGateway.with { gateway in
            let token = try await gateway.createToken()
            let other = try await gateway.createToken()
            // The stream is open before the tasks exist: their creation is among the changes.
            let submitter = Task {
                try await Task.sleep(for: .milliseconds(300))
                var ids: Set<String> = []
                for prompt in ["first", "second", "third"] {
                    ids.insert(try #require(try await gateway.submit(token: token, #"{"user_prompt": "\#(prompt)"}"#)["id"] as? String))
                    _ = try await gateway.submit(token: other, #"{"user_prompt": "someone else's"}"#)
                }
                return ids
            }
            let live = try await gateway.readStream("/luma/stream", token: token, until: Self.finished(3))
            let ids = try await submitter.value
            #expect(live.status == 200)
            let events = Self.events(live.text)
            #expect(Set(events.map(\.task)) == ids, "only the token's own tasks: \(live.text)")
            #expect(Set(events.map(\.id)).count == events.count, "no event twice")
            for id in ids {
                let states = events.filter { $0.task == id }.map(\.state)
                #expect(states.first == "pending" && states.last == "completed" && Set(states).count == states.count, "\(id): \(states)")
            }

            // From the start: each task once, as it is now.
            let everything = try await gateway.readStream(
                "/luma/stream", token: token, headers: [("Last-Event-ID", "0")], until: Self.finished(3))
            #expect(Self.events(everything.text).map(\.state) == ["completed", "completed", "completed"], "\(everything.text)")

            // From the middle: the tasks that changed after that event, as they are now, in the
            // order of their last change.
            let middle = Self.cursor(events[events.count / 2].id)
            let missed = ids.compactMap { id in events.last { $0.task == id } }.filter { Self.cursor($0.id) > middle }
                .sorted { Self.cursor($0.id) < Self.cursor($1.id) }
            #expect(!missed.isEmpty)
            let resumed = try await gateway.readStream(
                "/luma/stream", token: token, headers: [("Last-Event-ID", events[events.count / 2].id)]
            ) { text in Self.events(text).count >= missed.count }
            #expect(Self.events(resumed.text).map(\.id) == missed.map(\.id), "\(resumed.text)")

            // Another token's stream has none of these.
            let foreign = try await gateway.readStream(
                "/luma/stream", token: other, headers: [("Last-Event-ID", "0")], until: Self.finished(3))
            #expect(ids.isDisjoint(with: Self.events(foreign.text).map(\.task)))
        }
    }
}
