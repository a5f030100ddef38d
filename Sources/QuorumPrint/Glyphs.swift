import CCairo
import QuorumCharts
import Synchronization

/// The two faces of printed text, and their characters' glyphs and advances,
/// looked up once for the process.
///
/// cairo looks every character up in the font each time it measures or shows a
/// string, which took half the time of drawing a long table. Text is set without
/// hinting, so an advance is the same at every size, scaled.
enum Glyphs {
    struct Glyph {
        let index: UInt
        /// At a size of one point.
        let advance: Double
    }

    /// The faces, matched by fontconfig once: matching them for every string took
    /// most of a page's time. cairo's font faces are thread-safe.
    nonisolated(unsafe) static let regular = cairo_toy_font_face_create(
        ChartFont.regular.family, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL)
    nonisolated(unsafe) static let bold = cairo_toy_font_face_create(
        ChartFont.regular.family, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD)

    static func face(bold: Bool) -> OpaquePointer? { bold ? Self.bold : regular }

    /// Font options without hinting: outlines for a vector page, and advances that scale.
    static func options() -> OpaquePointer? {
        let options = cairo_font_options_create()
        cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE)
        cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
        return options
    }

    /// The size the advances are measured at, then divided by: large, for their precision.
    private static let reference = 1000.0

    /// A scaled font of each face to look characters up in (never released: cairo 1.16
    /// aborts when a scaled font that another thread uses is).
    private nonisolated(unsafe) static let regularScaled = scaledFont(regular)
    private nonisolated(unsafe) static let boldScaled = scaledFont(bold)

    /// The glyphs of ASCII in each face, looked up once: most printed text is
    /// ASCII, and a register's PDF measures and shows a million characters.
    private static let asciiRegular = (0..<128).map { lookUp(Unicode.Scalar(UInt8($0)), in: regularScaled) }
    private static let asciiBold = (0..<128).map { lookUp(Unicode.Scalar(UInt8($0)), in: boldScaled) }

    private struct Key: Hashable {
        let bold: Bool
        let scalar: Unicode.Scalar
    }
    /// The other characters looked up so far; nil for one the font has no glyph for.
    private static let known = Mutex<[Key: Glyph?]>([:])

    /// The glyph of `scalar` in the face, nil for one the font maps to none.
    static func glyph(_ scalar: Unicode.Scalar, bold: Bool) -> Glyph? {
        if scalar.isASCII { return (bold ? asciiBold : asciiRegular)[Int(scalar.value)] }
        return known.withLock { known -> Glyph? in
            let key = Key(bold: bold, scalar: scalar)
            if let glyph = known[key] { return glyph }
            let glyph = lookUp(scalar, in: bold ? boldScaled : regularScaled)
            known[key] = glyph
            return glyph
        }
    }

    private static func scaledFont(_ face: OpaquePointer?) -> OpaquePointer? {
        var size = cairo_matrix_t(), identity = cairo_matrix_t()
        cairo_matrix_init_scale(&size, reference, reference)
        cairo_matrix_init_identity(&identity)
        let options = options()
        defer { cairo_font_options_destroy(options) }
        return cairo_scaled_font_create(face, &size, &identity, options)
    }

    private static func lookUp(_ scalar: Unicode.Scalar, in font: OpaquePointer?) -> Glyph? {
        var found: UnsafeMutablePointer<cairo_glyph_t>?
        var count: Int32 = 0
        let utf8 = Array(String(scalar).utf8CString)
        cairo_scaled_font_text_to_glyphs(font, 0, 0, utf8, Int32(utf8.count - 1), &found, &count, nil, nil, nil)
        guard let found else { return nil }
        defer { cairo_glyph_free(found) }
        guard count == 1 else { return nil }
        var extents = cairo_text_extents_t()
        cairo_scaled_font_glyph_extents(font, found, 1, &extents)
        return Glyph(index: found.pointee.index, advance: extents.x_advance / reference)
    }

    /// The advance of `scalars` at a size of one point.
    static func advance(_ scalars: some Sequence<Unicode.Scalar>, bold: Bool) -> Double {
        scalars.reduce(0) { $0 + (glyph($1, bold: bold)?.advance ?? 0) }
    }

    /// The advance of UTF-8 text at a size of one point, ASCII read byte by byte.
    static func advance(utf8 bytes: Slice<UnsafeBufferPointer<UInt8>>, bold: Bool) -> Double {
        let ascii = bold ? asciiBold : asciiRegular
        var total = 0.0
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if bytes[index] < 0x80 {
                total += ascii[Int(bytes[index])]?.advance ?? 0
                index += 1
            } else {
                // A run of other characters: every byte of theirs is 0x80 or above.
                let end = bytes[index...].firstIndex { $0 < 0x80 } ?? bytes.endIndex
                total += advance(String(decoding: bytes[index..<end], as: UTF8.self).unicodeScalars, bold: bold)
                index = end
            }
        }
        return total
    }

    /// The advance of glyphs looked up, at a size of one point.
    static func advance(_ glyphs: [Glyph?]) -> Double { glyphs.reduce(0) { $0 + ($1?.advance ?? 0) } }
}
