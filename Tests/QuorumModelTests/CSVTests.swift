import Testing

@testable import QuorumModel

@Suite struct CSVTests {
    func records(_ text: String) throws -> [CSVReader.Record] {
        var reader = CSVReader(bytes: Array(text.utf8))
        var all: [CSVReader.Record] = []
        while let record = try reader.next() { all.append(record) }
        return all
    }

    @Test func eachColumnsOrdinalIsItsPlaceInTheHeader() {
        #expect(FigureRecord.Column.allCases.map(\.ordinal) == Array(FigureRecord.Column.allCases.indices))
    }

    @Test func readsQuotesCommasAndNewlines() throws {
        let all = try records("a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\nlast,,\n")
        #expect(all.map(\.fields) == [["a", "b", "c"], ["x, y", "say \"hi\"", "two\nlines"], ["last", "", ""]])
        #expect(all.map(\.line) == [1, 2, 4])  // the record after a quoted newline starts on line 4
    }

    @Test func skipsAByteOrderMarkAndReadsAFinalLineWithoutNewline() throws {
        let all = try records("\u{FEFF}organisation\nCICA")
        #expect(all.map(\.fields) == [["organisation"], ["CICA"]])
    }

    @Test func readsAcrossChunkBoundaries() throws {
        let text = Array("a,\"b\"\"c\",d\n1,2,3\n".utf8)
        var chunks = text.map { [$0] }[...]
        var reader = CSVReader { buffer in
            guard let next = chunks.popFirst() else { return false }
            buffer.append(contentsOf: next)
            return true
        }
        #expect(try reader.next()?.fields == ["a", "b\"c", "d"])
        #expect(try reader.next()?.fields == ["1", "2", "3"])
        #expect(try reader.next() == nil)
    }

    @Test func namesTheLineOfAnUnclosedQuote() throws {
        #expect(throws: CSVReader.SyntaxError.self) { try records("a\n\"open\n") }
        let error = #expect(throws: CSVReader.SyntaxError.self) { try records("a\nb\n\"open\n") }
        #expect(error?.line == 3)
    }

    @Test func defusesFormulasAndRestoresThemExactly() {
        for value in ["=SUM(A1)", "+1", "-1", "@cmd", "\tx", "'=x", "''", "'", "'a", "plain", "", "Türkiye"] {
            let cell = CSVCell.defuse(value)
            if let first = value.first, "=+-@\t".contains(first) { #expect(cell.hasPrefix("'")) }
            #expect(CSVCell.restore(cell) == value, "round trip of \(value)")
        }
        #expect(CSVWriter.cell("=1+1") == "'=1+1")
        #expect(CSVWriter.cell("a,b") == "\"a,b\"")
        #expect(CSVWriter.cell("say \"x\"") == "\"say \"\"x\"\"\"")
    }
}

@Suite struct FigureRecordTests {
    let header = try! FigureRecord.Header(FigureRecord.Column.allCases.map(\.rawValue))

    func fields(_ changes: [FigureRecord.Column: String] = [:]) -> [String] {
        var values: [FigureRecord.Column: String] = [
            .organisation: "CICA", .body: "youth-council", .session: "4", .title: "4th Session", .date: "2021-06",
            .measure: "participants", .value: "50", .qualifier: "exact", .scope: "all",
            .source: "cica-2020-2024", .locator: "Annex, 1.2",
        ]
        values.merge(changes) { $1 }
        return FigureRecord.Column.allCases.map { values[$0] ?? "" }
    }

    @Test func readsAGoodLine() throws {
        let record = try FigureRecord(fields: fields(), header: header)
        #expect(record.value == 50)
        #expect(record.date.precision == .month)
        // The event takes the line's source and locator, and is held, unless the line says otherwise.
        #expect(record.cells == fields([.status: "held", .eventSource: "cica-2020-2024", .eventLocator: "Annex, 1.2"]))
    }

    @Test func reportsEveryBadFieldOfALine() {
        do {
            _ = try FigureRecord(fields: fields([.value: "-3", .qualifier: "more than", .date: "June 2021"]), header: header)
            Issue.record("a bad line was accepted")
        } catch {
            #expect(error.description.contains("value: -3 is below 0"))
            #expect(error.description.contains("qualifier: 'more than' is not one of: exact, at_least, approximately"))
            #expect(error.description.contains("date: 'June 2021' is not a date"))
        }
    }

    /// Cells are read from their bytes; what that fast reading does not take goes
    /// to the checking parsers, which give the same values or name the problem.
    @Test func readsCellsFromTheirBytesAsTheTextParsersWould() throws {
        let record = try FigureRecord(
            fields: fields([
                .value: " 007\t", .session: "+4", .measure: " member_states ", .date: "2021-06-30",
                .locator: "'=A1", .note: "'plain", .city: "  ", .country: "KAZ",
            ]), header: header)
        #expect(record.value == 7)
        #expect(record.session == 4)
        #expect(record.measure == .memberStates)
        #expect(record.date == (try PartialDate(parsing: "2021-06-30")))
        #expect(record.locator == "=A1")
        #expect(record.note == "'plain")
        #expect(record.city == nil)
        #expect(record.country == "KAZ")
        let error = #expect(throws: FieldError.self) {
            try FigureRecord(
                fields: fields([
                    .session: "0", .value: "12345678901234567890", .scope: "All",
                    .date: "2021-02-30",
                ]), header: header)
        }
        #expect(
            error?.description == "session: 0 is below 1; date: '2021-02-30' is not a day of that month; "
                + "value: is larger than 2147483647, the largest that can be stored; scope: 'All' is not one of: "
                + Scope.allCases.map(\.rawValue).joined(separator: ", "))
    }

    @Test func refusesWhatCannotBeStoredAsGivenNamingTheFieldNotTheValue() throws {
        func problems(_ fields: [String]) -> String? {
            do {
                _ = try FigureRecord(fields: CSVFields(fields), header: header)
                return nil
            } catch { return error.description }
        }
        var line = fields([.value: "2147483648"])
        #expect(problems(line) == "value: is larger than 2147483647, the largest that can be stored")
        line = fields([.value: "2147483647"])
        #expect(problems(line) == nil)
        line = fields([.title: "4th\u{0}Session"])
        #expect(problems(line) == "title: contains the control character U+0000, which is not stored")
        line = fields([.locator: "Annex\u{1B}[2J"])
        #expect(problems(line) == "locator: contains the control character U+001B, which is not stored")
        #expect(problems(fields([.note: "two\nlines\tand a tab"])) == nil)
        // Bytes that are not UTF-8 are refused, not turned into U+FFFD.
        var bytes = Array("CICA,youth-council,4,4th Session,2021-06,,,,,,,participants,50,exact,all,cica-2020-2024,".utf8)
        bytes += [0x41, 0xFF, 0x42] + Array(",,,,,,,\n".utf8)
        var reader = CSVReader(bytes: bytes)
        var cells = CSVFields()
        #expect(try reader.next(into: &cells) == true)
        #expect(throws: FieldError("locator: is not valid UTF-8")) { try FigureRecord(fields: cells, header: header) }
    }

    @Test func refusesAHeaderWithMissingOrUnknownColumns() {
        #expect(throws: FieldError.self) { try FigureRecord.Header(["organisation", "body", "colour"]) }
    }
}
