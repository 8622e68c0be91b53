import Testing

@testable import LumaGate

/// ffmpeg's slots: a request waiting with a deadline is served before background runs that came
/// first, and one whose deadline passes is told so.
@Suite struct ProcessSlotsTests {
    @Test func aFreedSlotGoesToTheWaitingRequestFirst() async throws {
        let slots = ProcessSlots(count: 1)
        #expect(await slots.acquire(within: nil))
        let order = Order()
        let background = Task {
            if await slots.acquire(within: nil) { await order.append("background") }
            await slots.release()
        }
        try await Task.sleep(for: .milliseconds(100))
        let request = Task {
            if await slots.acquire(within: .seconds(600)) { await order.append("request") }
            await slots.release()
        }
        try await Task.sleep(for: .milliseconds(100))
        await slots.release()
        await request.value
        await background.value
        #expect(await order.names == ["request", "background"])
    }

    private actor Order {
        var names: [String] = []
        func append(_ name: String) { names.append(name) }
    }

    @Test func aRequestWhoseWaitRunsOutGetsNoSlot() async throws {
        let slots = ProcessSlots(count: 1)
        #expect(await slots.acquire(within: nil))
        #expect(await slots.acquire(within: .milliseconds(50)) == false)
        await slots.release()
        #expect(await slots.acquire(within: .milliseconds(50)))
    }
}
