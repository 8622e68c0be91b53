// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "lumagate",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "lumagate", targets: ["lumagate"]),
        .library(name: "LumaGate", targets: ["LumaGate"]),
        .library(name: "LumaGateClient", targets: ["LumaGateClient"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-kit.git", from: "2.17.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/swiftlang/swift-subprocess.git", from: "1.0.2"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.8.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/vapor/multipart-kit.git", from: "4.7.1"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
    ],
    targets: [
        .target(
            name: "LumaGate",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                // Foundation's Process reads past a buffer on Linux (swift-corelibs-foundation #5472).
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                // A ComfyUI machine reports its runs over a WebSocket.
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
            ],
            // The model catalogue and the documents that are served as they are, compiled into the binary so a deployment
            // stays one file (`PackageResources.<file_name>`).
            resources: [
                .embedInCode("Models/models.json"),
                .embedInCode("Upstream/ComfyUI/Templates/comfyui-smoke.json"),
                .embedInCode("Upstream/ComfyUI/Templates/wan-2.2-ti2v-5b.json"),
                .embedInCode("Upstream/ComfyUI/Templates/ltx-video-2b.json"),
                .embedInCode("HTTP/OpenAPI/base.openapi.json"),
                .embedInCode("HTTP/LumaAPI/luma.openapi.json"),
                .embedInCode("HTTP/DreamMachineAPI/dream-machine.openapi.json"),
                .embedInCode("HTTP/OpenAIVideos/openai-videos.openapi.json"),
                .embedInCode("HTTP/AgentsAPI/agents.openapi.json"),
                .embedInCode("HTTP/AceDataCloudAPI/acedatacloud.openapi.json"),
                .embedInCode("HTTP/PiAPI/piapi.openapi.json"),
                .embedInCode("HTTP/Admin/admin.openapi.json"),
                .embedInCode("HTTP/Dashboard/Assets/index.html"),
                .embedInCode("HTTP/Dashboard/Assets/app.js"),
                .embedInCode("HTTP/Dashboard/Assets/style.css"),
            ]
        ),
        // Clients link this alone, never the server: AsyncHTTPClient and the two NIO modules
        // whose types its API takes (ByteBuffer, HTTPMethod), nothing else.
        .target(
            name: "LumaGateClient",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "lumagate",
            dependencies: [
                "LumaGate",
                "LumaGateClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .testTarget(
            name: "LumaGateTests",
            dependencies: [
                "LumaGate",
                "LumaGateClient",
                // The fake upstreams and file hosts tests run are small Hummingbird servers.
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "PropertyBased", package: "swift-property-based"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                // The fake ComfyUI's socket.
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                // Webhook signatures are checked by a second implementation, not the gateway's.
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            exclude: ["Fixtures"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
