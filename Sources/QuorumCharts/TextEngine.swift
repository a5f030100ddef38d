import CFreeType
import Synchronization

/// A string laid out for drawing: its glyphs, each in the face that has it,
/// and its extent.
struct TextLayout: Sendable {
    struct Glyph: Sendable {
        /// Index into the font's `faces`.
        let face: Int
        let index: UInt32
        /// The pen position, in 1/64 pixel at the layout resolution.
        let pen: Int
    }

    let glyphs: [Glyph]
    /// The runs of text drawn with one face, in order.
    let runs: [(text: String, face: FontFace)]
    /// Characters no face has a glyph for (drawn as the first face's empty box).
    let missing: [Unicode.Scalar]
    let width: Double
    let ascent: Double
    let descent: Double
}

/// A glyph rasterised at the drawing resolution: coverage 0…255, row by row.
final class GlyphBitmap: Sendable {
    let width: Int
    let rows: Int
    /// Offset of the bitmap's top-left corner from the pen on the baseline.
    let left: Int
    let top: Int
    let coverage: [UInt8]

    init(width: Int, rows: Int, left: Int, top: Int, coverage: [UInt8]) {
        self.width = width
        self.rows = rows
        self.left = left
        self.top = top
        self.coverage = coverage
    }
}

/// FreeType text, laid out as libgd lays out its own (advances and kerning at
/// 300 dpi, glyphs hinted and drawn at 96 dpi, the same extents), with two things
/// libgd cannot do: a font chosen per character by coverage, since libgd draws a
/// string in one font, and a face chosen inside a collection, since libgd always
/// takes a collection's first.
///
/// FreeType's objects are not for two threads at once: one engine serves the
/// process, behind a lock, and keeps what it computed (faces, sizes, layouts and
/// glyph bitmaps), since charts ask for the same strings again and again.
final class TextEngine {
    static let shared = Mutex<TextEngine?>(nil)

    /// The resolutions libgd uses: metrics at 300 dpi, pixels at 96.
    static let layoutResolution = 300
    static let drawingResolution = 96
    /// From layout units (1/64 pixel at 300 dpi) to drawn pixels.
    static let layoutScale = Double(drawingResolution) / Double(64 * layoutResolution)

    private let library: OpaquePointer
    private var faces: [FontFace: FT_Face] = [:]
    private var sizes: [SizeKey: FT_Size] = [:]
    private var layouts: [TextKey: TextLayout] = [:]
    private var bitmaps: [GlyphKey: GlyphBitmap] = [:]

    private struct SizeKey: Hashable {
        let face: FontFace
        let size: Int
        let resolution: Int
    }

    private struct TextKey: Hashable {
        let text: String
        let font: ChartFont
        let size: Double
    }

    private struct GlyphKey: Hashable {
        let face: FontFace
        let index: UInt32
        let size: Int
    }

    /// The shared engine, made on first use.
    static func with<T: Sendable>(_ body: (TextEngine) throws(ChartError) -> T) throws(ChartError) -> T {
        try shared.withLock { (engine: inout TextEngine?) throws(ChartError) -> T in
            if let engine { return try body(engine) }
            let made = try TextEngine()
            engine = made
            return try body(made)
        }
    }

    private init() throws(ChartError) {
        var library: OpaquePointer?
        guard FT_Init_FreeType(&library) == 0, let library else {
            throw ChartError.library("FreeType could not be initialised")
        }
        self.library = library
    }

    deinit { FT_Done_FreeType(library) }

    // MARK: Layout

    /// `text` at `size` points: each character in the first of the font's faces
    /// that has a glyph for it. Spaces and combining marks stay in the face of
    /// what they follow, so a run is not broken for them.
    func layout(_ text: String, font: ChartFont, size: Double) throws(ChartError) -> TextLayout {
        let key = TextKey(text: text, font: font, size: size)
        if let known = layouts[key] { return known }
        let faces = font.faces
        let points = Int((size * 64).rounded())
        var glyphs: [TextLayout.Glyph] = []
        var runs: [(text: String, face: FontFace)] = []
        var missing: [Unicode.Scalar] = []
        var pen = 0
        var previous: (face: Int, index: UInt32)?
        var minX = Int.max, maxX = Int.min, minY = Int.max, maxY = Int.min
        for scalar in text.unicodeScalars {
            var chosen: Int?
            if let current = previous?.face, Self.followsItsNeighbour(scalar) { chosen = current }
            if chosen == nil {
                for index in faces.indices where try glyphIndex(of: scalar, in: faces[index]) != 0 {
                    chosen = index
                    break
                }
            }
            if chosen == nil { missing.append(scalar) }
            let faceNumber = chosen ?? previous?.face ?? 0
            let face = try activate(faces[faceNumber], points: points, resolution: Self.layoutResolution)
            let index = FT_Get_Char_Index(face, FT_ULong(scalar.value))
            if let previous, previous.face == faceNumber, previous.index != 0, index != 0,
                face.pointee.face_flags & FT_Long(FT_FACE_FLAG_KERNING) != 0,
                face.pointee.face_flags & FT_Long(FT_FACE_FLAG_FIXED_WIDTH) == 0
            {
                var delta = FT_Vector()
                if FT_Get_Kerning(face, previous.index, index, FT_UInt(FT_KERNING_DEFAULT.rawValue), &delta) == 0 {
                    pen += delta.x
                }
            }
            guard FT_Load_Glyph(face, index, FT_Int32(FT_LOAD_DEFAULT)) == 0 else {
                throw ChartError.library("FreeType could not load the glyph for U+\(String(scalar.value, radix: 16, uppercase: true))")
            }
            let metrics = face.pointee.glyph.pointee.metrics
            minX = min(minX, pen + metrics.horiBearingX)
            maxX = max(maxX, pen + metrics.horiAdvance)
            minY = min(minY, -metrics.horiBearingY)
            maxY = max(maxY, -metrics.horiBearingY + metrics.height)
            glyphs.append(TextLayout.Glyph(face: faceNumber, index: index, pen: pen))
            if runs.last?.face == faces[faceNumber] {
                runs[runs.count - 1].text.unicodeScalars.append(scalar)
            } else {
                runs.append((String(scalar), faces[faceNumber]))
            }
            pen += metrics.horiAdvance
            previous = (faceNumber, index)
        }
        // Whole pixels, truncated as libgd truncates its bounding box.
        func pixels(_ units: Int) -> Double { Double(Int(Double(units) * Self.layoutScale)) }
        let layout =
            glyphs.isEmpty
            ? TextLayout(glyphs: [], runs: [], missing: [], width: 0, ascent: 0, descent: 0)
            : TextLayout(
                glyphs: glyphs, runs: runs, missing: missing, width: pixels(maxX) - pixels(minX), ascent: -pixels(minY),
                descent: pixels(maxY))
        if layouts.count > 8192 { layouts.removeAll(keepingCapacity: true) }
        layouts[key] = layout
        return layout
    }

    /// Whether a character belongs to the run of what precedes it: spaces,
    /// combining marks, joiners and variation selectors.
    private static func followsItsNeighbour(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.properties.isWhitespace || scalar.properties.isVariationSelector { return true }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark, .format: return true
        default: return false
        }
    }

    /// The glyph for `scalar` in `face`, 0 when the face has none.
    func glyphIndex(of scalar: Unicode.Scalar, in face: FontFace) throws(ChartError) -> UInt32 {
        FT_Get_Char_Index(try loaded(face), FT_ULong(scalar.value))
    }

    // MARK: Drawing

    /// The bitmap of a glyph of a layout made with `font` at `size`.
    func bitmap(_ glyph: TextLayout.Glyph, font: ChartFont, size: Double) throws(ChartError) -> GlyphBitmap {
        let face = font.faces[glyph.face]
        let points = Int((size * 64).rounded())
        let key = GlyphKey(face: face, index: glyph.index, size: points)
        if let known = bitmaps[key] { return known }
        let loaded = try activate(face, points: points, resolution: Self.drawingResolution)
        guard FT_Load_Glyph(loaded, glyph.index, FT_Int32(FT_LOAD_DEFAULT)) == 0,
            FT_Render_Glyph(loaded.pointee.glyph, FT_RENDER_MODE_NORMAL) == 0
        else { throw ChartError.library("FreeType could not draw glyph \(glyph.index) of \(face.family)") }
        let slot = loaded.pointee.glyph.pointee
        let source = slot.bitmap
        let width = Int(source.width), rows = Int(source.rows), pitch = Int(source.pitch)
        var coverage = [UInt8](repeating: 0, count: width * rows)
        if let buffer = source.buffer, source.pixel_mode == UInt8(FT_PIXEL_MODE_GRAY.rawValue) {
            let levels = max(1, Int(source.num_grays) - 1)
            for row in 0..<rows {
                for column in 0..<width {
                    coverage[row * width + column] = UInt8(Int(buffer[row * pitch + column]) * 255 / levels)
                }
            }
        }
        let bitmap = GlyphBitmap(width: width, rows: rows, left: Int(slot.bitmap_left), top: Int(slot.bitmap_top), coverage: coverage)
        if bitmaps.count > 16384 { bitmaps.removeAll(keepingCapacity: true) }
        bitmaps[key] = bitmap
        return bitmap
    }

    // MARK: Faces and sizes

    /// The face, opened on first use: in a collection, the one with its family name.
    private func loaded(_ face: FontFace) throws(ChartError) -> FT_Face {
        if let known = faces[face] { return known }
        var index = 0
        var count = 1
        while index < count {
            var opened: FT_Face?
            guard FT_New_Face(library, face.path, index, &opened) == 0, let opened else {
                throw ChartError.font("the font \(face.path) cannot be read: install Debian's \(face.package)")
            }
            count = opened.pointee.num_faces
            if let family = opened.pointee.family_name, String(cString: family) == face.family {
                faces[face] = opened
                return opened
            }
            FT_Done_Face(opened)
            index += 1
        }
        throw ChartError.font("the font \(face.path) has no face \(face.family): install Debian's \(face.package)")
    }

    /// The face, set to `points` (in 1/64 point) at `resolution`.
    private func activate(_ face: FontFace, points: Int, resolution: Int) throws(ChartError) -> FT_Face {
        let loaded = try loaded(face)
        let key = SizeKey(face: face, size: points, resolution: resolution)
        if let size = sizes[key] {
            FT_Activate_Size(size)
            return loaded
        }
        var size: FT_Size?
        guard FT_New_Size(loaded, &size) == 0, let size, FT_Activate_Size(size) == 0,
            FT_Set_Char_Size(loaded, 0, FT_F26Dot6(points), FT_UInt(resolution), FT_UInt(resolution)) == 0
        else { throw ChartError.library("FreeType could not set \(face.family) to \(Double(points) / 64) points") }
        sizes[key] = size
        return loaded
    }
}
