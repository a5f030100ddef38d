// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Quorum",
    // Built and run on Linux (Debian 12) with Swift 6.3; the macOS line only lets the
    // package's APIs resolve there.
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "quorum", targets: ["quorum"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.20.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        // Spawning and awaiting child processes: the embedded cluster's pg_ctl, the tests' children.
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.5.0"),
    ],
    targets: [
        // C libraries, wrapped by exactly one module each.
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CGD", pkgConfig: "gdlib", providers: [.apt(["libgd-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CCairo", pkgConfig: "cairo", providers: [.apt(["libcairo2-dev"])]),
        .systemLibrary(name: "CFreeType", pkgConfig: "freetype2", providers: [.apt(["libfreetype-dev"])]),
        .systemLibrary(name: "CMalloc"),
        // Country names from the system's ICU and its CLDR data: the ICU inside Foundation
        // names some countries otherwise ("China mainland" for China).
        .target(name: "CLocaleData", linkerSettings: [.linkedLibrary("icuuc")]),

        // Pure domain: types, validation, the CSV and JSON formats. No I/O.
        .target(name: "QuorumModel", dependencies: ["CLocaleData", .product(name: "TOMLKit", package: "TOMLKit")]),

        // Threads of their own for blocking work (libpq, libgd, libcurl, files), bounded.
        .target(name: "QuorumBlocking", dependencies: [.product(name: "NIOPosix", package: "swift-nio")]),

        // PostgreSQL through libpq, and all of Quorum's SQL but the built-in aggregates' own
        // SELECTs: connections, pool, migrations, import/export, tokens, deliveries, the
        // leader lock, event listings, embedded cluster.
        .target(
            name: "QuorumStore",
            dependencies: [
                "CLibPQ", "QuorumModel", "QuorumBlocking",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            resources: [
                .embedInCode("Migrations/m0001_domain.sql"),
                .embedInCode("Migrations/m0002_snapshots.sql"),
                .embedInCode("Migrations/m0003_incremental.sql"),
                .embedInCode("Migrations/m0004_tokens.sql"),
                .embedInCode("Migrations/m0005_deliveries.sql"),
                .embedInCode("Migrations/m0006_event_groups.sql"),
                .embedInCode("Migrations/m0007_provenance.sql"),
                .embedInCode("Migrations/m0008_delivery_sizes.sql"),
                .embedInCode("Migrations/m0009_names.sql"),
                .embedInCode("Seed/cica-2020-2024.json"),
            ]
        ),

        // Aggregate definitions and the snapshots they make.
        .target(name: "QuorumAggregates", dependencies: ["QuorumStore", "QuorumModel", "QuorumBlocking"]),

        // Charts drawn with libgd and their text with FreeType (the only importer of CGD and
        // CFreeType), and the chart files that say what to draw.
        .target(
            name: "QuorumCharts",
            dependencies: ["CGD", "CFreeType", "QuorumModel", "QuorumAggregates"],
            exclude: ["DefaultCharts/README.md"],
            // The default chart set (Charts/ at the root; DefaultCharts links to it), in the binary,
            // so `quorum render` works wherever it runs.
            resources: [
                .embedInCode("DefaultCharts/business-council-participants.toml"),
                .embedInCode("DefaultCharts/business-council-trend.toml"),
                .embedInCode("DefaultCharts/cbm-events-vs-all-events.toml"),
                .embedInCode("DefaultCharts/concept-papers-renewed.toml"),
                .embedInCode("DefaultCharts/format-mix.toml"),
                .embedInCode("DefaultCharts/format-share.toml"),
                .embedInCode("DefaultCharts/member-states-represented.toml"),
                .embedInCode("DefaultCharts/membership-growth.toml"),
                .embedInCode("DefaultCharts/participants-by-body-year.toml"),
                .embedInCode("DefaultCharts/participants-per-year.toml"),
                .embedInCode("DefaultCharts/ratifications-progress.toml"),
                .embedInCode("DefaultCharts/sco-summit-2024.toml"),
                .embedInCode("DefaultCharts/think-tank-forum-participants.toml"),
                .embedInCode("DefaultCharts/think-tank-forum-trend.toml"),
                .embedInCode("DefaultCharts/youth-council-participants.toml"),
                .embedInCode("DefaultCharts/youth-council-trend.toml"),
            ],
            // Optimised in debug builds too: the test suite and `quorum serve` under test draw
            // thousands of charts, pixel by pixel, and unoptimised that is four times slower.
            swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]
        ),

        // PDF documents through cairo's PDF surface (the only importer of CCairo): text
        // as text, charts as vectors, pages laid out and numbered.
        .target(name: "QuorumPrint", dependencies: ["CCairo", "QuorumCharts"]),

        // The HTML site made from a snapshot and its charts, and a PDF of each page,
        // published atomically.
        .target(name: "QuorumSite", dependencies: ["QuorumCharts", "QuorumPrint", "QuorumAggregates", "QuorumModel", "QuorumBlocking"]),

        // The HTTP server: pages, charts and the API. The only module that imports Hummingbird.
        .target(
            name: "QuorumServer",
            dependencies: [
                "QuorumModel", "QuorumStore", "QuorumAggregates",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.embedInCode("openapi.json")]
        ),

        // Report e-mails and their PDFs: MIME messages, SMTP through libcurl, schedules.
        .target(
            name: "QuorumMail",
            dependencies: [
                "CCurl", "QuorumBlocking", "QuorumModel", "QuorumStore", "QuorumAggregates", "QuorumCharts", "QuorumPrint", "QuorumSite",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // The long-running daemon: configuration, leader election, aggregation on change and schedule.
        .target(
            name: "QuorumDaemon",
            dependencies: [
                "QuorumBlocking", "QuorumModel", "QuorumStore", "QuorumAggregates", "QuorumCharts", "QuorumPrint", "QuorumSite",
                "QuorumServer", "QuorumMail", "CMalloc",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        .executableTarget(
            name: "quorum",
            dependencies: [
                "QuorumModel", "QuorumStore", "QuorumAggregates", "QuorumDaemon", "QuorumCharts", "QuorumPrint", "QuorumSite",
                "QuorumMail", "QuorumServer",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // A throwaway PostgreSQL cluster for the integration tests, shared by all of them.
        .target(
            name: "QuorumTestSupport",
            dependencies: ["QuorumStore", "QuorumBlocking"],
            path: "Tests/QuorumTestSupport"),
        .testTarget(name: "QuorumModelTests", dependencies: ["QuorumModel"]),
        .testTarget(name: "QuorumStoreTests", dependencies: ["QuorumStore", "QuorumModel", "QuorumTestSupport"]),
        .testTarget(
            name: "QuorumAggregatesTests",
            dependencies: ["QuorumAggregates", "QuorumStore", "QuorumModel", "QuorumTestSupport"]),
        .testTarget(
            name: "QuorumDaemonTests",
            dependencies: [
                "QuorumDaemon", "QuorumServer", "QuorumAggregates", "QuorumStore", "QuorumModel",
                "QuorumTestSupport",
            ]),
        .testTarget(
            name: "QuorumChartsTests",
            dependencies: ["QuorumCharts", "QuorumAggregates", "QuorumModel", "QuorumStore", "QuorumTestSupport"],
            resources: [.copy("References")]),
        .testTarget(
            name: "QuorumSiteTests",
            dependencies: ["QuorumSite", "QuorumCharts", "QuorumAggregates", "QuorumModel", "QuorumStore", "QuorumTestSupport", "QuorumBlocking"]),
        .testTarget(
            name: "QuorumServerTests",
            dependencies: [
                "QuorumServer", "QuorumAggregates", "QuorumStore", "QuorumModel", "QuorumTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ]),
        .testTarget(
            name: "QuorumMailTests",
            dependencies: [
                "QuorumMail", "QuorumDaemon", "QuorumSite", "QuorumCharts", "QuorumPrint", "QuorumAggregates",
                "QuorumStore", "QuorumModel", "QuorumTestSupport",
            ],
            exclude: ["Support"]),
    ],
    swiftLanguageModes: [.v6]
)
