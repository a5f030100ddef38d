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
    ],
    targets: [
        // C libraries, wrapped by exactly one module each.
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CGD", pkgConfig: "gdlib", providers: [.apt(["libgd-dev"])]),

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
                .embedInCode("Seed/cica-2020-2024.json"),
            ]
        ),

        .executableTarget(
            name: "quorum",
            dependencies: [
                "QuorumModel", "QuorumStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        .testTarget(name: "QuorumModelTests", dependencies: ["QuorumModel"]),
        .testTarget(name: "QuorumStoreTests", dependencies: ["QuorumStore", "QuorumModel"]),
    ],
    swiftLanguageModes: [.v6]
)
