import QuorumModel
import Testing

@Suite struct HexTests {
    @Test func eachByteIsTwoLowercaseDigits() {
        #expect(Hex.lowercase([0x00, 0x0F, 0xA5, 0xFF, 0x10]) == "000fa5ff10")
        #expect(Hex.lowercase([]) == "")
    }
}
