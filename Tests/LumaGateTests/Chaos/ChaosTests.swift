import Foundation
@testable import LumaGate
import Synchronization
import Testing

/// The gateway as a business runs it, under fire: two upstream accounts that randomly answer 429,
/// 500, hang past the timeout or fail generations; 500 paid submits with webhooks; the process
/// SIGKILLed twice mid-run and restarted. At the end every task is finished, every credit is
/// accounted for, and every webhook receiver heard every task's changes in order.
@Suite(.serialized) struct ChaosTests {
    static let taskCount = 500

    @Test func crashesAndFlakyUpstreamsLoseNoTaskAndNoCredit() async throws {
        let upstreams = [
            try await FakeDreamMachine.start(queuedSeconds: 0.3, dreamingSeconds: 0.5, chaos: 0.15),
            try await FakeDreamMachine.start(queuedSeconds: 0.3, dreamingSeconds: 0.5, chaos: 0.15),
        ]
        let receiver = try await WebhookReceiver.start()
        let directory = TestGateway.temporaryDirectory()
        for (index, upstream) in upstreams.enumerated() {
            let added = try await ServeProcess.command([
                "channel", "add", "dream-machine", "--name", "account-\(index)", "--key", FakeDreamMachine.apiKey,
                "--base-url", upstream.apiURL, "--data-dir", directory,
            ])
            #expect(added.status == 0, "\(added.output)")
        }
        let secret = try #require(
            try await ServeProcess.command(["token", "create", "--name", "reseller", "--quota", "1000000", "--data-dir", directory])
                .output.split(separator: "\n").last.map(String.init))
        let arguments = [
            "--upstream-callbacks", "off", "--upstream-first-poll", "0.3", "--upstream-min-poll", "0.2", "--upstream-max-poll", "0.5",
            "--upstream-timeout", "1", "--upstream-retry", "0.5", "--webhook-allow-hosts", "127.0.0.1",
            // In PostgreSQL a killed process's claims are waited out rather than freed at restart.
            "--lease-seconds", "3",
        ]
        var server = try await ServeProcess.start(dataDirectory: directory, extraArguments: arguments)
        let submitter = RetryingSubmitter(count: Self.taskCount, urls: [server.baseURL])
        let started = Date()

        let hook = receiver.url + "/hook"
        async let ids = submitter.run(workers: 8, token: secret, keyPrefix: "chaos", retryDelay: .milliseconds(100)) { index in
            #"{"user_prompt": "chaos \#(index)", "notify_hook": "\#(hook)"}"#
        }
        while submitter.submitted < Self.taskCount * 3 / 10 { try await Task.sleep(for: .milliseconds(10)) }
        server.kill()
        server = try await ServeProcess.start(dataDirectory: directory, extraArguments: arguments)
        submitter.urls.withLock { $0 = [server.baseURL] }
        let taskIDs = try await ids
        try await Task.sleep(for: .seconds(1.5))
        server.kill()
        server = try await ServeProcess.start(dataDirectory: directory, extraArguments: arguments)
        submitter.urls.withLock { $0 = [server.baseURL] }

        // Wait until every task is finished, then until every webhook is in.
        let deadline = Date().addingTimeInterval(300)
        var unfinished = taskIDs
        while !unfinished.isEmpty, Date() < deadline {
            var still: [String] = []
            for chunk in stride(from: 0, to: unfinished.count, by: 100).map({ Array(unfinished[$0..<min($0 + 100, unfinished.count)]) }) {
                let body = try JSONSerialization.data(withJSONObject: ["ids": chunk])
                let answer = try await TestGateway.request(
                    .POST, server.baseURL + "/luma/tasks", token: secret, json: String(decoding: body, as: UTF8.self))
                let done = Set(answer.array.filter { ["completed", "failed"].contains($0["state"] as? String) }.compactMap { $0["id"] as? String })
                still += chunk.filter { !done.contains($0) }
            }
            unfinished = still
            if !unfinished.isEmpty { try await Task.sleep(for: .milliseconds(500)) }
        }
        #expect(unfinished.isEmpty, "\(unfinished.count) tasks never finished")
        while Date() < deadline,
            Set(
                receiver.received.compactMap { post -> String? in
                    let state = post.object["state"] as? String
                    return state == "completed" || state == "failed" ? post.object["id"] as? String : nil
                }
            ).count < taskIDs.count
        {
            try await Task.sleep(for: .milliseconds(200))
        }
        let elapsed = Date().timeIntervalSince(started)
        server.stop()

        // The books, read from the store itself.
        let database = try await TestStore.open(directory: directory)
        let books = try await LedgerAudit.read(database, token: "reseller", limit: Self.taskCount * 2)
        let tasks = books.tasks
        var expectedStates: [String: [String]] = [:]
        for task in tasks {
            expectedStates[task.id] = try await TaskRepository(database: database).events(taskID: task.id).dropFirst().map(\.toState.rawValue)
        }
        await database.close()

        #expect(tasks.count == Self.taskCount, "one task per submit, whatever the crashes")
        #expect(Set(tasks.map(\.id)) == Set(taskIDs))
        #expect(tasks.allSatisfy { $0.state.isTerminal })
        books.expectBalanced(taskCount: Self.taskCount)

        // Each receiver heard each task's changes in order (a crash may repeat one, never reorder).
        var heard: [String: [String]] = [:]
        for post in receiver.received(at: "/hook") {
            guard let id = post.object["id"] as? String, let state = post.object["state"] as? String else { continue }
            if heard[id]?.last != state { heard[id, default: []].append(state) }
        }
        let outOfOrder = tasks.filter { heard[$0.id] != expectedStates[$0.id] }
        #expect(outOfOrder.isEmpty, "\(outOfOrder.prefix(3).map { "\($0.id): heard \(heard[$0.id] ?? []) expected \(expectedStates[$0.id] ?? [])" })")

        let calls = upstreams.map(\.recordedCalls.count)
        print(
            """
            chaos run: \(Self.taskCount) submits, 2 SIGKILLs, \(String(format: "%.1f", elapsed)) s
            \(books.summary)
              upstream calls: \(calls.map(String.init).joined(separator: " + ")) (\(String(format: "%.2f", Double(calls.reduce(0, +)) / Double(Self.taskCount))) per task)
              webhooks: \(receiver.received.count) posts, \(heard.count) tasks heard, \(outOfOrder.count) out of order
            """)
        for upstream in upstreams { await upstream.stop() }
        await receiver.stop()
    }
}
