import QuorumModel
import Testing

@Suite struct HTMLTests {
    @Test func everyCharacterThatEndsATextOrAnAttributeIsEscaped() {
        #expect(HTML.escape(#"<a href="x" title='y'>&</a>"#) == "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;")
    }

    @Test func aQuoteIsEscapedEvenWhenACombiningMarkFollowsIt() {
        // As a Swift Character, `"` with U+0301 after it is one grapheme, not `"`.
        #expect(HTML.escape("\"\u{301} onmouseover=x") == "&quot;\u{301} onmouseover=x")
    }

    @Test func otherTextComesBackAsItIs() {
        for text in ["", "Совещание СВМДА", "亚信", "1,250+ participants — ≈150", "naïve café"] {
            #expect(HTML.escape(text) == text)
        }
        #expect(HTML.escape("亚信 & СВМДА") == "亚信 &amp; СВМДА")
    }
}
