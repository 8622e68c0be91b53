import Foundation
import Testing

/// `/metrics` in Prometheus' text format: requests, upstream calls, webhooks, tasks and credits.
@Suite struct MetricsTests {
    private static let delivered = #"lumagate_webhook_deliveries_total{outcome="delivered"}"#

    /// The samples of an exposition, by series (name with labels), after checking every line's shape.
    private func samples(_ text: String) throws -> [String: Double] {
        var samples: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let match = try #require(
                line.wholeMatch(of: /([a-z_:][a-z0-9_:]*(?:\{(?:[a-z_]+="(?:[^"\\]|\\.)*",?)*\})?) (-?[0-9.e+]+|\+Inf|NaN)/), "\(line)")
            samples[String(match.output.1)] = Double(match.output.2)
        }
        return samples
    }

    @Test func aMetricsTokenGuardsTheScrapeWhenSet() async throws {
        try await TestGateway.with(configure: {
            $0.runsPoller = false
            $0.metricsToken = "scrape-secret"
        }) { gateway in
            #expect(try await gateway.request(.GET, "/metrics").status == 401)
            #expect(try await gateway.request(.GET, "/metrics", token: "wrong").status == 401)
            let scrape = try await gateway.request(.GET, "/metrics", token: "scrape-secret")
            #expect(scrape.status == 200 && scrape.text.contains("lumagate_tasks{state=\"pending\"} 0"))
        }
    }

    @Test func aScrapeCountsRequestsUpstreamCallsWebhooksTasksAndCredits() async throws {
        let receiver = try await WebhookReceiver.start()
        try await TestGateway.with { gateway in
            let token = try await gateway.createToken()
            let done = try await gateway.submit(token: token, #"{"user_prompt": "counted", "notify_hook": "\#(receiver.url)/m"}"#)["id"] as! String
            let failed = try await gateway.submit(token: token, #"{"user_prompt": "counted sandbox:fail"}"#)["id"] as! String
            for id in [done, failed] { _ = try await gateway.waitForTerminal(id, token: token) }
            _ = try await receiver.wait(for: 2, at: "/m")
            // A delivery is counted once its answer is read, a moment after the receiver has it.
            let deadline = ContinuousClock.now + .seconds(10)
            while try samples(try await gateway.request(.GET, "/metrics").text)[Self.delivered] != 2, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            _ = try await gateway.request(.GET, "/luma/generations/\(UUID().uuidString.lowercased())", token: token)
            _ = try await gateway.request(.GET, "/no/such/route")

            let scrape = try await gateway.request(.GET, "/metrics")
            #expect(scrape.status == 200)
            #expect(scrape.header("content-type")?.hasPrefix("text/plain; version=0.0.4") == true)
            let metrics = try samples(scrape.text)
            #expect(metrics[#"lumagate_tasks{state="completed"}"#] == 1)
            #expect(metrics[#"lumagate_tasks{state="failed"}"#] == 1)
            #expect(metrics[#"lumagate_ledger_credits{kind="charge"}"#] == 142)
            #expect(metrics[#"lumagate_ledger_credits{kind="refund"}"#] == 71)
            #expect(metrics[#"lumagate_upstream_calls_total{call="submit",channel="sandbox",outcome="ok"}"#] == 2)
            #expect((metrics[#"lumagate_upstream_calls_total{call="poll",channel="sandbox",outcome="ok"}"#] ?? 0) >= 2)
            #expect(metrics[Self.delivered] == 2)
            let notFound = metrics.filter { $0.key.hasPrefix("lumagate_http_requests_total{") && $0.key.contains(#"status="404""#) }
            #expect(notFound.values.reduce(0, +) == 2, "\(notFound)")
            #expect(notFound.keys.contains { $0.contains(#"route="NotFound""#) }, "unknown paths share one series: \(notFound.keys)")
            #expect(!metrics.keys.contains { $0.contains(token) || $0.contains(done) }, "no token or task id in a series")
            let queries = metrics.filter { $0.key.hasPrefix("lumagate_http_request_duration_seconds_count{") && $0.key.contains("generations") }
            #expect(!queries.isEmpty && queries.keys.allSatisfy { !$0.contains(done) }, "routes are patterns: \(queries.keys)")
        }
        await receiver.stop()
    }
}
