import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

extension TestGateway {
    /// Reads a stream of Server-Sent Events as it arrives until `enough` holds for the text read so
    /// far (then hangs up), the stream ends, or `timeout` passes (a failure): long, since with every
    /// suite rendering at once a sandbox video can wait minutes for the machine.
    func readStream(
        _ path: String, token: String, headers: [(String, String)] = [], timeout: Duration = .seconds(180),
        until enough: @escaping @Sendable (String) -> Bool
    ) async throws -> (status: Int, text: String) {
        var request = HTTPClientRequest(url: baseURL + path)
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let prepared = request
        return try await withThrowingTaskGroup(of: (status: Int, text: String)?.self) { group in
            group.addTask {
                let response = try await HTTPClient.shared.execute(prepared, timeout: .seconds(300))
                var text = ""
                for try await chunk in response.body {
                    text += String(buffer: chunk)
                    if enough(text) { break }
                }
                return (Int(response.status.code), text)
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let read = try await group.next(), let read else { throw TestFailure("\(path) did not say enough within \(timeout)") }
            return read
        }
    }
}
