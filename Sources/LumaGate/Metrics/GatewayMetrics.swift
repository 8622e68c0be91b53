import Foundation
import Prometheus
import Synchronization

/// The gateway's Prometheus metrics, one registry per gateway (no global state): requests by route
/// and status with latency histograms, upstream calls by channel and outcome, webhook deliveries
/// by outcome, and, read from the store at each scrape, tasks by state and the ledger's credits.
public final class GatewayMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()

    private static let latencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
    ]

    /// Each route, method and status's counter and histogram, made once: looking them up in the
    /// registry with their labels on every request costs the poll path more than the store does.
    private let requestSeries = Mutex<[String: (counter: Counter, histogram: DurationHistogram)]>([:])

    public init() {}

    /// One answered request; `route` is the matched route's pattern, not the concrete path.
    func recordRequest(route: String, method: String, status: Int, duration: Duration) {
        let key = "\(method) \(route) \(status)"
        let series = requestSeries.withLock { series in
            if let known = series[key] { return known }
            let made = (
                counter: registry.makeCounter(
                    descriptor: .init(namespace: "lumagate", metricName: "http_requests", unitName: "total", helpText: "HTTP requests answered"),
                    labels: [("route", route), ("method", method), ("status", String(status))]),
                histogram: registry.makeDurationHistogram(
                    descriptor: .init(
                        namespace: "lumagate", metricName: "http_request_duration", unitName: "seconds", helpText: "Time to answer a request"),
                    labels: [("route", route), ("method", method)], buckets: Self.latencyBuckets)
            )
            series[key] = made
            return made
        }
        series.counter.increment()
        series.histogram.record(duration)
    }

    /// One call to (or callback from) an upstream: `call` is submit, poll or callback; `outcome` is
    /// ok or the kind of error.
    func recordUpstream(_ call: String, channel: String, outcome: String) {
        registry.makeCounter(
            descriptor: .init(
                namespace: "lumagate", metricName: "upstream_calls", unitName: "total",
                helpText: "Submits, polls and callbacks by channel and outcome"),
            labels: [("call", call), ("channel", channel), ("outcome", outcome)]
        ).increment()
    }

    /// One webhook attempt: delivered, failed (to be retried) or given_up.
    func recordWebhook(_ outcome: String) {
        registry.makeCounter(
            descriptor: .init(
                namespace: "lumagate", metricName: "webhook_deliveries", unitName: "total",
                helpText: "Client webhook attempts by outcome"),
            labels: [("outcome", outcome)]
        ).increment()
    }

    /// The exposition text, with the store's current counts set first.
    func exposition(tasksByState: [TaskState: Int], credits: [LedgerEntry.Kind: Int64]) -> [UInt8] {
        for state in TaskState.allCases {
            registry.makeGauge(
                descriptor: .init(namespace: "lumagate", metricName: "tasks", unitName: "", helpText: "Tasks in the store by state"),
                labels: [("state", state.rawValue)]
            ).set(Double(tasksByState[state] ?? 0))
        }
        for kind in [LedgerEntry.Kind.charge, .refund] {
            registry.makeGauge(
                descriptor: .init(
                    namespace: "lumagate", metricName: "ledger_credits", unitName: "",
                    helpText: "Credits charged and refunded, all tokens together"),
                labels: [("kind", kind.rawValue)]
            ).set(Double(credits[kind] ?? 0))
        }
        return registry.emitToBuffer()
    }
}
