/* Benchmarks/render-bench.c — the libgd floor for Benchmarks/render.sh: draws the
 * primitives of the default chart "participants-by-body-year" (800x400: title,
 * subtitle, legend, gridlines with tick labels, 12 bars with value labels, axis
 * labels, a two-line footnote) at fixed positions, reduces it to a palette and
 * encodes the PNG, as Quorum does, and prints the median time of N rounds. */
#include <gd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *regular = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
static const char *bold = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";

static void text(gdImagePtr im, int colour, const char *font, double size, int x, int y, const char *s) {
    int box[8];
    char *error = gdImageStringFT(im, box, colour, (char *)font, size, 0, x, y, (char *)s);
    if (error) { fprintf(stderr, "%s\n", error); exit(1); }
}

static size_t draw(void) {
    gdImagePtr im = gdImageCreateTrueColor(800, 400);
    if (!im) exit(1);
    int white = 0xFFFFFF, ink = 0x1F2328, muted = 0x59636E, grid = 0xE4E7EB, axis = 0x8C959F;
    int series[3] = {0x0072B2, 0xE69F00, 0x009E73};
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
    gdImagePtr indexed = gdImageCreatePaletteFromTrueColor(im, 0, 256);
    if (!indexed) exit(1);
    gdImageColorMatch(im, indexed);
    int size = 0;
    void *png = gdImagePngPtrEx(indexed, &size, 6);  /* zlib level 6, as Quorum encodes */
    if (!png || size <= 0) exit(1);
    gdFree(png);
    gdImageDestroy(indexed);
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
    size_t bytes = draw();  /* warm the font cache, as Quorum's first chart does */
    for (int i = 0; i < rounds; i++) {
        struct timespec start, end;
        clock_gettime(CLOCK_MONOTONIC, &start);
        bytes = draw();
        clock_gettime(CLOCK_MONOTONIC, &end);
        times[i] = (end.tv_sec - start.tv_sec) * 1e3 + (end.tv_nsec - start.tv_nsec) / 1e6;
    }
    qsort(times, (size_t)rounds, sizeof *times, compare);
    printf("c_one_chart_ms=%.2f png_bytes=%zu\n", times[rounds / 2], bytes);
    free(times);
    return 0;
}
