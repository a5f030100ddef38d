import QuorumCharts

/// Data that charts must draw cleanly however awkward it is.
enum EdgeCases {
    static let empty = ChartData(categories: [], series: [])
    static let onePoint = ChartData(categories: ["2024"], series: [ChartSeries(name: "Participants", points: [ChartPoint(140, .atLeast)])])
    static let zeros = ChartData(
        categories: ["2021", "2022", "2023"],
        series: [ChartSeries(name: "Events", points: [ChartPoint(0), ChartPoint(0), ChartPoint(0)])])
    static let longLabels = ChartData(
        categories: [
            "Council of Ministers of Foreign Affairs (Ministerial Council)", "Ministerial Conference on Environmental Issues",
            "Senior Officials Committee",
        ],
        series: [
            ChartSeries(
                name: "Sessions held in the Republic of Kazakhstan and elsewhere in Asia", points: [ChartPoint(3), ChartPoint(1), ChartPoint(2)]),
            ChartSeries(
                name: "Sessions with participation figures reported by the secretariat",
                points: [ChartPoint(1), nil, ChartPoint(150, .approximately)]),
        ])
    static let largeNumbers = ChartData(
        categories: ["2021", "2022", "2023", "2024"],
        series: [
            ChartSeries(
                name: "Visitors",
                points: [
                    ChartPoint(1_250_000), ChartPoint(2_400_500, .approximately),
                    ChartPoint(987_654), ChartPoint(3_100_000, .atLeast),
                ])
        ])
    static let all: [(String, ChartData)] = [
        ("empty", empty), ("one-point", onePoint), ("zeros", zeros), ("long-labels", longLabels), ("large-numbers", largeNumbers),
    ]
}
