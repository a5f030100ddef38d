/// The weight of a chart's text. Each is drawn with a list of faces, and every
/// character with the first face that has a glyph for it: DejaVu Sans for Latin,
/// Greek and Cyrillic, Noto Sans CJK SC for Han (and kana and hangul).
public enum ChartFont: String, Hashable, Sendable {
    case regular
    case bold

    /// The faces in order of preference.
    public var faces: [FontFace] {
        switch self {
        case .regular: [.dejaVuSans, .notoSansCJK]
        case .bold: [.dejaVuSansBold, .notoSansCJKBold]
        }
    }

    /// The family and weight a font matcher (fontconfig) finds the first face by.
    public var family: String { "DejaVu Sans" }
    public var isBold: Bool { self == .bold }
}

/// One face of a font file. A collection (`.ttc`) holds several; the face is
/// found in it by its family name.
public struct FontFace: Hashable, Sendable, CustomStringConvertible {
    public let path: String
    public let family: String
    /// The Debian package that installs the file, named when it is missing.
    public let package: String

    public var description: String { family }

    static let dejaVuSans = FontFace(
        path: "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", family: "DejaVu Sans", package: "fonts-dejavu-core")
    static let dejaVuSansBold = FontFace(
        path: "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", family: "DejaVu Sans", package: "fonts-dejavu-core")
    // The Simplified Chinese face: the collection's first face (Japanese) draws some
    // shared characters in Japanese forms.
    static let notoSansCJK = FontFace(
        path: "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", family: "Noto Sans CJK SC", package: "fonts-noto-cjk")
    static let notoSansCJKBold = FontFace(
        path: "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", family: "Noto Sans CJK SC", package: "fonts-noto-cjk")
}
