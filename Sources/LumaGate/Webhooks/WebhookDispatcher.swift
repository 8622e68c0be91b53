import AsyncHTTPClient
import Crypto
import Foundation
import Logging
import NIOCore
import ServiceLifecycle

/// Works the webhook outbox: POSTs each due delivery, signed with its token's secret, and records
/// the outcome. A receiver that fails or is unreachable is tried again with exponential backoff
/// until the delivery is a day old; its later deliveries for the same task wait, so order is
/// kept. Deliveries go through the outbound policy: a destination that resolves to a forbidden
/// address is given up at once, and a redirect is never followed (it counts as a failure), so a
/// signed body reaches only the URL the client named.
public final class WebhookDispatcher: Service, Sendable {
    public struct Settings: Sendable {
        public var batchSize = 32
        public var leaseSeconds: Double = 60
        /// One deadline for an attempt: connecting, the answer and its body. Generous, since an
        /// attempt that runs out after the receiver took the body is sent again (a duplicate).
        public var timeout: Duration = .seconds(30)
        public var idleInterval: Duration = .milliseconds(200)
        /// The wait after the first failure; it doubles with each attempt, up to `maxRetrySeconds`.
        public var firstRetrySeconds: Double = 1
        public var maxRetrySeconds: Double = 3600
        public var giveUpAfterSeconds: Double = 24 * 3600
        public init() {}
    }

    let deliveries: WebhookRepository
    let outbound: OutboundClient
    let publicURL: PublicURL
    let metrics: GatewayMetrics
    let settings: Settings
    let workerID: String
    let now: @Sendable () -> Date
    let logger: Logger

    public init(
        deliveries: WebhookRepository, outbound: OutboundClient, publicURL: PublicURL,
        metrics: GatewayMetrics = .init(), settings: Settings = .init(),
        workerID: String = UUID().uuidString, now: @escaping @Sendable () -> Date, logger: Logger
    ) {
        self.deliveries = deliveries
        self.outbound = outbound
        self.publicURL = publicURL
        self.metrics = metrics
        self.settings = settings
        self.workerID = workerID
        self.now = now
        self.logger = logger
    }

    /// At shutdown the posts in flight are cut off rather than waited for: a receiver that never
    /// answers would hold the gateway's shutdown for the whole timeout. Each is due again at once
    /// (for the next process, or another gateway on the same store), so it still arrives.
    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                if await self.dispatchOnce(now: self.now()) == 0 {
                    try await Task.sleep(for: self.settings.idleInterval)
                }
            }
        }
    }

    /// Sends every due delivery once, side by side; returns how many there were.
    @discardableResult
    public func dispatchOnce(now: Date) async -> Int {
        let due: [WebhookDelivery]
        do {
            due = try await deliveries.claimDue(
                now: now.millis, limit: settings.batchSize, owner: workerID,
                leaseUntil: now.addingTimeInterval(settings.leaseSeconds).millis)
        } catch is CancellationError {
            return 0  // the gateway is stopping
        } catch {
            logger.error("webhooks: could not claim deliveries: \(error)")
            return 0
        }
        await withTaskGroup(of: Void.self) { group in
            for delivery in due {
                group.addTask { await self.deliver(delivery) }
            }
        }
        return due.count
    }

    private func deliver(_ delivery: WebhookDelivery) async {
        if delivery.eventID != nil, delivery.endpointSecrets.isEmpty {
            // Its endpoint was deleted while the delivery was out.
            try? await deliveries.markFailed(id: delivery.id, owner: workerID, error: "the webhook endpoint was deleted", retryAt: nil)
            return
        }
        let outcome = await post(delivery)
        let cutOff = Task.isCancelled
        // Recorded outside the shutdown's cancellation, which would refuse the write and leave the
        // delivery leased for a minute.
        await Task { await self.record(outcome, of: delivery, cutOffByShutdown: cutOff) }.value
    }

    private func record(_ outcome: OutboundError?, of delivery: WebhookDelivery, cutOffByShutdown: Bool) async {
        let at = now()
        do {
            switch outcome {
            case nil:
                try await deliveries.markDelivered(id: delivery.id, owner: workerID, at: at.millis)
                metrics.recordWebhook("delivered")
            case _ where cutOffByShutdown:
                try await deliveries.markFailed(id: delivery.id, owner: workerID, error: "the gateway shut down while sending", retryAt: at.millis)
            case .refused(let refusal)?:
                logger.warning("webhook \(delivery.id) for task \(delivery.taskID) not sent: \(refusal)")
                try await deliveries.markFailed(id: delivery.id, owner: workerID, error: "not sent: \(refusal)", retryAt: nil)
                metrics.recordWebhook("refused")
            case let error?:
                let delay = min(settings.firstRetrySeconds * pow(2, Double(delivery.attempts)), settings.maxRetrySeconds)
                let retryAt = at.addingTimeInterval(delay)
                let givingUp = retryAt.timeIntervalSince(Date(millis: delivery.createdAtMillis)) > settings.giveUpAfterSeconds
                logger.warning("webhook \(delivery.id) for task \(delivery.taskID): \(error); \(givingUp ? "giving up" : "retrying in \(delay)s")")
                try await deliveries.markFailed(id: delivery.id, owner: workerID, error: error.description, retryAt: givingUp ? nil : retryAt.millis)
                metrics.recordWebhook(givingUp ? "given_up" : "failed")
            }
        } catch {
            logger.error("webhook \(delivery.id): could not record the outcome: \(error)")
        }
    }

    /// nil when the receiver took the delivery (any 2xx), else what went wrong.
    private func post(_ delivery: WebhookDelivery) async -> OutboundError? {
        let body = StoredView.resolve([delivery.payload], asArray: false, publicURL: publicURL)
        var request = HTTPClientRequest(url: delivery.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "lumagate-webhooks")
        request.headers.add(name: "X-Lumagate-Delivery", value: String(delivery.id))
        if let secret = delivery.sharedSecret {
            request.headers.add(name: "X-Webhook-Secret", value: secret)
        }
        if let eventID = delivery.eventID {
            for (name, value) in StandardWebhookSignature.headers(
                id: eventID, body: body.readableBytesView, secrets: delivery.endpointSecrets, at: now())
            {
                request.headers.add(name: name, value: value)
            }
        } else if let secret = delivery.signingSecret {
            request.headers.add(
                name: "X-Lumagate-Signature",
                value: Self.signature(body: Data(body.readableBytesView), secret: secret, at: now()))
        }
        request.body = .bytes(body)
        do {
            let response = try await outbound.send(request, maxBodyBytes: 64 * 1024, timeout: settings.timeout)
            return (200..<300).contains(response.status) ? nil : .status(response.status)
        } catch let error as OutboundError {
            return error
        } catch {
            return .unreachable(String(describing: error))
        }
    }

    /// `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" keyed with the secret>`; the time
    /// inside the signed text lets a receiver refuse replays.
    static func signature(body: Data, secret: String, at date: Date) -> String {
        let timestamp = String(Int64(date.timeIntervalSince1970))
        var signed = Data((timestamp + ".").utf8)
        signed.append(body)
        let mac = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: Data(secret.utf8)))
        return "t=\(timestamp),v1=\(Data(mac).hexString)"
    }
}
