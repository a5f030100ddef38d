import ArgumentParser
import Foundation
import QuorumAggregates
import QuorumDaemon
import QuorumModel
import QuorumStore

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
