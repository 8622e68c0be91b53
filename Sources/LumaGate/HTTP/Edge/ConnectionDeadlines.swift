import NIOCore
import NIOHTTPTypes

/// Holds every client connection to `EdgeLimits`, one instance per connection, placed after the
/// HTTP decoder: a connection with nothing under way is closed after the idle timeout; once a
/// request's first bytes arrive (a read that completes no head) its head must be complete within
/// the header timeout; its body must keep arriving at the least rate; while the gateway works on
/// the request and answers it, no deadline runs (that time is the handler's). Connections past
/// the open limit are closed as they come. While it answers, a client that lets the send buffer
/// fill (the channel is not writable) must read again within the stalled-reader timeout.
final class ConnectionDeadlines: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private enum Phase {
        /// Waiting for the next request's first byte.
        case idle
        /// Its first bytes came; waiting for the rest of its head.
        case head
        /// Reading its body: the bytes seen in the current window.
        case body(bytesThisWindow: Int)
        /// The request is read; the gateway is answering it.
        case answering
    }

    private let limits: EdgeLimits
    private let open: OpenConnections
    private var phase = Phase.idle
    /// Requests read whose answers have not ended yet (HTTP/1.1 may pipeline several).
    private var unanswered = 0
    private var counted = false
    /// When the current phase's time is up; nil while the gateway answers.
    private var deadline: NIODeadline?
    /// At most one timer: moving a deadline later is a store, and the timer, when it fires, looks
    /// at the deadline then; only a deadline earlier than the timer replaces it. A keep-alive
    /// connection's requests mostly cost no timer of their own.
    private var timer: (task: Scheduled<Void>, due: NIODeadline)?

    init(limits: EdgeLimits, open: OpenConnections) {
        self.limits = limits
        self.open = open
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stop()
    }

    func channelInactive(context: ChannelHandlerContext) {
        stop()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            unanswered += 1
            phase = .body(bytesThisWindow: 0)
            arm(context, after: limits.bodyTimeout)
        case .body(let bytes):
            if case .body(let seen) = phase { phase = .body(bytesThisWindow: seen + bytes.readableBytes) }
        case .end:
            phase = .answering
            deadline = nil
        }
        context.fireChannelRead(data)
    }

    /// Bytes arrived; when they completed no head, they began one.
    func channelReadComplete(context: ChannelHandlerContext) {
        if case .idle = phase {
            phase = .head
            arm(context, after: limits.headerTimeout)
        }
        context.fireChannelReadComplete()
    }

    /// The send buffer filled (the client reads slower than the answer comes) or drained again.
    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if case .answering = phase {
            if context.channel.isWritable {
                deadline = nil
            } else {
                arm(context, after: limits.stalledReaderTimeout)
            }
        }
        context.fireChannelWritabilityChanged()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            unanswered = max(unanswered - 1, 0)
            if unanswered == 0, case .answering = phase {
                phase = .idle
                arm(context, after: limits.idleTimeout)
            }
        }
        context.write(data, promise: promise)
    }

    private func start(_ context: ChannelHandlerContext) {
        guard !counted else { return }
        guard open.enter() else {
            context.close(promise: nil)
            return
        }
        counted = true
        arm(context, after: limits.idleTimeout)
    }

    private func stop() {
        timer?.task.cancel()
        timer = nil
        deadline = nil
        if counted {
            counted = false
            open.leave()
        }
    }

    private func arm(_ context: ChannelHandlerContext, after delay: Duration) {
        let due = NIODeadline.now() + TimeAmount(delay)
        deadline = due
        if let timer, timer.due <= due { return }
        schedule(context, at: due)
    }

    private func schedule(_ context: ChannelHandlerContext, at due: NIODeadline) {
        timer?.task.cancel()
        let task = context.eventLoop.assumeIsolatedUnsafeUnchecked().scheduleTask(deadline: due) { [self] in
            timer = nil
            check(context)
        }
        timer = (task, due)
    }

    private func check(_ context: ChannelHandlerContext) {
        guard counted, let due = deadline else { return }
        guard NIODeadline.now() >= due else {
            schedule(context, at: due)
            return
        }
        switch phase {
        case .body(let seen) where seen >= limits.minBodyBytesPerWindow:
            phase = .body(bytesThisWindow: 0)
            arm(context, after: limits.bodyTimeout)
        case .idle, .head, .body:
            context.close(promise: nil)
        case .answering where !context.channel.isWritable:
            context.close(promise: nil)
        case .answering:
            deadline = nil
        }
    }
}
