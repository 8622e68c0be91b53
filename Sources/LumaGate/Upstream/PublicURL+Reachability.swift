extension PublicURL {
    /// Refuses (400) a request whose images the gateway stored itself while `upstream` (at
    /// `upstreamBaseURL`) could not fetch them from this public URL: a loopback address, unless
    /// the upstream runs on this machine too.
    func requireImagesReachable(for request: GenerationRequest, by upstream: String, at upstreamBaseURL: String) throws {
        let needsPublicURL = [request.image, request.imageEnd].contains { $0 != nil && $0?.sourceURL == nil }
        guard needsPublicURL, !DreamMachineChannel.canReach(publicURL: base, from: upstreamBaseURL) else { return }
        throw GatewayError.invalidRequest(
            "This gateway's public URL (\(base)) is a loopback address that \(upstream) cannot fetch images from. "
                + "Send image_url as a public http(s) URL, or have the operator set --public-url to an address \(upstream) can reach.")
    }
}
