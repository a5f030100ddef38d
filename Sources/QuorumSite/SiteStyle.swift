/// The site's one stylesheet: readable on a phone, dark when the reader's system
/// is, and clean on paper. No JavaScript anywhere.
enum SiteStyle {
    static let css = """
        :root {
          color-scheme: light dark;
          --text: #1f2328; --muted: #59636e; --background: #ffffff; --panel: #f6f8fa;
          --rule: #d8dee4; --link: #0b5cad; --error: #a4262c;
        }
        @media (prefers-color-scheme: dark) {
          :root {
            --text: #e6e8eb; --muted: #a1a9b3; --background: #16191d; --panel: #1e2227;
            --rule: #343a42; --link: #7cb7ef; --error: #ff8a8a;
          }
        }
        * { box-sizing: border-box; }
        html { -webkit-text-size-adjust: 100%; }
        body {
          margin: 0; background: var(--background); color: var(--text);
          font: 16px/1.5 "DejaVu Sans", system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
        }
        /* Han in the Simplified Chinese forms of Noto Sans CJK SC, the charts' face, where installed. */
        html:lang(zh) body { font-family: "DejaVu Sans", "Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif; }
        a { color: var(--link); }
        header.site, main, footer.site { max-width: 860px; margin: 0 auto; padding: 0 16px; }
        header.site { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 24px; padding-top: 16px;
                      border-bottom: 1px solid var(--rule); }
        .brand { margin: 0; font-weight: bold; font-size: 1.1rem; }
        .brand a { color: inherit; text-decoration: none; }
        nav ul { display: flex; flex-wrap: wrap; gap: 4px 16px; list-style: none; margin: 0; padding: 0 0 12px; }
        nav a[aria-current="page"], nav a[aria-current="true"] { color: var(--text); font-weight: bold; text-decoration: none; }
        nav.languages ul { padding-bottom: 8px; font-size: 0.9rem; }
        abbr.fallback { font-size: 0.65em; vertical-align: super; color: var(--muted); text-decoration: underline dotted;
                        cursor: help; letter-spacing: 0.05em; }
        h1 { font-size: 1.6rem; line-height: 1.25; margin: 24px 0 8px; }
        h2 { font-size: 1.2rem; line-height: 1.3; margin: 0 0 4px; }
        .snapshot, .subtitle, figcaption, .downloads { color: var(--muted); font-size: 0.9rem; }
        section.chart { margin: 32px 0; padding-top: 16px; border-top: 1px solid var(--rule); }
        figure { margin: 12px 0; }
        img { display: block; max-width: 100%; height: auto; }
        section.sparkline img { display: inline-block; }
        figcaption { margin-top: 4px; }
        .table { overflow-x: auto; }
        table { border-collapse: collapse; font-size: 0.9rem; margin: 8px 0; min-width: 50%; }
        caption { text-align: left; color: var(--muted); font-size: 0.85rem; padding-bottom: 4px; }
        th, td { padding: 4px 12px 4px 0; border-bottom: 1px solid var(--rule); text-align: left; vertical-align: top; }
        td { text-align: right; font-variant-numeric: tabular-nums; }
        thead th { border-bottom: 2px solid var(--rule); }
        th.num, td.num, .num { text-align: right; white-space: nowrap; }
        table.register td { text-align: left; }
        table.register td:first-child { white-space: nowrap; }
        ul.figures { margin: 0; padding: 0; list-style: none; }
        ul.figures li { margin-bottom: 4px; }
        .muted, .status, .notes { color: var(--muted); }
        .derived { font-size: 0.85rem; font-style: italic; }
        .notes { font-size: 0.85rem; margin: 4px 0; padding-left: 0; list-style: none; }
        cite { font-style: normal; }
        .errors { background: var(--panel); border-left: 4px solid var(--error); padding: 8px 16px; margin: 16px 0; }
        .errors h2 { color: var(--error); font-size: 1rem; }
        footer.site { color: var(--muted); font-size: 0.85rem; padding-bottom: 32px; border-top: 1px solid var(--rule); margin-top: 32px; }
        @media (max-width: 600px) {
          body { font-size: 15px; }
          h1 { font-size: 1.35rem; }
          th, td { padding-right: 8px; }
        }
        @media print {
          :root { --text: #000; --muted: #333; --background: #fff; --rule: #999; --link: #000; }
          header.site nav, .downloads { display: none; }
          body { font-size: 10pt; }
          section.chart { break-inside: avoid; border-top: none; }
          a { text-decoration: none; }
        }

        """
}
