/// Versioned schema migrations, shipped inside the binary.
///
/// All pending migrations run in one transaction under an advisory lock, so two
/// processes starting together apply them once. Each is recorded with the SHA-256
/// of its text; an applied migration whose text has changed is refused, and so is
/// a database migrated by a newer Quorum.
public struct Migrator: Sendable {
    public struct Migration: Sendable {
        public let version: Int
        public let name: String
        public let sql: String
    }

    /// Every migration Quorum knows, oldest first.
    public static let all: [Migration] = [
        Migration(version: 1, name: "domain", sql: text(PackageResources.m0001_domain_sql)),
        Migration(version: 2, name: "snapshots", sql: text(PackageResources.m0002_snapshots_sql)),
        Migration(version: 3, name: "incremental", sql: text(PackageResources.m0003_incremental_sql)),
        Migration(version: 4, name: "tokens", sql: text(PackageResources.m0004_tokens_sql)),
        Migration(version: 5, name: "deliveries", sql: text(PackageResources.m0005_deliveries_sql)),
        Migration(version: 6, name: "event_groups", sql: text(PackageResources.m0006_event_groups_sql)),
        Migration(version: 7, name: "provenance", sql: text(PackageResources.m0007_provenance_sql)),
        Migration(version: 8, name: "delivery_sizes", sql: text(PackageResources.m0008_delivery_sizes_sql)),
        Migration(version: 9, name: "names", sql: text(PackageResources.m0009_names_sql)),
    ]

    public let migrations: [Migration]

    public init(migrations: [Migration] = Migrator.all) {
        self.migrations = migrations
    }

    /// Key of the advisory lock that serialises migrations ("quorum:migrate").
    static let lockKey: Int64 = 0x71756f72_6d696772

    /// Applies what is pending and returns the versions it applied.
    @discardableResult
    public func migrate(_ connection: Connection) throws -> [Int] {
        try connection.transaction { connection in
            try connection.execute("SELECT pg_advisory_xact_lock(\(Migrator.lockKey))")
            try connection.executeScript(
                """
                CREATE SCHEMA IF NOT EXISTS quorum;
                CREATE TABLE IF NOT EXISTS quorum.schema_migration (
                    version    integer PRIMARY KEY,
                    name       text NOT NULL,
                    checksum   text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                );
                """)
            var applied: [Int: String] = [:]
            for row in try connection.query("SELECT version, checksum FROM quorum.schema_migration") {
                applied[try row.require(Int.self, "version")] = try row.require(String.self, "checksum")
            }
            let known = Set(migrations.map(\.version))
            if let newer = applied.keys.filter({ !known.contains($0) }).max() {
                throw PQError.migration(
                    "the database has migration \(newer), which this version of Quorum does not know; upgrade Quorum")
            }

            var done: [Int] = []
            for migration in migrations {
                let checksum = try connection.query("SELECT encode(sha256(convert_to(\(migration.sql), 'UTF8')), 'hex')")
                    .first!.require(String.self, at: 0)
                if let recorded = applied[migration.version] {
                    guard recorded == checksum else {
                        throw PQError.migration(
                            "migration \(migration.version) (\(migration.name)) was changed after it was applied")
                    }
                    continue
                }
                try connection.executeScript(migration.sql)
                try connection.execute(
                    """
                    INSERT INTO quorum.schema_migration (version, name, checksum)
                    VALUES (\(migration.version), \(migration.name), \(checksum))
                    """)
                done.append(migration.version)
            }
            return done
        }
    }

    /// The newest migration the database has, 0 for none.
    public func currentVersion(_ connection: Connection) throws -> Int {
        try connection.query("SELECT max(version) FROM quorum.schema_migration").first?.decode(Int.self, at: 0) ?? 0
    }

    private static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
}
