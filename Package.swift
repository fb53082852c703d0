// swift-tools-version:6.1
import PackageDescription

// Perch: a self-hosted bot and flow runtime for Bird Conversations.
// Only the adapter targets (MicroHTTP, Curl, YAML) and CPerchShims touch C.

let package = Package(
    name: "Perch",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "perch", targets: ["perch"]),
        .library(name: "PerchTesting", targets: ["PerchTesting"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // System libraries from Debian's -dev packages (installed by scripts/install-deps).
        .systemLibrary(
            name: "CMicroHTTPD", pkgConfig: "libmicrohttpd", providers: [.apt(["libmicrohttpd-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        .target(name: "CPerchShims", dependencies: ["CMicroHTTPD", "CCurl"]),

        // Adapters: the only Swift code that sees C types.
        .target(name: "MicroHTTP", dependencies: ["CPerchShims", "CMicroHTTPD"]),
        .target(name: "Curl", dependencies: ["CPerchShims", "CCurl"]),
        .target(name: "YAML", dependencies: ["CYAML"]),

        // Domain.
        .target(name: "PerchEvents"),
        .target(
            name: "PerchFlows",
            dependencies: ["YAML", "PerchEvents"]),
        .target(
            name: "PerchBird",
            dependencies: [
                "Curl", "PerchEvents",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ]),
        // The store: inbox, dedupe keys, conversation state, outbox, traces. SQLite through GRDB.
        .target(
            name: "PerchStore",
            dependencies: [
                "PerchEvents",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(
            name: "PerchRuntime",
            dependencies: [
                "PerchEvents", "PerchFlows", "PerchBird", "PerchStore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ]),
        .target(
            name: "PerchServer",
            dependencies: [
                "MicroHTTP", "PerchEvents", "PerchBird", "PerchFlows", "PerchRuntime", "PerchStore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]),
        .target(
            name: "PerchTesting",
            dependencies: [
                "MicroHTTP", "Curl", "PerchEvents", "PerchBird",
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        .executableTarget(
            name: "perch",
            dependencies: [
                "PerchServer", "PerchRuntime", "PerchFlows", "PerchBird", "PerchStore", "PerchTesting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            // Idle memory (issue 9): release builds link with lld, pack relative relocations (DT_RELR,
            // glibc 2.36+) and export no symbols, so the loader reads and touches about 3 MB less.
            // Pair with `--static-swift-stdlib` (README, "Development"); Benchmarks/profile-notes.md.
            linkerSettings: [
                .unsafeFlags(
                    [
                        "-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs",
                        "-Xlinker", "--no-export-dynamic",
                    ],
                    .when(platforms: [.linux], configuration: .release))
            ]),

        // Server that Benchmarks/microhttp/run measures against nginx (not a product).
        .executableTarget(name: "MicroHTTPBench", dependencies: ["MicroHTTP"], path: "Benchmarks/microhttp/Sources"),
        // Matching benchmark (release build): ns per event, indexed vs a plain loop.
        .executableTarget(
            name: "MatchingBench", dependencies: ["PerchFlows", "PerchEvents"], path: "Benchmarks/matching/Sources"),
        // libFuzzer target for the decoders and signature schemes: `Fuzz/run [SECONDS]`.
        .executableTarget(
            name: "PerchFuzz", dependencies: ["PerchEvents", "PerchBird", "PerchFlows"], path: "Fuzz/Sources"),

        // One test target per library target.
        .testTarget(name: "MicroHTTPTests", dependencies: ["MicroHTTP", "PerchTesting"]),
        .testTarget(name: "CurlTests", dependencies: ["Curl", "MicroHTTP"]),
        .testTarget(name: "YAMLTests", dependencies: ["YAML"]),
        .testTarget(name: "PerchEventsTests", dependencies: ["PerchEvents"], resources: [.copy("Fixtures")]),
        .testTarget(name: "PerchFlowsTests", dependencies: ["PerchFlows", "PerchEvents", "YAML"]),
        .testTarget(
            name: "PerchBirdTests", dependencies: ["PerchBird", "PerchTesting", "Curl"], resources: [.copy("Fixtures")]),
        .testTarget(name: "PerchStoreTests", dependencies: ["PerchStore"]),
        .testTarget(name: "PerchRuntimeTests", dependencies: ["PerchRuntime", "PerchTesting"]),
        .testTarget(
            name: "PerchServerTests",
            dependencies: ["PerchServer", "PerchRuntime", "PerchTesting", "Curl", "PerchFlows", "PerchStore"],
            // Flow files the tests load by path (see Harness.repositoryRoot), not as resources.
            exclude: ["Fixtures"]),

        // The crash test's fake Bird API as its own process (scripts/crash-test/run).
        .executableTarget(
            name: "CrashFake", dependencies: ["PerchTesting", "PerchEvents"], path: "scripts/crash-test/Sources"),

        // Benchmarks (run with their scripts; never part of the unit tests).
        // Sends per second through BirdClient against the fake Bird API (Benchmarks/client/run).
        .executableTarget(
            name: "ClientBench",
            dependencies: [
                "PerchBird", "PerchTesting", "PerchEvents", "Curl", .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/client/Sources"),
        .executableTarget(
            name: "StoreBench",
            dependencies: ["PerchStore"],
            path: "Benchmarks/store/Sources"),
        // End-to-end benchmark sink: a Bird API stand-in that times each reply (Benchmarks/run).
        .executableTarget(
            name: "E2EBench", dependencies: ["MicroHTTP", "PerchEvents"], path: "Benchmarks/e2e/Sources"),
    ]
)
