/// Punctuation that keeps to its neighbour when text is broken into lines: no
/// line starts with a closing mark ("，", "。", "）") or ends with an opening one
/// ("（", "《"). Chart titles (`LineBreaks`) and report text (`Readable.wrap`) break
/// by the same rule.
public enum Punctuation {
    public static func isClosing(_ character: Character) -> Bool {
        "，。、；：！？）》」』】〕〉”’,.;:!?)]}%".contains(character)
    }

    public static func isOpening(_ character: Character) -> Bool { "（《「『【〔〈“‘".contains(character) }
}
