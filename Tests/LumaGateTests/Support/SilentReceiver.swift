import Foundation
import Glibc
import Synchronization

/// A webhook endpoint on 127.0.0.1 that takes connections and what is sent on them, and never
/// answers: the receiver a gateway must not wait on for ever. Counts the connections it took.
final class SilentReceiver: Sendable {
    let url: String
    private let listener: Int32
    private let taken = Mutex<[Int32]>([])

    var connections: Int { taken.withLock { $0.count } }

    init() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(listener, pointer, length) == 0 && listen(listener, 16) == 0 && getsockname(listener, pointer, &length) == 0
            }
        }
        guard bound else { throw TestFailure("the silent receiver could not listen: errno \(errno)") }
        self.listener = listener
        url = "http://127.0.0.1:\(UInt16(bigEndian: address.sin_port))"
        let thread = Thread { [self] in
            // Ends when `stop` closes the listener.
            while case let connection = accept(listener, nil, nil), connection >= 0 {
                taken.withLock { $0.append(connection) }
            }
        }
        thread.start()
    }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        taken.withLock { $0.forEach { _ = close($0) } }
    }
}
