import Foundation
import Testing

@testable import QuorumModel

/// FigureLines cuts a file into chunks parsed on several threads; whatever the
/// chunk size, it must hand over what one CSVReader reading the file would.
@Suite struct FigureLinesTests {
    static let header = "organisation,body,session,title,date,measure,value,qualifier,scope,source,locator,note"
    static let text =
        "\u{FEFF}" + header + "\r\n"
        + [
            #"CICA,youth-council,1,"First, ""youth"" session",2021-05,participants,40,exact,all,doc,p. 1,"two"#,
            #"lines""#,
            "CICA,youth-council,2,Second,2022,participants,-3,exact,all,doc,p. 2,",
            "",
            #"CICA,youth-council,3,Third,2023-10-02,member_states,12,at_least,member_states,doc,"p. 3, ""quoted""",\#r"#,
            #"SCO,summit,,"Astana ""summit""",2024-07-04,countries,25,approximately,all,doc,p. 4,last line without newline"#,
        ].joined(separator: "\n")
    static let chunkSizes = [1, 2, 7, 33, 100, 1 << 20]

    struct Handed: Equatable {
        let line: Int
        let record: Result<FigureRecord, FieldError>
    }

    /// What one reader going through the whole file gives, and the error it stops at.
    func sequential(_ text: String) -> (lines: [Handed], error: CSVReader.SyntaxError?) {
        var reader = CSVReader(bytes: Array(text.utf8))
        var lines: [Handed] = []
        do {
            let header = try FigureRecord.Header(try reader.next()!.fields)
            while let record = try reader.next() {
                if record.fields == [""] { continue }
                lines.append(
                    Handed(
                        line: record.line,
                        record: Result { () throws(FieldError) in
                            try FigureRecord(fields: record.fields, header: header)
                        }))
            }
            return (lines, nil)
        } catch {
            return (lines, error as? CSVReader.SyntaxError)
        }
    }

    func parallel(_ text: String, chunkSize: Int) -> (lines: [Handed], error: CSVReader.SyntaxError?) {
        var lines: [Handed] = []
        do {
            try FigureLines(bytes: Array(text.utf8), chunkSize: chunkSize).forEach { lines.append(Handed(line: $0, record: $1)) }
            return (lines, nil)
        } catch {
            return (lines, error as? CSVReader.SyntaxError)
        }
    }

    @Test(arguments: chunkSizes)
    func handsOverWhatOneReaderReads(chunkSize: Int) throws {
        let expected = sequential(Self.text)
        #expect(expected.lines.map(\.line) == [2, 4, 6, 7])
        #expect(expected.error == nil)
        let got = parallel(Self.text, chunkSize: chunkSize)
        #expect(got.lines == expected.lines)
        #expect(got.error == nil)
        #expect(try got.lines[0].record.get().note == "two\nlines")
        #expect(throws: FieldError.self) { try got.lines[1].record.get() }  // value -3
    }

    @Test(arguments: chunkSizes)
    func stopsAtTheFirstStrayQuoteAfterTheLinesBeforeIt(chunkSize: Int) {
        let broken = Self.text.replacingOccurrences(of: "Third", with: "Th\"ird")
        let expected = sequential(broken)
        #expect(expected.error?.line == 6)
        #expect(expected.lines.count == 2)
        let got = parallel(broken, chunkSize: chunkSize)
        #expect(got.lines == expected.lines)
        #expect(got.error?.line == expected.error?.line)
        #expect(got.error?.message == expected.error?.message)
    }

    @Test(arguments: chunkSizes)
    func namesAQuoteNeverClosed(chunkSize: Int) {
        let broken = Self.text + "\nCICA,youth-council,4,\"Fourth,2024,participants,1,exact,all,doc,p. 5,\n"
        let got = parallel(broken, chunkSize: chunkSize)
        #expect(got.lines.count == 4)
        #expect(got.error?.line == 8)
        #expect(got.error?.message == "a quoted field is never closed")
    }

    @Test func anEmptyFileOrABadHeaderIsALineOneError() {
        #expect(parallel("", chunkSize: 8).error?.line == 1)
        let badHeader = parallel("organisation,bogus\nCICA,x\n", chunkSize: 8).error
        #expect(badHeader?.line == 1)
        #expect(badHeader?.message.contains("unknown column 'bogus'") == true)
    }
}
