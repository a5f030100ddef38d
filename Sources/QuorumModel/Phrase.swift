/// One of Quorum's own phrases in each language it speaks: for tables of them
/// (column headings, the names of codes), where `Wording` would need a member
/// per phrase. Never a document's words: those are shown as the document gives them.
public struct Phrase: Sendable, Equatable {
    public let en: String, ru: String, zh: String

    public init(_ en: String, _ ru: String, _ zh: String) {
        self.en = en
        self.ru = ru
        self.zh = zh
    }

    /// The same words in every language: a name the languages share.
    public init(untranslated text: String) { self.init(text, text, text) }

    public func callAsFunction(_ language: Language) -> String {
        switch language {
        case .en: en
        case .ru: ru
        case .zh: zh
        }
    }
}
