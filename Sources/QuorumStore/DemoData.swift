import Foundation
import QuorumModel

/// The built-in CICA 2020–2024 dataset, taken from the documents in its sources.
public enum DemoData {
    public static func dataset() throws -> Dataset {
        try Dataset.decode(json: Data(PackageResources.cica_2020_2024_json), file: "built-in CICA dataset")
    }
}
