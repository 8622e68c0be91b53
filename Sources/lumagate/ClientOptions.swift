import ArgumentParser
import AsyncHTTPClient
import Foundation
import LumaGateClient

/// Where the gateway is and who is asking: shared by the commands that talk to a running
/// gateway over HTTP (rather than to its store, as `token` and `channel` do).
struct ClientOptions: ParsableArguments {
    static let defaultServer = "http://127.0.0.1:8080"

    @Option(help: "The gateway's address. Env: LUMAGATE_SERVER. Default: \(ClientOptions.defaultServer)")
    var server: String?

    @Option(help: "Your API token (from `lumagate token create`). Env: LUMAGATE_TOKEN.")
    var token: String?

    /// Runs `body` with a client, and turns what can go wrong into one line on stderr and a
    /// non-zero exit: the server's own sentence for an HTTP error, the address for a refused
    /// connection. Nothing else is printed, so a script can show the line as it is.
    func withClient(_ body: (LumaClient) async throws -> Void) async throws {
        let environment = ProcessInfo.processInfo.environment
        let server = self.server ?? environment["LUMAGATE_SERVER"].flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultServer
        guard let token = self.token ?? environment["LUMAGATE_TOKEN"].flatMap({ $0.isEmpty ? nil : $0 }) else {
            throw ValidationError("No token: pass --token or set LUMAGATE_TOKEN (`lumagate token create` makes one).")
        }
        guard let url = URL(string: server), url.scheme == "http" || url.scheme == "https", url.host != nil else {
            throw ValidationError("--server must be an http(s) URL such as \(Self.defaultServer); got \(server).")
        }
        // A command is one short conversation: a refused connection should say so at once,
        // not be retried with backoff until the request's deadline as a long-lived service wants.
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(10)
        let http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        let outcome: Result<Void, any Error>
        do {
            try await body(LumaClient(baseURL: server, token: token, httpClient: http))
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        try? await http.shutdown()
        do {
            try outcome.get()
        } catch let error as LumaClientError {
            Output.error("\(error.detail) (HTTP \(error.status)\(error.code.map { " \($0)" } ?? ""))")
            throw ExitCode.failure
        } catch let error as LumaWaitTimeout {
            Output.error("\(error); it goes on at the gateway: `lumagate tasks show \(error.id)` tells its state later")
            throw ExitCode.failure
        } catch let error as ExitCode {
            throw error
        } catch let error as ValidationError {
            throw error
        } catch is CancellationError {
            throw ExitCode.failure
        } catch let error as CocoaError {
            // A local file that could not be read or written: its own message names it.
            Output.error(error.localizedDescription)
            throw ExitCode.failure
        } catch is DecodingError {
            Output.error("the answer from \(server) is not what a lumagate gateway sends; is --server right?")
            throw ExitCode.failure
        } catch {
            // What is left is the connection: refused, reset, timed out, TLS.
            Output.error("could not talk to the gateway at \(server): \(String(describing: error))")
            throw ExitCode.failure
        }
    }
}
