import Testing
@testable import QuorumModel

@Suite struct ConfigFileTests {
    @Test func tripleQuotedStringsSpanLines() throws {
        let values = try ConfigFile.parse("""
            title = "Sessions"
            sql = \"\"\"
            SELECT year, count(*) AS sessions  -- a # is not a comment here
            FROM quorum.event
            GROUP BY 1
            \"\"\"
            kind = "bars"
            one = \"\"\"on one line\"\"\"
            """)
        #expect(values["sql"] == .string("SELECT year, count(*) AS sessions  -- a # is not a comment here\nFROM quorum.event\nGROUP BY 1\n"))
        #expect(values["kind"] == .string("bars"))
        #expect(values["title"] == .string("Sessions"))
        #expect(values["one"] == .string("on one line"))
    }

    @Test func anUnclosedTripleQuoteIsAnError() {
        #expect(throws: ConfigFile.SyntaxError.self) { try ConfigFile.parse("sql = \"\"\"\nSELECT 1\n") }
        #expect(throws: ConfigFile.SyntaxError.self) { try ConfigFile.parse("sql = \"\"\"\nSELECT 1\n\"\"\" trailing") }
    }

    @Test func ordinaryValuesAreUnchanged() throws {
        let values = try ConfigFile.parse("[server]\nport = 8080 # comment\nhost = \"a#b\"\nlist = [\"a\", \"b\"]\n")
        #expect(values["server.port"] == .integer(8080))
        #expect(values["server.host"] == .string("a#b"))
        #expect(values["server.list"] == .strings(["a", "b"]))
    }
}
