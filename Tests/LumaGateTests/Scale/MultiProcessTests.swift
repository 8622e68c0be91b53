import Foundation
@testable import LumaGate
import SQLKit
import Synchronization
import Testing

/// Three gateway processes on one PostgreSQL, behind no balancer but the client's own round robin,
/// sharing one (slightly chaotic) fake Luma account: 2,000 paid submits, and one process SIGKILLed
/// mid-run. At the end every task is finished, no task was polled by two processes inside one
/// lease, and the ledger balances.
@Suite(.serialized, .enabled(if: TestStore.isPostgres, "needs LUMAGATE_TEST_POSTGRES_URL"))
struct MultiProcessTests {
    static let taskCount = 2000
    static let processCount = 3
    /// The shortest wait between two polls of one task the gateways are told to keep (the upstream
    /// retry); two polls closer than half of it mean two processes held the task at once.
    static let shortestPollGap = 0.5

    @Test func threeProcessesActAsOneGatewayAndSurviveLosingOne() async throws {
        let upstream = try await FakeDreamMachine.start(queuedSeconds: 1, dreamingSeconds: 1, chaos: 0.05)
        let directory = TestGateway.temporaryDirectory()
        let added = try await ServeProcess.command([
            "channel", "add", "dream-machine", "--name", "luma", "--key", FakeDreamMachine.apiKey,
            "--base-url", upstream.apiURL, "--data-dir", directory,
        ])
        #expect(added.status == 0, "\(added.output)")
        let secret = try #require(
            try await ServeProcess.command(["token", "create", "--name", "reseller", "--quota", "10000000", "--data-dir", directory])
                .output.split(separator: "\n").last.map(String.init))
        let arguments = [
            "--upstream-callbacks", "off", "--upstream-first-poll", "2", "--upstream-min-poll", "1", "--upstream-max-poll", "2",
            "--upstream-timeout", "2", "--upstream-retry", "\(Self.shortestPollGap)", "--lease-seconds", "5",
        ]
        // Every process shares the data directory (as the shared media storage of a real
        // deployment) and the store. Without ffmpeg on the PATH, completed videos skip the
        // last-frame and palette extraction, which would spend this 2-core machine on decoding.
        let environment = ["PATH": "/nonexistent"]
        var servers: [ServeProcess] = []
        for _ in 0..<Self.processCount {
            servers.append(try await ServeProcess.start(dataDirectory: directory, extraArguments: arguments, environment: environment))
        }
        let submitter = RetryingSubmitter(count: Self.taskCount, urls: servers.map(\.baseURL))
        let started = Date()

        // A submit cut off by the kill is sent again, with its Idempotency-Key, to another process.
        async let ids = submitter.run(workers: 12, token: secret, keyPrefix: "multi", retryDelay: .milliseconds(50)) { index in
            #"{"user_prompt": "multi-process \#(index)"}"#
        }
        while submitter.submitted < Self.taskCount * 4 / 10 { try await Task.sleep(for: .milliseconds(10)) }
        let victim = servers.remove(at: 1)
        submitter.urls.withLock { $0[1] = nil }
        victim.kill()
        let taskIDs = try await ids
        let submittedIn = Date().timeIntervalSince(started)

        // Wait until the store holds every task finished.
        let database = try await TestStore.open(directory: directory)
        let deadline = Date().addingTimeInterval(600)
        var unfinished = Self.taskCount
        while unfinished > 0, Date() < deadline {
            unfinished = try await Self.count("SELECT COUNT(*) AS n FROM tasks WHERE state IN ('pending', 'processing')", in: database)
            if unfinished > 0 { try await Task.sleep(for: .milliseconds(500)) }
        }
        let elapsed = Date().timeIntervalSince(started)
        for server in servers { server.stop() }

        let books = try await LedgerAudit.read(database, token: "reseller", limit: Self.taskCount * 2)
        let tasks = books.tasks
        await database.close()

        #expect(unfinished == 0, "\(unfinished) tasks never finished")
        #expect(tasks.count == Self.taskCount, "one task per submit, whichever process took it and whatever died")
        #expect(Set(tasks.map(\.id)) == Set(taskIDs))
        #expect(tasks.allSatisfy { $0.state.isTerminal })
        books.expectBalanced(taskCount: Self.taskCount)

        // What the upstream saw: polls per generation in time order, and which process made each.
        let calls = upstream.recordedCalls
        var polls: [String: [FakeDreamMachine.Call]] = [:]
        for call in calls where call.method == "GET" {
            polls[String(call.path.split(separator: "/").last ?? ""), default: []].append(call)
        }
        var overlapping: [String] = []
        var polledByMoreThanOne = 0
        for (generation, list) in polls {
            let ordered = list.sorted { $0.at < $1.at }
            for (earlier, later) in zip(ordered, ordered.dropFirst())
            where later.at.timeIntervalSince(earlier.at) < Self.shortestPollGap / 2 {
                overlapping.append(
                    "\(generation): \(earlier.userAgent ?? "?") and \(later.userAgent ?? "?") \(later.at.timeIntervalSince(earlier.at)) s apart")
            }
            if Set(ordered.map(\.userAgent)).count > 1 { polledByMoreThanOne += 1 }
        }
        #expect(overlapping.isEmpty, "two processes polled one task inside one lease: \(overlapping.prefix(3))")
        let pollers = Set(calls.filter { $0.method == "GET" }.compactMap(\.userAgent))
        // The killed process may die before any of its tasks is due for a first poll; each of the
        // others must have polled.
        func polled(_ server: ServeProcess) -> Bool { pollers.contains { $0.hasSuffix("-\(server.process.processIdentifier))") } }
        for server in servers {
            #expect(polled(server), "process \(server.process.processIdentifier) polled: \(pollers)")
        }
        // A submit the killed process sent but never recorded is sent again once its lease ends.
        let submits = calls.filter { $0.method == "POST" }.count
        let prompts = upstream.allGenerations.map(\.prompt)
        let resubmitted = prompts.count - Set(prompts.map { $0.replacingOccurrences(of: " moderate", with: "") }).count
        #expect(resubmitted <= 16, "at most what the killed process had in flight was sent twice")

        print(
            """
            multi-process run: \(Self.processCount) processes on PostgreSQL, \(Self.taskCount) submits, 1 SIGKILL, \
            submitted in \(String(format: "%.1f", submittedIn)) s, all finished in \(String(format: "%.1f", elapsed)) s
            \(books.summary)
              upstream: \(submits) submits (\(resubmitted) sent twice), \(calls.count - submits) polls, \
            \(String(format: "%.2f", Double(calls.count) / Double(Self.taskCount))) calls per task; \(pollers.count) processes polled \
            (the killed one \(polled(victim) ? "among them" : "not")), \
            \(polledByMoreThanOne) tasks polled by more than one, \(overlapping.count) polls inside another's lease
            """)
        await upstream.stop()
    }

    /// A token limited to 6 requests a minute gets 6 in all from two processes, not 6 from each.
    @Test func aTokensRequestLimitHoldsAcrossProcesses() async throws {
        let directory = TestGateway.temporaryDirectory()
        let secret = try #require(
            try await ServeProcess.command(["token", "create", "--name", "metered", "--requests-per-minute", "6", "--data-dir", directory])
                .output.split(separator: "\n").last.map(String.init))
        let servers = [try await ServeProcess.start(dataDirectory: directory), try await ServeProcess.start(dataDirectory: directory)]
        defer { for server in servers { server.stop() } }
        for index in 0..<6 {
            let answer = try await TestGateway.request(.GET, servers[index % 2].baseURL + "/luma/generations", token: secret)
            #expect(answer.status == 200, "request \(index + 1) of 6")
        }
        for server in servers {
            let refused = try await TestGateway.request(.GET, server.baseURL + "/dream-machine/v1/ping", token: secret)
            #expect(refused.status == 429)
            #expect(refused.object["code"] as? String == "rate_limited")
            #expect(
                (1...10).contains(Int(refused.header("retry-after") ?? "") ?? 0), "one slot every 10 s: \(refused.header("retry-after") ?? "none")")
        }
    }

    /// Streams held on one gateway hear the changes another gateway process makes on the same
    /// PostgreSQL: here every change is the other's (this one runs no poller), and reaches the
    /// task's stream, the token's stream and a held GET within a second.
    @Test func aStreamHeldOnOneProcessSeesATaskAnotherFinishes() async throws {
        let directory = TestGateway.temporaryDirectory()
        let secret = try #require(
            try await ServeProcess.command(["token", "create", "--name", "watcher", "--data-dir", directory])
                .output.split(separator: "\n").last.map(String.init))
        let worker = try await ServeProcess.start(
            dataDirectory: directory, extraArguments: ["--sandbox-queued-seconds", "1", "--sandbox-dreaming-seconds", "1"])
        defer { worker.stop() }
        try await TestGateway.with(directory: directory, configure: { $0.runsPoller = false }) { watcher in
            let tokenStream = Task {
                try await watcher.readStream("/luma/stream", token: secret) { text in text.contains(#""state":"completed""#) }
            }
            try await Task.sleep(for: .milliseconds(300))
            let submitted = try await TestGateway.request(
                .POST, worker.baseURL + "/luma/generations", token: secret, json: #"{"user_prompt": "made next door"}"#)
            let id = try #require(submitted.object["id"] as? String)
            let tag = try #require(try await watcher.request(.GET, "/luma/generations/\(id)", token: secret).header("ETag"))
            let held = try await watcher.request(
                .GET, "/luma/generations/\(id)", token: secret, headers: [("If-None-Match", tag), ("Prefer", "wait=30")])
            #expect(held.status == 200 && held.header("ETag") != tag, "the held GET answered at the other's change")

            let taskStream = try await watcher.readStream("/luma/generations/\(id)/stream", token: secret) { _ in false }
            let states = TaskFollowingTests.events(taskStream.text).map { $0.object["state"] as? String }
            #expect(states.last == "completed", "\(taskStream.text)")
            let all = try await tokenStream.value
            #expect(all.text.contains(id) && all.text.contains(#""state":"completed""#), "\(all.text)")
        }
    }

    private static func count(_ query: String, in database: Database) async throws -> Int {
        try await database.read { sql in
            try await sql.raw(SQLQueryString(query)).first()?.decode(column: "n", as: Int.self) ?? 0
        }
    }
}
