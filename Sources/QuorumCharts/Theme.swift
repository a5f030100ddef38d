/// Colours for one appearance of a chart. The series colours are the Okabe–Ito
/// palette, which readers with any common colour-vision deficiency tell apart.
public struct Theme: Equatable, Sendable {
    public let name: String
    let background: RGB
    let text: RGB
    let mutedText: RGB
    let grid: RGB
    let axis: RGB
    let track: RGB
    let series: [RGB]

    public static let light = Theme(
        name: "light", background: RGB(hex: 0xFFFFFF), text: RGB(hex: 0x1F2328), mutedText: RGB(hex: 0x59636E),
        grid: RGB(hex: 0xE4E7EB), axis: RGB(hex: 0x8C959F), track: RGB(hex: 0xE9ECEF),
        series: [0x0072B2, 0xE69F00, 0x009E73, 0xD55E00, 0xCC79A7, 0x56B4E9, 0xF0E442, 0x000000].map(RGB.init(hex:)))

    public static let dark = Theme(
        name: "dark", background: RGB(hex: 0x16191D), text: RGB(hex: 0xE6E8EB), mutedText: RGB(hex: 0xA1A9B3),
        grid: RGB(hex: 0x2C3138), axis: RGB(hex: 0x5E6772), track: RGB(hex: 0x2C3138),
        series: [0x56B4E9, 0xE69F00, 0x009E73, 0xD55E00, 0xCC79A7, 0xF0E442, 0x0072B2, 0xFFFFFF].map(RGB.init(hex:)))

    func colour(_ index: Int) -> RGB { series[index % series.count] }

    /// Text that stays readable on top of `fill`.
    func label(on fill: RGB) -> RGB {
        let luminance = 0.2126 * Double(fill.red) + 0.7152 * Double(fill.green) + 0.0722 * Double(fill.blue)
        return luminance > 140 ? RGB(hex: 0x111111) : RGB(hex: 0xFFFFFF)
    }
}
