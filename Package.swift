// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Quorum",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "quorum", targets: ["quorum"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
    ],
    targets: [
        // C libraries, wrapped by exactly one module each.
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CGD", pkgConfig: "gdlib", providers: [.apt(["libgd-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),

        // Pure domain: types, validation, the CSV and JSON formats. No I/O.
        .target(name: "QuorumModel"),

        // PostgreSQL through libpq: connections, pool, migrations, import/export, embedded cluster.
        .target(
            name: "QuorumStore",
            dependencies: [
                "CLibPQ", "QuorumModel",
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [
                .embedInCode("Migrations/m0001_domain.sql"),
                .embedInCode("Migrations/m0002_snapshots.sql"),
                .embedInCode("Migrations/m0005_deliveries.sql"),
                .embedInCode("Seed/cica-2020-2024.json"),
            ]
        ),

        // Aggregate definitions and the snapshots they make.
        .target(name: "QuorumAggregates", dependencies: ["QuorumStore", "QuorumModel"]),

        // Report e-mails: MIME messages, SMTP through libcurl, schedules and the delivery ledger.
        .target(
            name: "QuorumMail",
            dependencies: [
                "CCurl", "QuorumModel", "QuorumStore", "QuorumAggregates",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // The long-running daemon: configuration, leader election, aggregation on change and schedule.
        .target(
            name: "QuorumDaemon",
            dependencies: [
                "QuorumModel", "QuorumStore", "QuorumAggregates", "QuorumMail",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        .executableTarget(
            name: "quorum",
            dependencies: [
                "QuorumModel", "QuorumStore", "QuorumAggregates", "QuorumDaemon", "QuorumMail",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // A throwaway PostgreSQL cluster for the integration tests, shared by all of them.
        .target(name: "QuorumTestSupport", dependencies: ["QuorumStore"], path: "Tests/QuorumTestSupport"),
        .testTarget(name: "QuorumModelTests", dependencies: ["QuorumModel"]),
        .testTarget(name: "QuorumStoreTests", dependencies: ["QuorumStore", "QuorumModel", "QuorumTestSupport"]),
        .testTarget(name: "QuorumAggregatesTests",
                    dependencies: ["QuorumAggregates", "QuorumStore", "QuorumModel", "QuorumTestSupport"]),
        .testTarget(name: "QuorumDaemonTests",
                    dependencies: ["QuorumDaemon", "QuorumAggregates", "QuorumStore", "QuorumModel", "QuorumTestSupport"]),
        .testTarget(name: "QuorumMailTests",
                    dependencies: ["QuorumMail", "QuorumDaemon", "QuorumAggregates", "QuorumStore", "QuorumModel",
                                   "QuorumTestSupport"],
                    exclude: ["Support"]),
    ],
    swiftLanguageModes: [.v6]
)
