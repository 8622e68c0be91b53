/// A task's state change as both the admin API and the relay face's timeline show it.
enum TaskEventView {
    static func render(_ event: TaskEvent) -> JSONValue {
        .object([
            ("at", .string(RFC3339.timestamp(event.atMillis))),
            ("from", .optional(event.fromState?.rawValue)),
            ("to", .string(event.toState.rawValue)),
            ("reason", .string(event.reason)),
        ])
    }
}
