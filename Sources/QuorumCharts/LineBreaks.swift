import QuorumModel

/// Where a line of chart text may break: at spaces, and on either side of an
/// ideograph, kana or hangul syllable, except before closing punctuation
/// ("，", "。", "）") and after opening punctuation ("（"), which stay with
/// their neighbours. A small part of Unicode's line breaking (UAX #14): enough
/// for titles and labels in English, Russian and Chinese.
enum LineBreaks {
    struct Piece: Equatable {
        var text: String
        /// Whether a space separated this piece from the one before.
        var spaceBefore: Bool
    }

    static func pieces(of text: String) -> [Piece] {
        var pieces: [Piece] = []
        var current = ""
        var spaceBefore = false
        var breakAfterCurrent = false
        func finish() {
            if !current.isEmpty { pieces.append(Piece(text: current, spaceBefore: spaceBefore)) }
            current = ""
            spaceBefore = false
            breakAfterCurrent = false
        }
        for character in text {
            if character == " " {
                finish()
                spaceBefore = !pieces.isEmpty
                continue
            }
            let ideographic = isIdeographic(character)
            if !current.isEmpty, breakAfterCurrent || ideographic, !Punctuation.isClosing(character) { finish() }
            current.append(character)
            breakAfterCurrent = ideographic && !Punctuation.isOpening(character)
        }
        finish()
        return pieces
    }

    static func joined(_ pieces: [Piece]) -> String {
        var text = ""
        for piece in pieces {
            if piece.spaceBefore && !text.isEmpty { text += " " }
            text += piece.text
        }
        return text
    }

    /// Han, kana, hangul and the CJK punctuation and full-width forms.
    private static func isIdeographic(_ character: Character) -> Bool {
        guard let scalar = character.unicodeScalars.first else { return false }
        if scalar.properties.isIdeographic { return true }
        switch scalar.value {
        case 0x3000...0x30FF, 0xAC00...0xD7AF, 0xFF00...0xFFEF: return true
        default: return false
        }
    }

}
