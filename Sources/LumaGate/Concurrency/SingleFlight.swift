/// Work done once for any number of concurrent callers with the same key: the first starts it,
/// the others wait for its result (a derived file such as a spritesheet, made by one ffmpeg run
/// however many requests ask for it at once). Nothing is kept after it finishes.
actor SingleFlight<Key: Hashable & Sendable, Value: Sendable> {
    private var running: [Key: Task<Value, any Error>] = [:]

    func run(_ key: Key, _ work: @escaping @Sendable () async throws -> Value) async throws -> Value {
        if let task = running[key] { return try await task.value }
        let task = Task { try await work() }
        running[key] = task
        defer { running[key] = nil }
        return try await task.value
    }
}
