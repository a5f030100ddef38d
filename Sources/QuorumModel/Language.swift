import CLocaleData
import Foundation
import Synchronization

/// The languages Quorum writes its pages, charts, reports and API labels in:
/// CICA's working languages (English, Russian) and the SCO's official ones
/// (Chinese, Russian). The data is imported in English; a dataset may give
/// names in the others (`names`, `titles`), and country names come from CLDR.
public enum Language: String, CaseIterable, Codable, Sendable {
    case en, ru, zh

    /// The languages a dataset gives translations in; English is the name itself.
    public static var translated: [Language] { allCases.filter { $0 != .en } }

    /// Numbers, dates and CLDR's names for the language.
    public var locale: Locale { Locale(identifier: rawValue) }

    /// The language's name in itself, as a language switcher shows it.
    public var nativeName: String {
        switch self {
        case .en: "English"
        case .ru: "Русский"
        case .zh: "中文"
        }
    }
}

extension Language {
    /// The language an `Accept-Language` header ranks highest of Quorum's
    /// ("ru-RU,ru;q=0.9,en;q=0.8" is Russian); nil when it names none of them.
    public static func preferred(byAcceptLanguage header: String) -> Language? {
        var best: (language: Language, weight: Double)?
        for item in header.split(separator: ",") {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = parts.first?.lowercased(), let primary = tag.split(separator: "-").first,
                let language = Language(rawValue: String(primary))
            else { continue }
            var weight = 1.0
            for parameter in parts.dropFirst() where parameter.lowercased().hasPrefix("q=") {
                weight = Double(parameter.dropFirst(2)) ?? 0
            }
            if weight > 0, weight > (best?.weight ?? 0) { best = (language, weight) }
        }
        return best?.language
    }
}

/// A name in one language, and whether it is the English one standing in for a
/// translation the data does not have (shown to the reader as such).
public struct LocalizedName: Equatable, Sendable {
    public let text: String
    public let isFallback: Bool
}

/// Something with an English name and, perhaps, translations of it keyed by
/// language code (`{"ru": "…", "zh": "…"}`).
public protocol Translatable {
    var englishName: String { get }
    var translations: [String: String]? { get }
}

extension Translatable {
    /// The name in `language`; English where the data has no translation.
    public func name(in language: Language) -> LocalizedName {
        if language == .en { return LocalizedName(text: englishName, isFallback: false) }
        if let translated = translations?[language.rawValue] { return LocalizedName(text: translated, isFallback: false) }
        return LocalizedName(text: englishName, isFallback: true)
    }
}

/// Country names from CLDR, the Unicode locale data, as the system's ICU
/// carries it: never typed by hand, so a name is the one the language's own
/// conventions give.
public enum CountryNames {
    /// The name of an ISO 3166-1 alpha-3 code in `language`, nil when CLDR has none.
    /// Looked up in ICU once per code and language: every events listing asks again.
    public static func name(of code: String, in language: Language) -> String? {
        guard isCountryCode(code) else { return nil }
        let key = language.rawValue + ":" + code
        if let known = known.withLock({ $0[key] }) { return known }
        var buffer = [CChar](repeating: 0, count: 512)
        let length = quorum_country_name(code, language.rawValue, &buffer, Int32(buffer.count))
        let name = length > 0 ? String(decoding: buffer[..<Int(length)].map { UInt8(bitPattern: $0) }, as: UTF8.self) : nil
        known.withLock { $0[key] = name }
        return name
    }

    private static let known = Mutex<[String: String?]>([:])
}
