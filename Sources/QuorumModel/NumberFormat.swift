/// Numbers as Quorum writes them.
public enum NumberFormat {
    /// Thousands separated by commas; a fraction only where there is one
    /// (one decimal place, two below 1).
    public static func grouped(_ value: Double) -> String { grouped(value, group: ",", decimal: ".") }

    /// As `grouped`, with the separators of `language` from CLDR: "1,250.5" in
    /// English and Chinese, "1 250,5" in Russian (where "1,250" would read as a
    /// fraction).
    public static func grouped(_ value: Double, in language: Language) -> String {
        let locale = language.locale
        return grouped(value, group: locale.groupingSeparator ?? ",", decimal: locale.decimalSeparator ?? ".")
    }

    private static func grouped(_ value: Double, group: String, decimal: String) -> String {
        guard value.isFinite else { return "–" }
        let negative = value < 0
        let magnitude = abs(value)
        let decimals = magnitude.rounded() == magnitude ? 0 : (magnitude < 1 ? 2 : 1)
        let scale = decimals == 0 ? 1.0 : (decimals == 1 ? 10.0 : 100.0)
        let scaled = (magnitude * scale).rounded()
        let whole = Int64(scaled / scale)
        let fraction = Int64(scaled) - whole * Int64(scale)
        var digits = String(whole)
        var groups: [Substring] = []
        while digits.count > 3 {
            groups.insert(Substring(digits.suffix(3)), at: 0)
            digits.removeLast(3)
        }
        groups.insert(Substring(digits), at: 0)
        var text = groups.joined(separator: group)
        if decimals > 0 && fraction > 0 {
            var fractionText = String(fraction)
            while fractionText.count < decimals { fractionText = "0" + fractionText }
            while fractionText.hasSuffix("0") { fractionText.removeLast() }
            text += decimal + fractionText
        }
        return negative && scaled > 0 ? "−" + text : text
    }
}
