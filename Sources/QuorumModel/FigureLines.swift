import Dispatch
import Synchronization

/// The lines of a figures CSV (the import format), parsed on every core and
/// handed over in file order.
///
/// The bytes are cut into chunks at record boundaries: a newline outside quotes.
/// Quotes are only counted for that, as RFC 4180 doubles every quote inside a
/// field; a stray quote is a syntax error, which the chunk holding it reports
/// exactly as one reader going through the whole file would. Each chunk is read
/// and its lines made into `FigureRecord`s on a worker; a few chunks at most are
/// in flight, so memory stays bounded whatever the file's size.
public struct FigureLines {
    public typealias Line = (line: Int, record: Result<FigureRecord, FieldError>)

    private let read: (inout [UInt8]) throws -> Bool
    private let chunkSize: Int

    /// `read` appends the next bytes to its argument and returns false at the end.
    /// `chunkSize` is how many bytes a worker parses at a time.
    public init(chunkSize: Int = 1 << 20, read: @escaping (inout [UInt8]) throws -> Bool) {
        precondition(chunkSize > 0)
        self.chunkSize = chunkSize
        self.read = read
    }

    public init(bytes: [UInt8], chunkSize: Int = 1 << 20) {
        var offset = 0
        self.init(chunkSize: chunkSize) { buffer in
            guard offset < bytes.count else { return false }
            let end = min(bytes.count, offset + chunkSize)
            buffer.append(contentsOf: bytes[offset..<end])
            offset = end
            return true
        }
    }

    /// Calls `body` with every non-blank line after the header, in order. The
    /// header's problems, and the first syntax error, are thrown as
    /// `CSVReader.SyntaxError` once the lines before it have been handed over.
    public func forEach(_ body: (Line) throws -> Void) throws {
        var chunks = Chunks(read: read, size: chunkSize)
        guard let first = try chunks.next() else { throw CSVReader.SyntaxError(line: 1, message: Self.empty) }
        var reader = CSVReader(bytes: first.bytes, firstLine: first.line)
        guard let names = try reader.next() else { throw CSVReader.SyntaxError(line: 1, message: Self.empty) }
        let header: FigureRecord.Header
        do { header = try FigureRecord.Header(names.fields) } catch {
            throw CSVReader.SyntaxError(line: names.line, message: error.description)
        }

        var inFlight: [ParsedChunk] = []
        func handOver(_ chunk: ParsedChunk) throws {
            // A chunk no worker has begun is parsed here: the caller never waits for a
            // thread that may not come (it may itself hold one the workers need).
            chunk.parseUnlessBegun()
            chunk.done.wait()
            for line in chunk.lines { try body(line) }
            if let error = chunk.error { throw error }
        }
        var next: CSVReader? = reader
        while let reader = next {
            let chunk = ParsedChunk(reader, header: header)
            inFlight.append(chunk)
            DispatchQueue.global().async { chunk.parseUnlessBegun() }
            if inFlight.count == Self.window { try handOver(inFlight.removeFirst()) }
            next = try chunks.next().map { CSVReader(bytes: $0.bytes, firstLine: $0.line) }
        }
        for chunk in inFlight { try handOver(chunk) }
    }

    private static let empty = "the file is empty; it needs a header line"
    /// Chunks parsed or being parsed at once: enough to keep two cores busy.
    private static let window = 4
}

/// One chunk's lines, made on a worker and read by the caller after `done`.
private final class ParsedChunk: @unchecked Sendable {
    private var reader: CSVReader
    private let header: FigureRecord.Header
    let done = DispatchSemaphore(value: 0)
    private let begun = Atomic<Bool>(false)
    // Written only by `parse`, read only after `done` is signalled.
    private(set) var lines: [FigureLines.Line] = []
    private(set) var error: Error?

    init(_ reader: CSVReader, header: FigureRecord.Header) {
        self.reader = reader
        self.header = header
    }

    /// Parses the chunk if nobody has yet: a worker, or the caller when no worker came.
    func parseUnlessBegun() {
        guard begun.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else { return }
        parse()
    }

    private func parse() {
        defer { done.signal() }
        do {
            var fields = CSVFields()
            while try reader.next(into: &fields) {
                if fields.isBlank { continue }
                lines.append(
                    (
                        fields.line,
                        Result { () throws(FieldError) in
                            try FigureRecord(fields: fields, header: header)
                        }
                    ))
            }
        } catch {
            self.error = error
        }
    }
}

/// The input cut after the last newline outside quotes of every `size` bytes or so.
private struct Chunks {
    let read: (inout [UInt8]) throws -> Bool
    let size: Int
    private var pending: [UInt8] = []
    private var exhausted = false
    /// The line the pending bytes start on.
    private var line = 1

    init(read: @escaping (inout [UInt8]) throws -> Bool, size: Int) {
        self.read = read
        self.size = size
    }

    /// The next run of whole records and the line it starts on; nil at the end.
    mutating func next() throws -> (bytes: [UInt8], line: Int)? {
        // The pending bytes start at a record boundary, so outside quotes.
        var scanned = 0
        var quoted = false
        var cut: Int?
        var newlines = 0, newlinesToCut = 0
        while true {
            pending.withUnsafeBufferPointer { bytes in
                for index in scanned..<bytes.count {
                    switch bytes[index] {
                    case UInt8(ascii: "\""): quoted.toggle()
                    case UInt8(ascii: "\n"):
                        newlines += 1
                        if !quoted {
                            cut = index
                            newlinesToCut = newlines
                        }
                    default: break
                    }
                }
            }
            scanned = pending.count
            if exhausted || (cut != nil && pending.count >= size) { break }
            while pending.count < scanned + size, !exhausted {
                exhausted = !(try read(&pending))
            }
        }
        guard !pending.isEmpty else { return nil }
        let start = line
        guard !exhausted, let cut else {
            defer { pending = [] }
            return (pending, start)  // the rest of the file
        }
        let bytes = Array(pending[...cut])
        pending.removeFirst(cut + 1)
        line += newlinesToCut
        return (bytes, start)
    }
}
