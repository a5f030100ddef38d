import Foundation
import QuorumCharts

/// A document to print: what it says, in order, and the paper it goes on. The
/// layout (pages, running header, page numbers) is `PDF`'s; this says nothing of
/// positions, so the same content fits A4 and Letter, upright or on its side.
public struct PrintDocument: Sendable {
    public struct Metadata: Sendable, Equatable {
        public var title: String
        public var subject: String
        public var keywords: [String]
        /// The document's creation time: the snapshot's, so the same snapshot gives the same bytes.
        public var created: Date

        public init(title: String, subject: String, keywords: [String] = [], created: Date) {
            self.title = title
            self.subject = subject
            self.keywords = keywords
            self.created = created
        }
    }

    public var paper: Paper
    public var metadata: Metadata
    /// Printed at the top of every page after the first.
    public var runningHeader: String
    /// A first page of its own: these blocks, then the contents (every heading
    /// with its page). Without one, the blocks start on the first page.
    public var cover: [PrintBlock]?
    public var blocks: [PrintBlock]

    public init(
        paper: Paper = .a4, metadata: Metadata, runningHeader: String, cover: [PrintBlock]? = nil,
        blocks: [PrintBlock] = []
    ) {
        self.paper = paper
        self.metadata = metadata
        self.runningHeader = runningHeader
        self.cover = cover
        self.blocks = blocks
    }
}

/// One piece of a document, laid out top to bottom.
public enum PrintBlock: Sendable {
    /// The document's title, large.
    case title(String)
    /// A section's heading, listed in the PDF's outline; kept with what follows it.
    case heading(String)
    case paragraph(String)
    /// Small grey text: provenance, keys, notes.
    case note(String)
    /// A chart as vectors, at most as wide as the text.
    case chart(ChartDrawing)
    case table(PrintTable)
}

/// A table with its text as text: selectable, searchable, and read back by `pdftotext`.
public struct PrintTable: Sendable, Equatable {
    public struct Column: Sendable, Equatable {
        public var heading: String
        /// Right-aligned, as figures are.
        public var numeric: Bool
        /// Its share of the width, against the other columns' weights.
        public var weight: Double

        public init(_ heading: String, numeric: Bool = false, weight: Double = 1) {
            self.heading = heading
            self.numeric = numeric
            self.weight = weight
        }
    }

    public var caption: String?
    public var columns: [Column]
    public var rows: [[String]]

    public init(caption: String? = nil, columns: [Column], rows: [[String]]) {
        self.caption = caption
        self.columns = columns
        self.rows = rows
    }
}

/// A sheet of paper, in PostScript points (1/72 inch).
public struct Paper: Sendable, Equatable {
    public enum Size: String, Sendable, CaseIterable {
        case a4, letter
    }

    public enum Orientation: String, Sendable, CaseIterable {
        case portrait, landscape
    }

    public var size: Size
    public var orientation: Orientation

    public init(_ size: Size, _ orientation: Orientation = .portrait) {
        self.size = size
        self.orientation = orientation
    }

    public static let a4 = Paper(.a4)
    public static let letter = Paper(.letter)

    public var width: Double { orientation == .portrait ? short : long }
    public var height: Double { orientation == .portrait ? long : short }

    /// ISO 216 A4 is 210 × 297 mm; US Letter 8.5 × 11 inches.
    private var short: Double { size == .a4 ? 210 / 25.4 * 72 : 8.5 * 72 }
    private var long: Double { size == .a4 ? 297 / 25.4 * 72 : 11 * 72 }
}
