/* Benchmarks/render-bench.c — the libgd floor for Benchmarks/render.sh: draws the
 * primitives of the default chart "participants-by-body-year" (800x400: title,
 * subtitle, legend, gridlines with tick labels, 12 bars with value labels, axis
 * labels, a two-line footnote, text anti-aliased by FreeType) at fixed positions
 * and encodes a PNG at zlib level 3, by each of libgd's ways from drawing to a
 * file, and prints the median time of N rounds of each:
 *   quantised     true colour, reduced by libgd's quantiser with its colours
 *                 matched (gdImageCreatePaletteFromTrueColor + gdImageColorMatch):
 *                 Quorum's way until it kept exact palettes
 *   to_palette    true colour, reduced in place (gdImageTrueColorToPalette)
 *   truecolour    true colour, encoded as it is (larger files)
 *   palette       drawn on a palette image from the start: libgd anti-aliases text
 *                 with the nearest palette colours it has or can allocate, which
 *                 leaves it about 30 colours and coarse edges
 * c_floor_ms is the fastest of the first three, the ways with the same
 * anti-aliasing as Quorum's: what libgd alone can do for this chart. */
#include <gd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *regular = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
static const char *bold = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";

static void text(gdImagePtr im, int colour, const char *font, double size, int x, int y, const char *s) {
    int box[8];
    gdImageAlphaBlending(im, 1);  /* anti-aliased text is blended over what is below */
    char *error = gdImageStringFT(im, box, colour, (char *)font, size, 0, x, y, (char *)s);
    gdImageAlphaBlending(im, 0);
    if (error) { fprintf(stderr, "%s\n", error); exit(1); }
}

enum way { QUANTISED, TO_PALETTE, TRUECOLOUR, PALETTE, WAYS };
static const char *way_names[WAYS] = {"quantised", "to_palette", "truecolour", "palette"};

/* A colour of the image: true-colour values as they are; in a palette image, an
 * allocated entry. */
static int colour(gdImagePtr im, int rgb) {
    if (gdImageTrueColor(im)) return rgb;
    return gdImageColorResolve(im, rgb >> 16 & 0xFF, rgb >> 8 & 0xFF, rgb & 0xFF);
}

static size_t draw(enum way way) {
    gdImagePtr im = way == PALETTE ? gdImageCreate(800, 400) : gdImageCreateTrueColor(800, 400);
    if (!im) exit(1);
    gdImageAlphaBlending(im, 0);  /* every fill is opaque: it replaces, with no blending */
    int white = colour(im, 0xFFFFFF), ink = colour(im, 0x1F2328), muted = colour(im, 0x59636E);
    int grid = colour(im, 0xE4E7EB), axis = colour(im, 0x8C959F);
    int series[3] = {colour(im, 0x0072B2), colour(im, 0xE69F00), colour(im, 0x009E73)};
    const char *names[3] = {"Business Council", "Think Tank Forum", "Youth Council"};
    int values[4][3] = {{116, 60, 50}, {150, 42, 39}, {140, 50, 100}, {140, 65, 31}};
    char label[32];
    gdImageFilledRectangle(im, 0, 0, 799, 399, white);
    text(im, ink, bold, 13, 18, 30, "Participants in CICA forum sessions");
    text(im, muted, regular, 10, 18, 47, "Participants per session, by body and year; 140+ means at least 140");
    for (int i = 0; i < 3; i++) {
        gdImageFilledRectangle(im, 18 + i * 140, 56, 28 + i * 140, 66, series[i]);
        text(im, ink, regular, 9.5, 34 + i * 140, 66, names[i]);
    }
    for (int t = 0; t <= 4; t++) {
        int y = 352 - t * 68;
        gdImageFilledRectangle(im, 50, y, 782, y, t == 0 ? axis : grid);
        snprintf(label, sizeof label, "%d", t * 50);
        text(im, muted, regular, 9, 20, y + 4, label);
    }
    for (int c = 0; c < 4; c++) {
        snprintf(label, sizeof label, "%d", 2021 + c);
        text(im, ink, regular, 9, 128 + c * 183, 368, label);
        for (int s = 0; s < 3; s++) {
            int x = 70 + c * 183 + s * 48, top = 352 - values[c][s] * 272 / 200;
            gdImageFilledRectangle(im, x, top, x + 45, 351, series[s]);
            snprintf(label, sizeof label, c == 3 && s == 0 ? "%d+" : "%d", values[c][s]);
            text(im, ink, regular, 8.5, x + 12, top - 5, label);
        }
    }
    text(im, muted, regular, 8, 18, 382, "Source: Achievements of CICA under the chairmanship of Kazakhstan in 2020-2024 (annex to a letter to the UN");
    text(im, muted, regular, 8, 18, 394, "Secretary-General, 13 January 2025)");
    gdImagePtr encoded = im;
    if (way == QUANTISED) {
        encoded = gdImageCreatePaletteFromTrueColor(im, 0, 256);
        if (!encoded) exit(1);
        gdImageColorMatch(im, encoded);
    } else if (way == TO_PALETTE) {
        if (!gdImageTrueColorToPalette(im, 0, 256)) exit(1);
    }
    int size = 0;
    void *png = gdImagePngPtrEx(encoded, &size, 3);  /* zlib level 3, as Quorum encodes */
    if (!png || size <= 0) exit(1);
    if (getenv("RENDER_BENCH_OUT")) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s.png", getenv("RENDER_BENCH_OUT"), way_names[way]);
        FILE *file = fopen(path, "wb");
        if (!file || fwrite(png, 1, (size_t)size, file) != (size_t)size || fclose(file) != 0) exit(1);
    }
    gdFree(png);
    if (encoded != im) gdImageDestroy(encoded);
    gdImageDestroy(im);
    return (size_t)size;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    int rounds = argc > 1 ? atoi(argv[1]) : 21;
    if (rounds < 1) rounds = 1;
    if (gdFontCacheSetup() != 0) return 1;
    double *times = calloc((size_t)rounds, sizeof *times);
    double floor = 0;
    for (int way = 0; way < WAYS; way++) {
        size_t bytes = draw(way);  /* warm the font cache, as Quorum's first chart does */
        for (int i = 0; i < rounds; i++) {
            struct timespec start, end;
            clock_gettime(CLOCK_MONOTONIC, &start);
            bytes = draw(way);
            clock_gettime(CLOCK_MONOTONIC, &end);
            times[i] = (end.tv_sec - start.tv_sec) * 1e3 + (end.tv_nsec - start.tv_nsec) / 1e6;
        }
        qsort(times, (size_t)rounds, sizeof *times, compare);
        double median = times[rounds / 2];
        printf("c_%s_ms=%.2f png_bytes=%zu\n", way_names[way], median, bytes);
        if (way != PALETTE && (way == 0 || median < floor)) floor = median;
    }
    printf("c_floor_ms=%.2f (the fastest way with the same anti-aliasing)\n", floor);
    free(times);
    return 0;
}
