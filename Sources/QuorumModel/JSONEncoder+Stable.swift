import Foundation

extension JSONEncoder {
    /// The encoder of every file Quorum writes as JSON: keys sorted and indented,
    /// slashes left as they are, so the same value gives the same bytes.
    public static var stable: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
