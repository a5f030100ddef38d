import ArgumentParser
import Foundation
import QuorumAggregates
import QuorumDaemon
import QuorumModel
import QuorumStore

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
