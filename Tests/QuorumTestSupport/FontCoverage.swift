/// The code points a face of a font file covers, by fontconfig's own account
/// (`fc-query`), not Quorum's reading of the file: for tests that check no
/// character is drawn with a font that lacks it. `family` picks the face in a
/// collection (`.ttc`).
public func fontCoverage(of path: String, family: String) async throws -> Set<UInt32> {
    var index: Int?
    for candidate in 0..<16 {
        let name = try await runToEnd(["fc-query", "-i", "\(candidate)", "--format", "%{family[0]}", path])
        guard name.status == 0 else { break }
        if name.output == family {
            index = candidate
            break
        }
    }
    guard let index else { throw FontCoverageError("fc-query finds no face \(family) in \(path)") }
    let charset = try await runToEnd(["fc-query", "-i", "\(index)", "--format", "%{charset}", path])
    var covered = Set<UInt32>()
    for range in charset.output.split(separator: " ") {
        let bounds = range.split(separator: "-").compactMap { UInt32($0, radix: 16) }
        if let low = bounds.first, let high = bounds.last { covered.formUnion(low...high) }
    }
    return covered
}

public struct FontCoverageError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
