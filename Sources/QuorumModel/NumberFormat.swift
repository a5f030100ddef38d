/// Numbers as Quorum writes them.
public enum NumberFormat {
    /// Thousands separated by commas; a fraction only where there is one
    /// (one decimal place, two below 1).
    public static func grouped(_ value: Double) -> String {
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
        var text = groups.joined(separator: ",")
        if decimals > 0 && fraction > 0 {
            var fractionText = String(fraction)
            while fractionText.count < decimals { fractionText = "0" + fractionText }
            while fractionText.hasSuffix("0") { fractionText.removeLast() }
            text += "." + fractionText
        }
        return negative && scaled > 0 ? "−" + text : text
    }
}
