import CGD
import Testing

@testable import QuorumCharts

/// A true-colour image as palette indices: each pixel the index of its own colour,
/// given in the order the colours are first seen.
@Suite struct ExactPaletteTests {
    @Test func everyPixelGetsTheIndexOfItsOwnColour() throws {
        // Runs of every length from 1 to 20 across rows whose width is no multiple of
        // eight, so that runs start, end and break at every place in a word.
        let (width, height) = (37, 23)
        let image = try #require(gdImageCreateTrueColor(Int32(width), Int32(height)))
        defer { gdImageDestroy(image) }
        var colours: [Int32] = []
        var run = 0, length = 1, colour: Int32 = 0
        for y in 0..<height {
            for x in 0..<width {
                if run == length {
                    (run, length, colour) = (0, length % 20 + 1, (colour * 7 + 3) % 11)
                }
                image.pointee.tpixels[y]![x] = colour * 0x010203
                colours.append(colour * 0x010203)
                run += 1
            }
        }
        let exact = try #require(ExactPalette.rows(from: image, width: width, height: height))
        var firstSeen: [Int32] = []
        for colour in colours where !firstSeen.contains(colour) { firstSeen.append(colour) }
        #expect(exact.values == firstSeen)
        for y in 0..<height {
            #expect(exact.rows[y * (width + 1)] == 0, "row \(y) leads with the filter byte")
            for x in 0..<width {
                let index = Int(exact.rows[y * (width + 1) + 1 + x])
                #expect(exact.values[index] == colours[y * width + x], "pixel (\(x), \(y))")
            }
        }
    }

    @Test func moreThan256ColoursHaveNoExactPalette() throws {
        let image = try #require(gdImageCreateTrueColor(300, 1))
        defer { gdImageDestroy(image) }
        for x in 0..<300 { image.pointee.tpixels[0]![x] = Int32(x) }
        #expect(ExactPalette.rows(from: image, width: 300, height: 1) == nil)
    }
}
