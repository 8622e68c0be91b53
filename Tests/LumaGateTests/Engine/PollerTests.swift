import Foundation
import LumaGate
import Testing

/// The poller, stepped by hand with a manual clock.
@Suite struct PollerTests {
    @Test func sandboxTaskWalksPendingProcessingCompletedOnSchedule() async throws {
        let clock = ManualClock()
        try await TestGateway.with(now: { clock.now }, configure: { $0.runsPoller = false }) { gateway in
            let token = try await gateway.createToken()
            let id = try await gateway.submit(token: token, #"{"user_prompt": "stepped by hand"}"#)["id"] as! String
            let poller = gateway.gateway.poller
            let tasks = gateway.gateway.tasks

            #expect(await poller.pollOnce(now: clock.now) == 1, "submits upstream")
            #expect(try await tasks.find(id: id)?.upstreamID != nil)
            _ = await poller.pollOnce(now: clock.now)
            #expect(try await tasks.find(id: id)?.state == .pending, "still queued")
            clock.advance(0.1)
            #expect(await poller.pollOnce(now: clock.now) == 0, "not due before the queue time is over")

            clock.advance(0.15)
            #expect(await poller.pollOnce(now: clock.now) == 1)
            #expect(try await tasks.find(id: id)?.state == .processing)

            clock.advance(0.4)
            #expect(await poller.pollOnce(now: clock.now) == 1, "starts the render")
            #expect(try await tasks.find(id: id)?.state == .processing, "a render runs apart from the poller")
            try await gateway.pollUntilFinished(id, clock: clock)
            let done = try #require(try await tasks.find(id: id))
            #expect(done.state == .completed)
            #expect(done.media?.video?.width == 1360)
            #expect(done.nextPollAtMillis == nil, "a terminal task is never polled again")
            clock.advance(60)
            #expect(await poller.pollOnce(now: clock.now) == 0)
        }
    }

    /// A pass writes what its polls found together: every task that started upstream moves once,
    /// with its event, its next poll and its stored view (which a query that had cached the task
    /// sees at once); a task failed or deleted meanwhile is left as it is, and the batched move
    /// itself leaves alone any task that is no longer pending or was deleted.
    @Test func aPassStartsManyTasksTogetherAndLeavesTheOthersAlone() async throws {
        let clock = ManualClock()
        try await TestGateway.with(now: { clock.now }, configure: { $0.runsPoller = false }) { gateway in
            let token = try await gateway.createToken()
            var ids: [String] = []
            for n in 0..<12 { ids.append(try await gateway.submit(token: token, #"{"user_prompt": "one of many \#(n)"}"#)["id"] as! String) }
            let poller = gateway.gateway.poller
            let tasks = gateway.gateway.tasks
            func state(_ id: String) async throws -> String? {
                try await gateway.request(.GET, "/luma/generations/\(id)", token: token).object["state"] as? String
            }
            #expect(await poller.pollOnce(now: clock.now) == 12, "submits them all upstream")
            for id in ids { #expect(try await state(id) == "pending") }

            let (failed, deleted) = (ids[0], ids[1])
            _ = try await tasks.transition(
                id: failed, from: .pending, to: .failed, changes: .init(failureReason: "failed meanwhile"),
                reason: "failed meanwhile", at: clock.now.millis)
            #expect(try await gateway.request(.DELETE, "/dream-machine/v1/generations/\(deleted)", token: token).status == 204)
            clock.advance(0.25)
            #expect(await poller.pollOnce(now: clock.now) == 10)
            for id in ids.dropFirst(2) {
                let task = try #require(try await tasks.find(id: id))
                #expect(task.state == .processing)
                #expect(task.nextPollAtMillis.map { $0 > clock.now.millis } == true, "due when its dreaming is over")
                #expect(try await tasks.events(taskID: id).map(\.toState) == [.pending, .processing])
                #expect(try await state(id) == "processing")
            }
            let stale = [failed, deleted, ids[2]].map { (id: $0, nextPollAtMillis: clock.now.millis) }
            #expect(try await tasks.transition(stale, from: .pending, to: .processing, reason: "stale", at: clock.now.millis).isEmpty)
            #expect(try await tasks.events(taskID: failed).map(\.toState) == [.pending, .failed])
            #expect(try await state(failed) == "failed")
            #expect(try await gateway.request(.GET, "/luma/generations/\(deleted)", token: token).status == 404)
            #expect(await poller.pollOnce(now: clock.now) == 0, "none is due again before its own time")
        }
    }

    /// SQLite belongs to one process, so a lease found at start is its own previous life's and is
    /// freed at once; in PostgreSQL it may be another live process's, so it is waited out.
    @Test func workLeftLeasedByADeadProcessIsPickedUpAgain() async throws {
        let directory = TestGateway.temporaryDirectory()
        let first = try await TestGateway.start(directory: directory, configure: { $0.runsPoller = false })
        let token = try await first.createToken()
        let id = try await first.submit(token: token, #"{"user_prompt": "interrupted"}"#)["id"] as! String
        // Another worker claims the task and "dies" holding a lease that has not expired.
        let claimed = try await first.gateway.tasks.claimDue(
            now: Date().millis, limit: 10, owner: "worker-that-died",
            leaseUntil: Date().addingTimeInterval(TestStore.isPostgres ? 2 : 3600).millis)
        #expect(claimed.map(\.id) == [id])
        await first.stop()

        let second = try await TestGateway.start(directory: directory)
        let task = try await second.waitForTerminal(id, token: token)
        #expect(task["state"] as? String == "completed")
        await second.stop()
    }

    @Test func transitionsAreCompareAndSetAndTerminalStatesAreFinal() async throws {
        try await TestGateway.with(configure: { $0.runsPoller = false }) { gateway in
            let token = try await gateway.createToken()
            let id = try await gateway.submit(token: token, #"{"user_prompt": "raced"}"#)["id"] as! String
            let tasks = gateway.gateway.tasks
            let now = Date().millis

            // Ten racers try to fail the same pending task: exactly one wins.
            let winners = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<10 {
                    group.addTask {
                        try await tasks.transition(
                            id: id, from: .pending, to: .failed,
                            changes: .init(failureReason: "racer \(index)"), reason: "race", at: now) != nil
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(winners == 1)
            #expect(try await tasks.events(taskID: id).map(\.toState) == [.pending, .failed])
            let late = try await tasks.transition(id: id, from: .processing, to: .completed, changes: .init(), reason: "late", at: now)
            #expect(late == nil)
            #expect(try await tasks.find(id: id)?.state == .failed)
        }
    }

    @Test func aTaskPastTheMaximumAgeIsFailedWithAReason() async throws {
        let clock = ManualClock()
        try await TestGateway.with(
            now: { clock.now },
            configure: {
                $0.runsPoller = false
                $0.poller.maxTaskAgeSeconds = 600
            }
        ) { gateway in
            let token = try await gateway.createToken()
            let id = try await gateway.submit(token: token, #"{"user_prompt": "forgotten"}"#)["id"] as! String
            clock.advance(601)
            #expect(await gateway.gateway.poller.pollOnce(now: clock.now) == 1)
            let task = try #require(try await gateway.gateway.tasks.find(id: id))
            #expect(task.state == .failed)
            #expect(task.failureReason == "The task did not finish within 10 min and was stopped; submit it again.")
        }
    }

    @Test func statesOnlyMoveForward() {
        #expect(TaskState.pending.canMove(to: .processing))
        #expect(TaskState.processing.canMove(to: .completed))
        #expect(!TaskState.processing.canMove(to: .pending))
        for terminal in [TaskState.completed, .failed] {
            #expect(TaskState.allCases.allSatisfy { !terminal.canMove(to: $0) })
        }
    }
}
