import CCairo
import Foundation
import QuorumCharts
import Synchronization

/// Why a document could not be made.
public struct PrintError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// PDF documents through cairo's PDF surface: text as text (DejaVu, embedded
/// and subset), charts as vectors, pages numbered "Page 2 of 5".
///
/// Pure: the same document gives the same bytes, since its creation date is the
/// document's own and cairo writes nothing else that changes from run to run.
public enum PDF {
    /// One document at a time in the process. cairo shares a scaled font between
    /// threads that use the same face and size, and cairo 1.16 aborts when one
    /// thread releases it while another is drawing glyphs with it
    /// (`cairo_scaled_font_destroy: Assertion '! scaled_font->cache_frozen'`).
    private static let cairo = Mutex(())

    public static func render(_ document: PrintDocument) throws(PrintError) -> [UInt8] {
        try cairo.withLock { _ throws(PrintError) in try renderAlone(document) }
    }

    private static func renderAlone(_ document: PrintDocument) throws(PrintError) -> [UInt8] {
        let sink = Sink()
        let closure = Unmanaged.passUnretained(sink).toOpaque()
        guard
            let surface = cairo_pdf_surface_create_for_stream(
                { closure, data, length in
                    guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
                    Unmanaged<Sink>.fromOpaque(closure).takeUnretainedValue().bytes.append(
                        contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
                    return CAIRO_STATUS_SUCCESS
                }, closure, document.paper.width, document.paper.height)
        else { throw PrintError("cairo could not make a PDF surface") }
        defer { cairo_surface_destroy(surface) }
        try check(cairo_surface_status(surface), "the PDF surface")
        setMetadata(document.metadata, on: surface)

        guard let context = cairo_create(surface) else { throw PrintError("cairo could not make a drawing context") }
        defer { cairo_destroy(context) }
        let pen = Pen(context)
        let pages = self.pages(document, pen: pen)
        for (index, page) in pages.enumerated() {
            draw(page, number: index + 1, of: pages.count, document: document, pen: pen, surface: surface)
            cairo_show_page(context)
        }
        try check(cairo_status(context), "drawing")
        cairo_surface_finish(surface)
        try check(cairo_surface_status(surface), "writing the PDF")
        return withExtendedLifetime(sink) { sink.bytes }
    }

    private final class Sink { var bytes: [UInt8] = [] }

    /// The document laid out: the cover, with the contents, then the blocks.
    private static func pages(_ document: PrintDocument, pen: Pen) -> [Typesetter.Page] {
        let body = Typesetter(paper: document.paper, pen: pen).pages(document.blocks)
        guard let cover = document.cover else { return body }
        let headings = body.enumerated().flatMap { number, page in
            page.items.compactMap { item -> (String, Int)? in
                if case .outline(let title, _) = item { (title, number) } else { nil }
            }
        }
        // The contents give page numbers that depend on how many pages the cover
        // itself takes: laid out once for one page, and again if it took more.
        var coverPages = 1
        while true {
            let contents = PrintTable(
                caption: "Contents", columns: [.init("Section", weight: 6), .init("Page", numeric: true)],
                rows: headings.map { [$0.0, String($0.1 + coverPages + 1)] })
            let laid = Typesetter(paper: document.paper, pen: pen).pages(cover + [.table(contents)])
            if laid.count == coverPages { return laid + body }
            coverPages = laid.count
        }
    }

    private static func check(_ status: cairo_status_t, _ what: String) throws(PrintError) {
        guard status == CAIRO_STATUS_SUCCESS else {
            throw PrintError("cairo failed at \(what): \(String(cString: cairo_status_to_string(status)))")
        }
    }

    private static func setMetadata(_ metadata: PrintDocument.Metadata, on surface: OpaquePointer) {
        let date = metadata.created.formatted(.iso8601)
        let entries: [(cairo_pdf_metadata_t, String)] = [
            (CAIRO_PDF_METADATA_TITLE, metadata.title),
            (CAIRO_PDF_METADATA_SUBJECT, metadata.subject),
            (CAIRO_PDF_METADATA_KEYWORDS, metadata.keywords.joined(separator: ", ")),
            (CAIRO_PDF_METADATA_CREATOR, "Quorum"),
            (CAIRO_PDF_METADATA_CREATE_DATE, date),
            (CAIRO_PDF_METADATA_MOD_DATE, date),
        ]
        for (key, value) in entries where !value.isEmpty { cairo_pdf_surface_set_metadata(surface, key, value) }
    }

    private static func draw(
        _ page: Typesetter.Page, number: Int, of count: Int, document: PrintDocument, pen: Pen,
        surface: OpaquePointer
    ) {
        let paper = document.paper, margin = Typesetter.margin
        if number > 1 {
            pen.text(
                pen.fitted(document.runningHeader, style: .running, width: paper.width - 2 * margin),
                x: margin, baseline: margin - 14, style: .running)
            pen.line(from: (margin, margin - 8), to: (paper.width - margin, margin - 8), width: 0.5, grey: 0.7)
        }
        pen.text(
            "Page \(number) of \(count)", x: paper.width / 2, baseline: paper.height - margin + 24, style: .running,
            anchor: .middle)
        // Consecutive text in one style is shown in one call, and the rules are
        // stroked together when something else comes: neither overlaps the other.
        var runs: [Pen.Run] = [], runStyle = TextStyle.body
        var rules: [Pen.Rule] = []
        func showText() {
            pen.texts(runs, style: runStyle)
            runs.removeAll(keepingCapacity: true)
        }
        func flush() {
            showText()
            pen.lines(rules)
            rules.removeAll(keepingCapacity: true)
        }
        for item in page.items {
            switch item {
            case .text(let text, let x, let baseline, let style, let anchor):
                if style != runStyle {
                    showText()
                    runStyle = style
                }
                runs.append(Pen.Run(text: text, x: x, baseline: baseline, anchor: anchor))
            case .rule(let from, let to, let width, let grey):
                rules.append(Pen.Rule(from: from, to: to, width: width, grey: grey))
            case .shade(let x, let y, let width, let height, let grey):
                flush()
                pen.fill(x: x, y: y, width: width, height: height, grey: grey)
            case .chart(let drawing, let x, let y, let scale):
                flush()
                pen.draw(drawing, x: x, y: y, scale: scale)
            case .outline(let title, let y):
                cairo_pdf_surface_add_outline(
                    surface, Int32(CAIRO_PDF_OUTLINE_ROOT), title,
                    "page=\(number) pos=[\(Int(margin)) \(Int(y))]", cairo_pdf_outline_flags_t(0))
            }
        }
        flush()
    }
}
