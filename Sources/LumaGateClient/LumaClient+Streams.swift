import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Waiting without polling: the gateway's streams of Server-Sent Events (a task's, and all of a
/// token's tasks'), read with `Last-Event-ID` across reconnects so nothing is missed or repeated.
extension LumaClient {
    /// Follows a relay-format task's stream until it is completed or failed and returns it as it
    /// finished; a failed task is returned, not thrown, with its `failureReason`. `onUpdate` hears
    /// the task as it is when the stream opens and at each change. Busy answers (429, 502-504),
    /// lost connections and a gateway restarting are waited out (`pollInterval` apart) and the
    /// stream resumed within `timeout`; other errors are thrown at once. Throws `LumaWaitTimeout`
    /// when time is up.
    public func waitUntilFinished(
        id: String,
        pollInterval: Duration = .seconds(1),
        timeout: Duration = .seconds(600),
        onUpdate: (@Sendable (LumaTaskProgress) async -> Void)? = nil
    ) async throws -> LumaTask {
        let clock = ContinuousClock()
        let start = clock.now
        var lastState: LumaTaskState?
        var lastEventID: String?
        while true {
            var pause = pollInterval
            var finished: LumaTask?
            do {
                try await followEvents("/luma/generations/\(escaped(id))/stream", lastEventID: &lastEventID, until: start + timeout) { data, _ in
                    let task = try JSONDecoder().decode(LumaTask.self, from: data)
                    await onUpdate?(LumaTaskProgress(task: task, elapsed: clock.now - start, stateChanged: task.state != lastState))
                    lastState = task.state
                    if task.state.isFinished { finished = task }
                    return task.state.isFinished
                }
                if let finished { return finished }
                // The stream ended unfinished: the gateway is shutting down; its tasks go on.
            } catch let error as LumaClientError {
                guard error.isTransient else { throw error }
                if let seconds = error.retryAfterSeconds { pause = max(pause, .seconds(seconds)) }
            } catch let error as DecodingError {
                throw error
            } catch let error as HTTPClientError where error == .deadlineExceeded {
                // The stream's deadline is the wait's: the time is up.
                throw LumaWaitTimeout(id: id, lastState: lastState, elapsed: clock.now - start)
            } catch  where lastState != nil && !(error is CancellationError) {
                // A lost connection once the task was seen is the gateway restarting, not the task
                // failing: it keeps its tasks. Before that, it is more likely a wrong address.
            }
            let elapsed = clock.now - start
            guard elapsed + pause <= timeout else {
                throw LumaWaitTimeout(id: id, lastState: lastState, elapsed: elapsed)
            }
            try await Task.sleep(for: pause)
        }
    }

    /// Follows every relay-format task of the token (`GET /luma/stream`), handing each change to
    /// `onChange` with its event id, until it answers false. With `lastEventID` (an event id
    /// `onChange` was given, or "0" for every task), the tasks changed since are handed over
    /// first. Lost connections and busy answers are waited out and the stream resumed.
    public func watchTasks(
        from lastEventID: String? = nil, reconnectAfter pause: Duration = .seconds(1),
        onChange: (LumaTask, String?) async throws -> Bool
    ) async throws {
        var lastEventID = lastEventID
        var stopped = false
        while !stopped {
            do {
                try await followEvents("/luma/stream", lastEventID: &lastEventID, until: nil) { data, eventID in
                    stopped = !(try await onChange(try JSONDecoder().decode(LumaTask.self, from: data), eventID))
                    return stopped
                }
            } catch let error as LumaClientError {
                guard error.isTransient else { throw error }
                try await Task.sleep(for: max(pause, .seconds(error.retryAfterSeconds ?? 0)))
                continue
            } catch let error as DecodingError {
                throw error
            } catch  where !(error is CancellationError) {
                // The gateway went away: it keeps its tasks, and the stream resumes where it was.
            }
            if !stopped { try await Task.sleep(for: pause) }
        }
    }

    /// Reads the stream at `path` until it ends or `handle` answers true, keeping `lastEventID`
    /// current for a resume. Throws `LumaClientError` for an error answer.
    func followEvents(
        _ path: String, lastEventID: inout String?, until deadline: ContinuousClock.Instant?,
        handle: (_ data: Data, _ eventID: String?) async throws -> Bool
    ) async throws {
        var request = HTTPClientRequest(url: baseURL + path)
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Accept", value: "text/event-stream")
        if let lastEventID { request.headers.add(name: "Last-Event-ID", value: lastEventID) }
        let remaining = deadline.map { ContinuousClock.now.duration(to: $0) } ?? .seconds(365 * 86400)
        let response = try await httpClient.execute(request, deadline: .now() + .nanoseconds(Int64(remaining / .nanoseconds(1))))
        guard response.status == .ok else {
            let body = try await response.body.collect(upTo: Self.maxJSONBytes)
            throw Self.error(status: Int(response.status.code), headers: response.headers, body: Data(body.readableBytesView))
        }
        var parser = ServerSentEventParser()
        for try await chunk in response.body {
            for event in parser.feed(Data(chunk.readableBytesView)) {
                lastEventID = event.id ?? lastEventID
                if try await handle(event.data, event.id) { return }
            }
            if let deadline, ContinuousClock.now >= deadline { return }
        }
    }
}
