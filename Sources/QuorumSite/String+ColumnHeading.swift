extension String {
    /// "valid_from" → "Valid from".
    var columnHeading: String {
        let spaced = replacingOccurrences(of: "_", with: " ")
        return spaced.prefix(1).uppercased() + spaced.dropFirst()
    }
}
