/// The chart files shipped in the binary: Charts/ at the repository root
/// (Package.swift embeds each one; add a new default chart there and here).
enum DefaultCharts {
    static let files: [(name: String, bytes: [UInt8])] = [
        ("business-council-participants.toml", PackageResources.business_council_participants_toml),
        ("business-council-trend.toml", PackageResources.business_council_trend_toml),
        ("cbm-events-vs-all-events.toml", PackageResources.cbm_events_vs_all_events_toml),
        ("concept-papers-renewed.toml", PackageResources.concept_papers_renewed_toml),
        ("format-mix.toml", PackageResources.format_mix_toml),
        ("format-share.toml", PackageResources.format_share_toml),
        ("member-states-represented.toml", PackageResources.member_states_represented_toml),
        ("membership-growth.toml", PackageResources.membership_growth_toml),
        ("participants-by-body-year.toml", PackageResources.participants_by_body_year_toml),
        ("participants-per-year.toml", PackageResources.participants_per_year_toml),
        ("ratifications-progress.toml", PackageResources.ratifications_progress_toml),
        ("sco-summit-2024.toml", PackageResources.sco_summit_2024_toml),
        ("think-tank-forum-participants.toml", PackageResources.think_tank_forum_participants_toml),
        ("think-tank-forum-trend.toml", PackageResources.think_tank_forum_trend_toml),
        ("youth-council-participants.toml", PackageResources.youth_council_participants_toml),
        ("youth-council-trend.toml", PackageResources.youth_council_trend_toml),
    ]
}
