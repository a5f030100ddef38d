import QuorumModel

/// How the columns of the aggregates are shown to people: a heading in words,
/// what kind of value a column holds, and which figure a qualifier or derivation
/// column belongs to.
///
/// The column names themselves (`participants_qualifier`) stay the stable
/// identifiers of the API, the CSV files and the chart files; these are only the
/// words a reader sees in a report e-mail or a page, in English, Russian and
/// Chinese (Quorum's own words, never a document's). A column no aggregate here
/// names still gets a heading in words (`valid_from` → "Valid from"), so no
/// identifier reaches a reader, but `isLabelled` tells a test it was guessed.
public enum ColumnLabels {
    /// What a column holds, which says how to write its values for a reader.
    public enum Kind: Sendable, Equatable {
        /// Words, shown as they are.
        case text
        /// The dataset's English name of the code in column `of` (organisation, body,
        /// dimension): shown in the reader's language where the dataset names it so.
        case name(of: String)
        /// An organisation's code (`CICA`).
        case organisation
        /// A body's code (`youth-council`); its name is in a `body_name` column or body_year.
        case body
        /// A code of a closed vocabulary, shown by its name.
        case code(Vocabulary)
        /// A whole number of things: thousands separated.
        case count
        /// A mean or median: thousands separated, one decimal where there is one.
        case decimal
        /// A calendar year: no separator.
        case year
        /// A number that names rather than counts (an event's id, a session): no separator.
        case identifier
        /// A fraction of one (0.679), shown as a percentage.
        case share
        /// A percentage already (12.5).
        case percent
        /// A date with its precision: `2024`, `2024-10`, `2024-10-03`.
        case date
        /// Source keys, one or several separated by spaces.
        case sources
        /// How exact the figure in each of `figures` is: `exact`, `at_least`, `approximately`.
        case qualifier(of: [String])
        /// How Quorum derived the figure in each of `figures`; null when the document states it.
        case derivation(of: [String])
        /// Where in the source document; long text.
        case locator
        /// Why a figure is what it is; long text.
        case note
    }

    /// The closed vocabularies whose codes appear in aggregates.
    public enum Vocabulary: Sendable, Hashable {
        case scope, membershipRole, measure, milestoneKind, eventFormat, qualifier, eventStatus
        /// How body_year counted the Member States of a year (its codes are English words).
        case memberStatesBasis
        /// What a row of `names` names.
        case named
        /// What a fact of the register is (milestone, membership, coordinator) …
        case fact
        /// … and its kind: a milestone's, a membership's role, a coordinator's role; one of them, in the singular.
        case factKind
    }

    public struct Label: Sendable, Equatable {
        public let headings: Phrase
        public let kind: Kind

        public init(_ en: String, _ ru: String, _ zh: String, _ kind: Kind) {
            self.init(Phrase(en, ru, zh), kind)
        }

        init(_ headings: Phrase, _ kind: Kind) {
            self.headings = headings
            self.kind = kind
        }

        public func heading(in language: Language = .en) -> String { headings(language) }

        /// Whether the values are numbers a reader compares down a column (right-aligned).
        public var isNumeric: Bool {
            switch kind {
            case .count, .decimal, .year, .identifier, .share, .percent: true
            default: false
            }
        }
    }

    // MARK: Looking up

    /// The label of `column` in `aggregate`: the aggregate's own, else the one the
    /// column has everywhere, else one made from its name.
    public static func label(_ column: String, in aggregate: String) -> Label {
        if let label = byAggregate[aggregate]?[column] ?? shared[column] { return label }
        return guessed(column)
    }

    public static func heading(_ column: String, in aggregate: String, language: Language = .en) -> String {
        label(column, in: aggregate).heading(in: language)
    }

    /// Whether `column` of `aggregate` has a label written for it (not guessed from its name).
    public static func isLabelled(_ column: String, in aggregate: String) -> Bool {
        byAggregate[aggregate]?[column] != nil || shared[column] != nil
    }

    /// A short title for an aggregate, for a heading above its table; nil for one
    /// not built in (a chart's own query), whose description is all there is.
    public static func title(of aggregate: String, in language: Language = .en) -> String? { titles[aggregate]?(language) }

    /// A code of a vocabulary in words; a code the vocabulary lacks has its
    /// underscores made spaces, so no identifier reaches a reader.
    public static func words(_ code: String, _ vocabulary: Vocabulary, in language: Language = .en) -> String {
        if vocabulary == .scope, let scope = Scope(rawValue: code) { return Wording(language).scopeWords(scope) }
        return vocabularies[vocabulary]?[code]?(language) ?? humanised(code)
    }

    /// A code of any vocabulary of events and figures, in words; nil for a text
    /// that is no such code. For the columns of a chart's own query, which may
    /// select a code under any name.
    public static func words(anyCode code: String, in language: Language = .en) -> String? {
        if let scope = Scope(rawValue: code) { return Wording(language).scopeWords(scope) }
        for vocabulary in [Vocabulary.measure, .membershipRole, .milestoneKind, .eventFormat, .qualifier, .eventStatus] {
            if let words = vocabularies[vocabulary]?[code] { return words(language) }
        }
        return nil
    }

    private static let vocabularies: [Vocabulary: [String: Phrase]] = [
        .membershipRole: [
            "member": Phrase("Member States", "Государства-члены", "成员国"),
            "observer": Phrase("Observers", "Наблюдатели", "观察员"),
            "partner": Phrase("Partners", "Партнёры", "伙伴"),
        ],
        .measure: measureWords,
        .milestoneKind: [
            "concept_paper_renewed": Phrase("Concept papers renewed", "Обновлённые концепции", "更新的概念文件"),
            "ratification": Phrase("Ratifications", "Ратификации", "批准"),
            "membership_joined": Phrase("States joining", "Присоединившиеся государства", "新加入的国家"),
            "body_established": Phrase("Bodies established", "Созданные органы", "新设机构"),
            "document_adopted": Phrase("Documents adopted", "Принятые документы", "通过的文件"),
            "chairmanship": Phrase("Chairmanships", "Председательства", "主席国任期"),
        ],
        .eventFormat: [
            "online": Phrase("online", "онлайн", "线上"),
            "hybrid": Phrase("hybrid", "гибридно", "线上线下结合"),
            "in_person": Phrase("in person", "очно", "线下"),
        ],
        .qualifier: [
            "exact": Phrase("exact", "точно", "确切"),
            "at_least": Phrase("at least", "не менее", "至少"),
            "approximately": Phrase("approximately", "около", "约"),
        ],
        .eventStatus: [
            "held": Phrase("held", "проведено", "已举行"),
            "announced": Phrase("announced", "объявлено", "已宣布"),
        ],
        .memberStatesBasis: [
            "reported": Phrase("reported", "по данным документа", "文件所报"),
            "union of named states": Phrase("union of named states", "объединение названных государств", "所列国家的并集"),
            "largest count (lower bound)": Phrase(
                "largest count (lower bound)", "наибольшее число (нижняя граница)", "最大数（下限）"),
        ],
        .named: [
            "organisation": Phrase("Organisation", "Организация", "组织"),
            "body": Phrase("Body", "Орган", "机构"),
            "dimension": Phrase("Dimension", "Измерение", "领域"),
            "priority_area": Phrase("Priority area", "Приоритетное направление", "优先领域"),
        ],
        .fact: [
            "milestone": Phrase("Milestone", "Веха", "里程碑"),
            "membership": Phrase("Membership", "Членство", "成员资格"),
            "coordinator": Phrase("Coordinator", "Координатор", "协调方"),
        ],
        .factKind: [
            "concept_paper_renewed": Phrase("Concept paper renewed", "Концепция обновлена", "概念文件更新"),
            "ratification": Phrase("Ratification", "Ратификация", "批准"),
            "membership_joined": Phrase("Joined", "Присоединение", "加入"),
            "body_established": Phrase("Body established", "Орган создан", "机构设立"),
            "document_adopted": Phrase("Document adopted", "Документ принят", "文件通过"),
            "chairmanship": Phrase("Chairmanship", "Председательство", "主席国"),
            "member": Phrase("Member State", "Государство-член", "成员国"),
            "observer": Phrase("Observer", "Наблюдатель", "观察员"),
            "partner": Phrase("Partner", "Партнёр", "伙伴"),
            "coordinator": Phrase("Coordinator", "Координатор", "协调方"),
            "co_coordinator": Phrase("Co-coordinator", "Сокоординатор", "共同协调方"),
        ],
    ]

    /// "valid_from" → "Valid from".
    static func humanised(_ name: String) -> String {
        let spaced = name.replacingOccurrences(of: "_", with: " ")
        return spaced.prefix(1).uppercased() + spaced.dropFirst()
    }

    /// A column no table here names: `X_qualifier` and `X_derivation` belong to X,
    /// `…year` is a year; the rest is text under its name in words (which, being
    /// the column's own name, stays as it is in every language).
    private static func guessed(_ column: String) -> Label {
        if column.hasSuffix("_qualifier") {
            let figure = String(column.dropLast("_qualifier".count))
            let name = humanised(figure).lowercased()
            return Label("How exact (\(name))", "Точность (\(name))", "精确程度（\(name)）", .qualifier(of: [figure]))
        }
        if column.hasSuffix("_derivation") {
            let figure = String(column.dropLast("_derivation".count))
            let name = humanised(figure).lowercased()
            return Label("How derived (\(name))", "Как вычислено (\(name))", "推算方法（\(name)）", .derivation(of: [figure]))
        }
        if column == "year" || column.hasSuffix("_year") { return Label(Phrase(untranslated: humanised(column)), .year) }
        return Label(Phrase(untranslated: humanised(column)), .text)
    }

    // MARK: The labels

    /// Columns that mean the same in every aggregate that has them.
    private static let shared: [String: Label] = [
        "organisation": Label("Organisation", "Организация", "组织", .organisation),
        "body": Label("Body", "Орган", "机构", .body),
        "body_name": Label("Body", "Орган", "机构", .name(of: "body")),
        "year": Label("Year", "Год", "年份", .year),
        "source": Label("Source", "Источник", "来源", .sources),
        "sources": Label("Sources", "Источники", "来源", .sources),
        "locator": Label("Where in the source", "Место в источнике", "出处位置", .locator),
        "note": Label("Note", "Примечание", "备注", .note),
        "measure": Label("What was counted", "Что учитывалось", "统计内容", .code(.measure)),
        "label": Label("Total", "Итог", "合计项", .text),
        "period_from": Label("From", "С", "起", .date),
        "period_to": Label("To", "По", "止", .date),
        "events": Label("Events", "Мероприятия", "活动", .count),
    ]

    private static let participants = Label("Participants", "Участники", "参会人数", .count)
    private static let participantsQualifier = Label(
        "How exact (participants)", "Точность (участники)", "精确程度（参会人数）", .qualifier(of: ["participants"]))
    private static let number = Label("Number", "Число", "数字", .count)
    private static func howExact(_ figures: String...) -> Label {
        Label("How exact", "Точность", "精确程度", .qualifier(of: figures))
    }
    private static func howDerived(_ figures: String...) -> Label {
        Label("How derived", "Как вычислено", "推算方法", .derivation(of: figures))
    }
    private static let dimension = Label("Dimension", "Измерение", "领域", .text)
    private static let eventNumber = Label("Event number", "Номер мероприятия", "活动编号", .identifier)
    private static let title = Label("Title", "Название", "标题", .text)
    private static let country = Label("Country", "Страна", "国家", .text)
    private static let from = Label("From", "С", "起", .date)
    private static let whoWasCounted = Label("Who was counted", "Кто учитывался", "统计对象", .code(.scope))

    private static let byAggregate: [String: [String: Label]] = [
        "body_year": [
            "sessions": Label("Sessions", "Сессии", "会议场次", .count),
            "participants": participants,
            "participants_qualifier": participantsQualifier,
            "participants_derivation": Label(
                "How participants were derived", "Как вычислено число участников", "参会人数的推算方法", .derivation(of: ["participants"])),
            "participants_reported": Label("Sessions with a participants figure", "Сессии с числом участников", "有参会人数的场次", .count),
            "participants_mean": Label("Mean per session", "Среднее за сессию", "每场平均", .decimal),
            "participants_median": Label("Median per session", "Медиана за сессию", "每场中位数", .decimal),
            "participants_min": Label("Fewest at a session", "Меньше всего за сессию", "单场最少", .count),
            "participants_max": Label("Most at a session", "Больше всего за сессию", "单场最多", .count),
            "member_states": Label("Member States represented", "Представленные государства-члены", "出席的成员国", .count),
            "member_states_qualifier": Label(
                "How exact (Member States)", "Точность (государства-члены)", "精确程度（成员国）", .qualifier(of: ["member_states"])),
            "member_states_derivation": Label(
                "How Member States were derived", "Как вычислено число государств-членов", "成员国数的推算方法",
                .derivation(of: ["member_states"])),
            "member_states_basis": Label("How they were counted", "Как они учитывались", "统计依据", .code(.memberStatesBasis)),
            "member_states_scope": whoWasCounted,
            "members": Label("Member States at year end", "Государства-члены на конец года", "年末成员国数", .count),
            "members_derivation": Label(
                "How the membership was derived", "Как вычислен членский состав", "成员数的推算方法", .derivation(of: ["members"])),
            "member_share": Label("Share of the Member States", "Доля государств-членов", "占成员国比例", .share),
            "organisations": Label("Organisations present", "Присутствовавшие организации", "出席的国际组织", .count),
            "organisations_qualifier": Label(
                "How exact (organisations)", "Точность (организации)", "精确程度（国际组织）", .qualifier(of: ["organisations"])),
            "organisations_derivation": Label(
                "How organisations were derived", "Как вычислено число организаций", "国际组织数的推算方法",
                .derivation(of: ["organisations"])),
        ],
        "format_mix": [
            "online": Label("Online", "Онлайн", "线上", .count),
            "hybrid": Label("Hybrid", "Гибридно", "线上线下结合", .count),
            "in_person": Label("In person", "Очно", "线下", .count),
            "not_reported": Label("Format not reported", "Формат не указан", "未报告形式", .count),
        ],
        "cbm_events": ["dimension": dimension, "dimension_name": Label(dimension.headings, .name(of: "dimension"))],
        "year_over_year": [
            "participants": participants,
            "qualifier": participantsQualifier,
            "previous_year": Label("Previous year with a figure", "Предыдущий год с числом", "上一个有数字的年份", .year),
            "change": Label("Change", "Изменение", "变化", .count),
            "change_percent": Label("Change (%)", "Изменение (%)", "变化（%）", .percent),
            "change_qualifier": Label(
                "How exact (change)", "Точность (изменение)", "精确程度（变化）", .qualifier(of: ["change", "change_percent"])),
        ],
        "organisation_totals": [
            "name": Label("Name", "Название", "名称", .name(of: "organisation")),
            "bodies": Label("Bodies", "Органы", "机构", .count),
            "events_with_participants": Label(
                "Events with a participants figure", "Мероприятия с числом участников", "有参会人数的活动", .count),
            "participants": participants,
            "participants_qualifier": participantsQualifier,
            "first_year": Label("First year", "Первый год", "首年", .year),
            "last_year": Label("Last year", "Последний год", "末年", .year),
        ],
        "period_totals": ["value": number, "qualifier": howExact("value"), "derivation": howDerived("value")],
        "membership": [
            "role": Label("Role", "Статус", "身份", .code(.membershipRole)),
            "valid_from": from,
            "count": number,
            "qualifier": howExact("count"),
            "derivation": howDerived("count"),
        ],
        "milestones_per_year": [
            "kind": Label("Milestone", "Веха", "里程碑", .code(.milestoneKind)),
            "milestones": Label("Milestones", "Вехи", "里程碑数", .count),
            "dated_by_range": Label("Dated only by a range", "Датировано лишь периодом", "仅有时间范围", .count),
        ],
        "coverage": [
            "label": Label("What the documents report", "Что сообщают документы", "文件所报告的内容", .text),
            "value": Label("Reported", "Сообщено", "报告数", .count),
            "qualifier": howExact("value"),
            "in_dataset": Label("In Quorum's dataset", "В данных Quorum", "Quorum 数据集内", .count),
        ],
        "register_events": [
            "id": eventNumber,
            "session": Label("Session", "Сессия", "届次", .identifier),
            "title": title,
            "date": Label("Date", "Дата", "日期", .date),
            "end_date": Label("Until", "До", "截至", .date),
            "city": Label("City", "Город", "城市", .text),
            "country": country,
            "format": Label("Format", "Формат", "形式", .code(.eventFormat)),
            "status": Label("Held or announced", "Проведено или объявлено", "已举行或已宣布", .code(.eventStatus)),
            "dimension": dimension,
        ],
        "register_figures": [
            "event_id": eventNumber,
            "value": number,
            "qualifier": howExact("value"),
            "scope": whoWasCounted,
            "derivation": howDerived("value"),
        ],
        "register_facts": [
            "fact": Label("Fact", "Факт", "事实", .code(.fact)),
            "kind": Label("Kind", "Вид", "类别", .code(.factKind)),
            "subject": Label("Subject", "Предмет", "对象", .text),
            "country": country,
            "date_from": from,
            "date_to": Label("To", "По", "止", .date),
            "derivation": howDerived("subject"),
        ],
        "sources": [
            "source": Label("Key", "Ключ", "代号", .text),
            "title": title,
            "publisher": Label("Publisher", "Издатель", "发布方", .text),
            "published": Label("Published", "Опубликовано", "发布日期", .date),
            "symbol": Label("Document symbol", "Условное обозначение документа", "文件编号", .text),
            "url": Label("Address", "Адрес", "网址", .text),
        ],
        "names": [
            "kind": Label("Named", "Что названо", "名称类别", .code(.named)),
            "code": Label("Code", "Код", "代码", .text),
            "en": Label("English", "Английский", "英文", .text),
            "ru": Label("Russian", "Русский", "俄文", .text),
            "zh": Label("Chinese", "Китайский", "中文", .text),
        ],
    ]

    private static let titles: [String: Phrase] = [
        "body_year": Phrase("Participation per body and year", "Участие по органам и годам", "各机构逐年参会情况"),
        "format_mix": Phrase("Event formats per year", "Форматы мероприятий по годам", "各年活动形式"),
        "cbm_events": Phrase(
            "CBM events per dimension and year", "Мероприятия по мерам доверия по измерениям и годам", "各领域逐年信任措施活动"),
        "year_over_year": Phrase("Participants, year on year", "Участники: год к году", "参会人数逐年变化"),
        "organisation_totals": Phrase("Totals per organisation", "Итоги по организациям", "各组织合计"),
        "period_totals": Phrase(
            "Totals the documents report for whole periods", "Итоги за периоды по данным документов", "文件所报告的整段时期合计"),
        "membership": Phrase("Membership", "Членский состав", "成员构成"),
        "milestones_per_year": Phrase("Milestones per year", "Вехи по годам", "各年里程碑"),
        "coverage": Phrase(
            "What the documents report, and what the dataset holds", "Что сообщают документы и что есть в данных",
            "文件所报告的内容与数据集所含内容"),
        "register_events": Phrase("Register of events", "Реестр мероприятий", "活动登记簿"),
        "register_figures": Phrase("Register of figures", "Реестр чисел", "数字登记簿"),
        "register_facts": Phrase("Register of other facts", "Реестр прочих фактов", "其他事实登记簿"),
        "sources": Phrase("Sources", "Источники", "来源"),
        "names": Phrase("Names in each language", "Названия на каждом языке", "各语言名称"),
    ]

    /// Measures of events and of the documents' totals.
    private static let measureWords: [String: Phrase] = [
        "participants": Phrase("Participants", "Участники", "参会人数"),
        "member_states": Phrase("Member States represented", "Представленные государства-члены", "出席的成员国"),
        "guest_states": Phrase("Guest states", "Государства-гости", "嘉宾国"),
        "organisations": Phrase("Organisations present", "Присутствовавшие организации", "出席的国际组织"),
        "countries": Phrase("Countries", "Страны", "国家"),
        "events": Phrase("Events", "Мероприятия", "活动"),
        "cbm_events": Phrase("CBM events", "Мероприятия по мерам доверия", "信任措施活动"),
        "cbm_review_meetings": Phrase("CBM review meetings", "Совещания по обзору мер доверия", "信任措施审议会议"),
        "concept_papers_in_development": Phrase("Concept papers under development", "Концепции в разработке", "制定中的概念文件"),
        "concept_papers_renewed": Phrase("Concept papers renewed", "Обновлённые концепции", "更新的概念文件"),
        "dimensions": Phrase("Dimensions", "Измерения", "领域"),
        "fundamental_principles": Phrase("Fundamental principles", "Основополагающие принципы", "基本原则"),
        "new_permanent_advisory_bodies": Phrase(
            "New permanent advisory bodies", "Новые постоянные консультативные органы", "新设常设咨询机构"),
        "observer_organisations": Phrase("Observer organisations", "Организации-наблюдатели", "观察员组织"),
        "priority_areas": Phrase("Priority areas", "Приоритетные направления", "优先领域"),
        "ratifications": Phrase("Ratifications", "Ратификации", "批准"),
        "ratifications_still_required": Phrase("Ratifications still required", "Ещё требуемые ратификации", "尚需的批准"),
        "resolutions": Phrase("Resolutions", "Резолюции", "决议"),
        "roadmap_reform_areas": Phrase("Reform areas of the roadmap", "Направления реформы по дорожной карте", "路线图改革领域"),
    ]
}
