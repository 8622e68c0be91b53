import Foundation
import Testing

/// The dashboard's files come from the binary, need no token, and name their types, so a
/// browser with `nosniff` runs the script and applies the stylesheet. (Tests/browser drives the
/// page itself in Chromium.)
@Suite struct DashboardTests {
    @Test func thePageItsScriptAndStylesheetAreServedWithoutAToken() async throws {
        try await TestGateway.with(configure: { $0.runsPoller = false }) { gateway in
            for (path, type) in [
                ("/dashboard", "text/html"), ("/dashboard/", "text/html"),
                ("/dashboard/app.js", "text/javascript"), ("/dashboard/style.css", "text/css"),
            ] {
                let reply = try await gateway.request(.GET, path)
                #expect(reply.status == 200, "\(path)")
                #expect(reply.header("content-type")?.hasPrefix(type) == true, "\(path): \(reply.header("content-type") ?? "none")")
                #expect(reply.header("x-content-type-options") == "nosniff")
                #expect(reply.body.count > 1000, "\(path)")
            }
            let page = try await gateway.request(.GET, "/dashboard").text
            #expect(page.contains(#"<script src="/dashboard/app.js""#) && page.contains(#"href="/dashboard/style.css""#))
            #expect(!page.contains("http://") && !page.contains("https://"), "everything the page loads is the gateway's own")
            #expect(try await gateway.request(.GET, "/dashboard/other.js").status == 404)
        }
    }
}
