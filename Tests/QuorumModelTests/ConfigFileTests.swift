import Testing

@testable import QuorumModel

@Suite struct ConfigFileTests {
    @Test func tripleQuotedStringsSpanLines() throws {
        let values = try ConfigFile.parse(
            """
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

    /// Standard TOML, as any editor or library writes it: escapes, literal strings,
    /// dotted keys, nested sections; a type no key takes is named, not guessed at.
    @Test func standardTOMLIsRead() throws {
        let values = try ConfigFile.parse(
            #"""
            [report.weekly]
            subject = "Caf\u00e9 \"figures\"\r\n\tweek"
            path = 'C:\quorum\site'
            mail.from = "q@example.org"
            ratio = 0.5
            when = 2026-12-02
            sql = '''
            SELECT '\d+' AS pattern
            '''
            """#)
        #expect(values["report.weekly.subject"] == .string("Café \"figures\"\r\n\tweek"))
        #expect(values["report.weekly.path"] == .string(#"C:\quorum\site"#))
        #expect(values["report.weekly.mail.from"] == .string("q@example.org"))
        #expect(values["report.weekly.ratio"] == .unsupported("floating-point number"))
        #expect(values["report.weekly.when"] == .unsupported("date"))
        #expect(values["report.weekly.sql"] == .string(#"SELECT '\d+' AS pattern"# + "\n"))
        #expect(throws: ConfigFile.KeyProblem(key: "report.weekly.ratio", message: "must be a whole number from 1 to 9")) {
            try ConfigFile.Reader(values).integer("report.weekly.ratio", in: 1...9)
        }
        // A NUL would be cut off by the parser's C strings: refused, with its line.
        #expect { try ConfigFile.parse("a = 1\nb = \"x\\u0000y\"\n") } throws: { "\($0)".hasPrefix("line 2: a NUL") }
        // A key set twice is an error of the file, with its line.
        #expect { try ConfigFile.parse("a = 1\nb = 2\na = 3\n") } throws: { "\($0)".hasPrefix("line 3:") }
    }

    @Test func ordinaryValuesAreUnchanged() throws {
        let values = try ConfigFile.parse("[server]\nport = 8080 # comment\nhost = \"a#b\"\nlist = [\"a\", \"b\"]\n")
        #expect(values["server.port"] == .integer(8080))
        #expect(values["server.host"] == .string("a#b"))
        #expect(values["server.list"] == .strings(["a", "b"]))
    }

    /// One typed reader for every file: absent is nil, a wrong type or range names what the key needs.
    @Test func theReaderTypesValuesAndSaysWhatAKeyNeeds() throws {
        let reader = ConfigFile.Reader(
            try ConfigFile.parse(
                """
                port = 8080
                flag = "true"
                name = "x"
                list = ["a", "b"]
                """))
        #expect(try reader.integer("port", in: 1...65535) == 8080)
        #expect(try reader.boolean("flag") == true)
        #expect(try reader.strings("name") == ["x"])
        #expect(try reader.strings("list") == ["a", "b"])
        #expect(try reader.string("missing") == nil)
        #expect(throws: ConfigFile.KeyProblem(key: "port", message: "must be a whole number from 1 to 1024")) {
            try reader.integer("port", in: 1...1024)
        }
        #expect(throws: ConfigFile.KeyProblem(key: "list", message: "must be a string, in quotes")) {
            try reader.string("list")
        }
        #expect(throws: ConfigFile.KeyProblem(key: "name", message: "must be true or false")) { try reader.boolean("name") }
    }
}
