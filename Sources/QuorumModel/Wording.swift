/// Quorum's own words in each language it speaks: the frame of its pages and
/// charts, its notes and keys. Every phrase is a `switch` over the languages, so
/// one missing in a language does not compile. What documents say — titles,
/// locators, quoted words, names — is never here: it is shown as the document,
/// or the organisation itself, gives it.
public struct Wording: Sendable {
    public let language: Language

    public init(_ language: Language) { self.language = language }

    private func pick(_ en: String, _ ru: String, _ zh: String) -> String {
        switch language {
        case .en: en
        case .ru: ru
        case .zh: zh
        }
    }

    // MARK: Figures

    public func number(_ value: Double) -> String { NumberFormat.grouped(value, in: language) }

    /// The key that explains the qualifiers under every table of figures. It
    /// gives no example number: one would sit beside the table's real figures
    /// and could be read as one of them.
    public var qualifierKey: String {
        pick(
            "+ after a figure means at least; ≈ before it means about.",
            "+ после числа означает «не менее»; ≈ перед ним — «около».",
            "数字后的 + 表示“至少”，数字前的 ≈ 表示“约”。")
    }

    /// What † means, where a page or document explains its marks.
    public var derivedMark: String {
        pick(
            "† marks a value Quorum derived rather than the document stated.",
            "† — значение, вычисленное Quorum, а не указанное в документе.",
            "† 表示由 Quorum 推算、而非文件载明的数值。")
    }

    /// Sentences joined as the language writes them (Chinese without spaces).
    public func sentences(_ parts: String...) -> String { parts.joined(separator: language == .zh ? "" : " ") }

    public var derivedNote: String {
        pick(
            "† derived by Quorum, not stated in the document (the table says how)",
            "† вычислено Quorum, в документе не указано (как — сказано в таблице)",
            "† 由 Quorum 推算，文件未载明（推算方法见表格）")
    }

    /// `scopes` as `scopeWords` gives them.
    public func otherScopeNote(_ scopes: [String]) -> String {
        pick(
            "* counts more than Member States: " + scopes.joined(separator: " or "),
            "* учтены не только государства-члены: " + scopes.joined(separator: " или "),
            "* 统计范围不限于成员国：" + scopes.joined(separator: "或"))
    }

    /// The derivation of a sum of figures some of which Quorum derived.
    public func sumWithDerived(_ derivations: [String]) -> String {
        pick("A sum that includes derived figures: ", "Сумма, в которую входят вычисленные числа: ", "含推算数字的合计：")
            + derivations.joined(separator: " ")
    }

    /// "116 of 140" for a progress chart.
    public func part(_ done: String, of total: String) -> String {
        pick("\(done) of \(total)", "\(done) из \(total)", "\(done) / \(total)")
    }

    /// What a figure counted, as the documents call it.
    public func scopeWords(_ scope: Scope) -> String {
        switch scope {
        case .all: pick("all participants", "все участники", "全体参会者")
        case .memberStates: pick("Member States", "государства-члены", "成员国")
        case .memberStatesAndObservers: pick("Member States and observers", "государства-члены и наблюдатели", "成员国和观察员国")
        case .memberStatesAndOrganisations:
            pick("Member States and organisations", "государства-члены и организации", "成员国和国际组织")
        case .headsOfStateAndGovernment:
            pick("heads of state and government", "главы государств и правительств", "国家元首和政府首脑")
        }
    }

    /// "The dataset holds 22 of the 160 events that the source reports for
    /// October 2020 – October 2024; the chart counts 20 of them."
    /// `reported` is the total as the source gives it, with its label ("160", "160+").
    public func coverage(
        held: Double, reported: (value: Double, label: String), cbm: Bool, period: (from: PartialDate, to: PartialDate)?,
        chartCount: Double
    ) -> String {
        let range = period.map { "\($0.from.words(in: language)) – \($0.to.words(in: language))" }
        var sentence: String
        switch language {
        case .en:
            sentence =
                "The dataset holds \(number(held)) of the \(reported.label) \(cbm ? "CBM events" : "events") that the source reports"
                + (range.map { " for \($0)" } ?? "")
        case .ru:
            // After "из N" the noun is genitive: singular after 1, 21, 31…, plural otherwise.
            let one = Russian.pluralCategory(Int(reported.value)) == .one
            let noun = (one ? "мероприятия" : "мероприятий") + (cbm ? " по мерам доверия" : "")
            sentence =
                "В наборе данных \(number(held)) из \(reported.label) \(noun), о которых сообщает источник" + (range.map { ", за \($0)" } ?? "")
        case .zh:
            sentence = "数据集收录了来源报告的" + (range.map { $0 + "期间" } ?? "") + "\(reported.label)项\(cbm ? "信任措施活动" : "活动")中的\(number(held))项"
        }
        let inPeriod = held
        if chartCount > inPeriod {
            sentence += pick(
                "; the chart counts \(number(chartCount)), some outside that period",
                "; на графике учтено \(number(chartCount)), часть — вне этого периода",
                "；图表统计了\(number(chartCount))项，部分在该期间之外")
        } else if chartCount < inPeriod {
            sentence += pick(
                "; the chart counts \(number(chartCount)) of them", "; на графике учтено \(number(chartCount)) из них",
                "；图表统计了其中\(number(chartCount))项")
        }
        return sentence + pick(".", ".", "。")
    }

    // MARK: Charts

    public var sourcePrefix: String { pick("Source: ", "Источник: ", "来源：") }
    public var noData: String { pick("No data", "Нет данных", "无数据") }
    public var inAll: String { pick("in all", "всего", "合计") }
    public var inTheDataset: String { pick("in the dataset", "в данных", "数据集内") }
    public var reference: String { pick("Reference", "Ориентир", "参照值") }
    public var lowerBoundSentence: String {
        pick("A figure with + is a lower bound (at least).", "Число со знаком + — нижняя граница (не менее).", "带 + 的数字为下限（至少）。")
    }
    public var approximateSentence: String {
        pick("A figure with ≈ is approximate.", "Число со знаком ≈ — приблизительное.", "带 ≈ 的数字为约数。")
    }
    public var fullStop: String { pick(".", ".", "。") }
    /// Between a heading and what it heads, in running text: "Source: …", "来源：…".
    public var colon: String { pick(": ", ": ", "：") }
    /// Between the items of a list: "2021 116, 2022 150"; "2021 116，2022 150".
    public var comma: String { pick(", ", ", ", "，") }
    /// Between two sentences: a space, except after Chinese full stops.
    public var sentenceGap: String { pick(" ", " ", "") }
    /// Between the parts of a line that tells several things: "9 bodies; 26 events".
    public var listSeparator: String { pick("; ", "; ", "；") }

    // MARK: Reports

    /// A report's subject when its configuration gives none.
    public var reportSubject: String { pick("Quorum report {report} — {date}", "Отчёт Quorum {report} — {date}", "Quorum 报告 {report} — {date}") }

    public func reportProvenance(snapshot: Int64, dataVersion: Int64, computed: String, period: String) -> String {
        pick(
            "Snapshot \(snapshot) (data version \(dataVersion)), computed \(computed); period \(period)",
            "Снимок \(snapshot) (версия данных \(dataVersion)), вычислен \(computed); период \(period)",
            "快照 \(snapshot)（数据版本 \(dataVersion)），计算于 \(computed)；期间 \(period)")
    }
    public var notAvailable: String { pick("Not available: ", "Нет данных: ", "无法提供：") }
    public var noFiguresYet: String { pick("No figures yet.", "Чисел пока нет.", "尚无数字。") }

    // MARK: Pages

    public var pagesLabel: String { pick("Pages", "Страницы", "页面") }
    public var languageLabel: String { pick("Language", "Язык", "语言") }

    public func snapshotLine(id: Int64, computed: String, dataVersion: Int64) -> String {
        pick(
            "Figures from snapshot \(id), computed \(computed) (data version \(dataVersion)).",
            "Числа из снимка \(id), вычисленного \(computed) (версия данных \(dataVersion)).",
            "数字来自快照 \(id)，计算于\(computed)（数据版本 \(dataVersion)）。")
    }

    public var marksExplained: String {
        sentences(
            qualifierKey, derivedMark,
            pick(
                "Every figure in a table links to the register, which gives its document and words.",
                "Каждое число в таблице ведёт в реестр, где названы документ и его слова (реестр — на английском, как и документы).",
                "表中每个数字都链接到登记簿，登记簿列出出处文件及原文（登记簿与文件均为英文）。"))
    }

    public var pdfLink: String { pick("This page as a PDF", "Эта страница в PDF", "本页 PDF 版") }
    public var pdfNote: String {
        pick(
            "(A4, for printing and forwarding, with every figure's sources).",
            "(на английском; A4, для печати и пересылки, с источниками каждого числа).",
            "（英文；A4，便于打印和转发，附每个数字的出处）。")
    }
    public var chartsNotDrawn: String { pick("Charts that could not be drawn", "Графики, которые не удалось построить", "未能绘制的图表") }
    public var noChartsYet: String { pick("No charts yet.", "Графиков пока нет.", "尚无图表。") }
    public func madeBy(snapshot: Int64) -> String {
        pick("Made by Quorum from snapshot \(snapshot).", "Сделано Quorum по снимку \(snapshot).", "由 Quorum 根据快照 \(snapshot) 生成。")
    }
    public var manifest: String { pick("Manifest", "Манифест", "清单") }
    public func tableCaption(_ title: String) -> String {
        pick(
            "\(title): the figures (each links to its sources in the register)",
            "\(title): числа (каждое ведёт к своим источникам в реестре)",
            "\(title)：数字（每个数字都链接到登记簿中的出处）")
    }
    /// The heading of a table's first column, for the built-in aggregates' columns; nil for others.
    public func columnHeading(_ column: String) -> String? {
        switch column {
        case "year": pick("Year", "Год", "年份")
        case "valid_from": pick("From", "С года", "起始年份")
        case "label", "measure": pick("Measure", "Показатель", "指标")
        default: nil
        }
    }
    public var dataLinks: String { pick("Data:", "Данные:", "数据：") }
    public var metadataAndCitation: String { pick("metadata and citation", "метаданные и ссылка для цитирования", "元数据与引用格式") }
    public var noDataTable: String { pick("No data.", "Нет данных.", "无数据。") }
    public var measure: String { pick("Measure", "Показатель", "指标") }
    public var derivedTitle: String { pick("Derived: ", "Вычислено: ", "推算：") }
    public var countsTitle: String { pick("Counts ", "Учтены: ", "统计范围：") }
    public var registerOfEvents: String { pick("Register of events", "Реестр мероприятий", "活动登记簿") }
    public var registerOfFacts: String { pick("Register of facts", "Реестр фактов", "事实登记簿") }
    public var inEnglish: String { pick("", " (на английском)", "（英文）") }

    // MARK: Translations

    public var aboutTranslations: String { pick("About the translations", "О переводах", "关于译文") }
    /// The title of the mark after a name shown in English for want of a translation.
    public var shownInEnglish: String {
        pick("", "Перевода в данных нет: показано на английском", "数据中没有译文：以英文显示")
    }
    public var translationsIntro: String {
        pick(
            "Quorum writes its own words (headings, notes, keys) in English, Russian and Chinese, and each chart file gives its title and labels in each language. Where a chart file gives no translation, its English words are shown, marked EN, and listed below. Names that come from the data (bodies, events, totals) are shown as the data gives them, in English, until it carries the organisations' own names in the language; country names come from CLDR, the Unicode locale data. The documents' words are never translated: the register quotes them as they are.",
            "Свои слова (заголовки, примечания, пояснения) Quorum пишет на английском, русском и китайском, а каждый файл графика даёт свой заголовок и подписи на каждом языке. Если файл графика не даёт перевода, показаны его английские слова с пометкой EN; они перечислены ниже. Названия из данных (органы, мероприятия, итоги) показаны так, как их дают данные, — на английском, пока в данных нет собственных названий организаций на этом языке; названия стран берутся из CLDR, языковых данных Unicode. Слова документов никогда не переводятся: реестр цитирует их как есть.",
            "Quorum 自己的文字（标题、注释、说明）有英文、俄文和中文版本，每个图表文件给出各语言的标题和标签。图表文件未给出译文时，显示其英文文字并标注 EN，并在下方列出。来自数据的名称（机构、活动、总数）按数据原样以英文显示，直至数据载有各组织自己的该语言名称；国家名称取自 Unicode 的语言环境数据 CLDR。文件原文从不翻译：登记簿按原文引用。"
        )
    }

    /// What a measure counts, as a series heading.
    public func measureWords(_ measure: Measure) -> String {
        switch measure {
        case .participants: pick("Participants", "Участники", "参会人数")
        case .memberStates: pick("Member States represented", "Представленные государства-члены", "出席的成员国")
        case .guestStates: pick("Guest states", "Государства-гости", "嘉宾国")
        case .organisations: pick("Organisations present", "Присутствовавшие организации", "出席的国际组织")
        case .countries: pick("Countries", "Страны", "国家")
        }
    }

    public var shownInEnglishHeading: String {
        pick("Shown in English", "Показано на английском", "以英文显示")
    }
    public var nothingInEnglish: String {
        pick("Every name on these pages is in English.", "Все названия на этих страницах переведены.", "本页所有名称均有译文。")
    }
}

/// Russian's plural categories (CLDR): "1 мероприятие", "2 мероприятия", "5 мероприятий".
public enum Russian {
    public enum PluralCategory { case one, few, many }

    public static func pluralCategory(_ n: Int) -> PluralCategory {
        let lastTwo = abs(n) % 100, last = abs(n) % 10
        if last == 1 && lastTwo != 11 { return .one }
        if (2...4).contains(last) && !(12...14).contains(lastTwo) { return .few }
        return .many
    }
}
