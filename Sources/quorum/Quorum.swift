import ArgumentParser
import Foundation
import QuorumAggregates
import QuorumDaemon
import QuorumModel
import QuorumStore

@main
struct Quorum: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quorum",
        abstract: "Participation numbers of intergovernmental meetings, kept in PostgreSQL.",
        version: QuorumVersion.current,
        subcommands: [Serve.self, Aggregate.self, Migrate.self, Seed.self, Import.self, Export.self, Render.self,
                      Generate.self, Schedule.self, Config.self, Token.self, ReportCommand.self])

    /// Runs the command; the exit status says what went wrong, the same for every
    /// command (sysexits.h): 65 invalid input, 69 the database unavailable or
    /// lost, 78 a bad configuration, 1 anything else.
    static func main() async {
        // A mask inherited from the parent (a thread that blocked SIGTERM, say) would
        // hold back the signals that stop Quorum: start with none blocked.
        var none = sigset_t()
        sigemptyset(&none)
        pthread_sigmask(SIG_SETMASK, &none, nil)
        do {
            var command = try parseAsRoot()
            if var command = command as? AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch let error as PQError where error.isUnavailable {
            Terminal.say("the database is unavailable or the connection was lost: \(error)")
            Foundation.exit(69)  // EX_UNAVAILABLE
        } catch let error as QuorumDaemon.Configuration.Invalid {
            Terminal.say(error.description)
            Foundation.exit(78)  // EX_CONFIG
        } catch {
            exit(withError: error)
        }
    }
}

enum QuorumVersion {
    static let current = "0.1.0"
}

/// Options every command that touches the database shares.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .customLong("database-url"),
            help: "PostgreSQL URL or conninfo (default: $DATABASE_URL, then libpq's PG* variables, then the embedded cluster).")
    var databaseURL: String?

    @Option(name: .customLong("data-dir"),
            help: "Quorum's data directory, home of the embedded cluster (default: $QUORUM_DATA_DIR, /var/lib/quorum as root, else ~/.local/share/quorum).")
    var dataDirectory: String?

    var resolvedDataDirectory: URL {
        let environment = ProcessInfo.processInfo.environment
        if let dataDirectory { return URL(fileURLWithPath: dataDirectory) }
        if let fromEnvironment = environment["QUORUM_DATA_DIR"] { return URL(fileURLWithPath: fromEnvironment) }
        if geteuid() == 0 { return URL(fileURLWithPath: "/var/lib/quorum") }
        let base = environment["XDG_DATA_HOME"] ?? ((environment["HOME"] ?? ".") + "/.local/share")
        return URL(fileURLWithPath: base).appendingPathComponent("quorum")
    }

    /// Opens the database, brings its schema up to date, runs `body`, and stops
    /// the embedded cluster again if this command started it.
    func withDatabase<T>(_ body: (Connection) throws -> T) throws -> T {
        // A closed pipe (`quorum export | head`) must end the command through its
        // error path, which stops the embedded cluster, not kill it outright.
        signal(SIGPIPE, SIG_IGN)
        let database = try Database(url: databaseURL, dataDirectory: resolvedDataDirectory)
        defer { database.close() }
        let connection = try database.connect()
        defer { connection.finish() }
        let applied = try Migrator().migrate(connection)
        if !applied.isEmpty { Terminal.say("applied migration\(applied.count > 1 ? "s" : "") \(applied.map(String.init).joined(separator: ", "))") }
        return try body(connection)
    }
}

struct Migrate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending schema migrations.")
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        try database.withDatabase { connection in
            print("schema at version \(try Migrator().currentVersion(connection))")
        }
    }
}

struct Seed: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load the built-in CICA 2020–2024 dataset (idempotent).")
    @OptionGroup var database: DatabaseOptions
    @Flag(help: "Load the demo dataset taken from the CICA and SCO source documents.")
    var demo = false

    func validate() throws {
        guard demo else { throw ValidationError("say which dataset: --demo") }
    }

    func run() throws {
        let dataset = try DemoData.dataset()
        let summary = try database.withDatabase { try DatasetImporter($0).run(dataset, file: "built-in CICA dataset") }
        print(summary)
    }
}

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import a CSV or JSON file (docs/data-format.md); nothing is written unless the whole file is valid.")
    @OptionGroup var database: DatabaseOptions
    @Argument(help: "The file to import; its format follows from .csv or .json.")
    var file: String
    @Option(help: "csv or json, when the file name does not say.")
    var format: DataFormat?

    func run() throws {
        let format = try format ?? DataFormat(fileName: file)
        let url = URL(fileURLWithPath: file)
        do {
            let summary: ImportSummary = try database.withDatabase { connection in
                switch format {
                case .json:
                    let data = try Data(contentsOf: url)
                    return try DatasetImporter(connection).run(try Dataset.decode(json: data, file: file), file: file)
                case .csv:
                    let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
                    guard let handle = FileHandle(forReadingAtPath: file) else {
                        throw ValidationError("cannot open \(file)")
                    }
                    defer { try? handle.close() }
                    let progress = Progress(total: size)
                    defer { progress.finish() }
                    let source = FigureLines { buffer in
                        guard let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty else { return false }
                        buffer.append(contentsOf: chunk)
                        progress.bytes += chunk.count
                        return true
                    }
                    return try FigureImporter(connection).run(source, file: file) { progress.show(lines: $0) }
                }
            }
            print(summary)
        } catch let error as InvalidInput {
            Terminal.say(error.description)
            throw ExitCode(65)  // EX_DATAERR
        }  // A lost database is never the file's fault: `main` exits 69, and a wrapper may retry.
    }
}

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the data in the import formats: figures as CSV, or the whole dataset as JSON.")
    @OptionGroup var database: DatabaseOptions
    @Option(help: "csv (one figure per line) or json (everything).")
    var format: DataFormat = .csv
    @Option(name: .customLong("out"), help: "Write to this file instead of standard output.")
    var output: String?

    func run() throws {
        let sink = try OutputFile(path: output)
        try database.withDatabase { connection in
            let exporter = Exporter(connection)
            switch format {
            case .csv: try exporter.writeCSV { try sink.write($0) }
            case .json: try sink.write(data: try exporter.dataset().encodedJSON())
            }
        }
        try sink.commit()
    }
}

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write synthetic data for benchmarks: a reference JSON and a CSV of figures (organisation SYNTH, never real data).")
    @Option(help: "Number of figure lines.")
    var rows = 1_000_000
    @Option(help: "Seed of the generator; the same seed gives the same files.")
    var seed: UInt64 = 42
    @Option(name: .customLong("out"), help: "Directory for synthetic-reference.json and synthetic-figures.csv.")
    var directory = "."

    func run() throws {
        let generator = SyntheticData(seed: seed)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let reference = try OutputFile(path: directory + "/synthetic-reference.json")
        try reference.write(data: try generator.reference.encodedJSON())
        try reference.commit()
        let figures = try OutputFile(path: directory + "/synthetic-figures.csv")
        try figures.write(FigureRecord.headerLine)
        for record in generator.figures(rows: rows) {
            try figures.write(CSVWriter.line(record.cells))
        }
        try figures.commit()
        print("wrote \(rows) figures to \(directory)/synthetic-figures.csv and their reference to \(directory)/synthetic-reference.json")
    }
}

enum DataFormat: String, ExpressibleByArgument, CaseIterable {
    case csv, json

    init(fileName: String) throws {
        switch URL(fileURLWithPath: fileName).pathExtension.lowercased() {
        case "csv": self = .csv
        case "json": self = .json
        default: throw ValidationError("cannot tell the format of \(fileName): name it .csv or .json, or pass --format")
        }
    }
}

struct Schedule: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the next run times of the aggregation schedule (or of --cron), in its time zone and in UTC.",
        discussion: """
            A local time that does not exist (clocks jump forward) runs once, shifted forward by \
            the jump; a local time that occurs twice (clocks go back) runs once, at its first occurrence.
            """)
    @Option(help: "Configuration file whose aggregation schedule to show (default: $QUORUM_CONFIG).")
    var config: String?
    @Option(help: "A cron expression to show instead: minute hour day-of-month month day-of-week, or @hourly, @daily, …")
    var cron: String?
    @Option(name: .customLong("time-zone"), help: "IANA time zone for --cron (default: the configured one).")
    var timeZone: String?
    @Option(help: "How many runs to print.")
    var count = 10

    func run() throws {
        let schedule: CronSchedule
        do {
            let configured = try QuorumDaemon.Configuration.load(file: config, environment: ProcessInfo.processInfo.environment)
            schedule = try CronSchedule(cron ?? configured.aggregationSchedule,
                                        timeZone: timeZone ?? configured.aggregationTimeZone)
        } catch let error as FieldError {
            throw ValidationError(error.description)
        }
        let local = DateFormatter()
        local.timeZone = schedule.timeZone
        local.dateFormat = "yyyy-MM-dd HH:mm xxx"
        let utc = ISO8601DateFormatter()
        print("\(schedule)")
        for run in schedule.runs(after: Date(), count: count) {
            print("\(local.string(from: run)) \(schedule.timeZone.identifier)    \(utc.string(from: run))")
        }
    }
}

struct Aggregate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the aggregates once and store a snapshot (what the daemon's leader does on change).")
    @OptionGroup var database: DatabaseOptions
    @Flag(help: "Print the aggregates' SQL instead, one statement per aggregate (for psql, for benchmarks).")
    var sql = false
    @Flag(help: "Recompute everything, not only what changed since the last snapshot.")
    var full = false

    func run() throws {
        if sql {
            for definition in AggregateDefinition.builtIn {
                if let text = definition.sqlText {
                    print("-- \(definition.name): \(definition.description)\n\(text);\n")
                } else {
                    print("-- \(definition.name): derived in memory from the aggregates above\n")
                }
            }
            return
        }
        // Like the daemon, which holds the last snapshot: only what changed since is read.
        // The time is the run's own, from its start to its commit; loading the base is not.
        let (snapshot, elapsed) = try database.withDatabase { connection in
            let base = full ? nil : try Aggregator.latest(connection, eventGroups: true)
            let start = ContinuousClock.now
            return (try Aggregator().run(connection, base: base), ContinuousClock.now - start)
        }
        print("snapshot \(snapshot.id) of data version \(snapshot.dataVersion): "
              + "\(snapshot.tables.count) aggregates, \(snapshot.tables.map(\.rows.count).reduce(0, +)) rows, \(elapsed.milliseconds) ms")
    }
}
