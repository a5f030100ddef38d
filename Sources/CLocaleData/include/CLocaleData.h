#ifndef QUORUM_CLOCALEDATA_H
#define QUORUM_CLOCALEDATA_H

#include <stdint.h>

/// The name of the country with ISO 3166-1 code `code` (alpha-2 or alpha-3) in
/// `language` ("ru", "zh"), from the system's ICU and its CLDR data, as UTF-8
/// in `out`. Returns its length in bytes, or -1 when CLDR has no name for it or
/// `out` is too small.
int32_t quorum_country_name(const char *code, const char *language, char *out, int32_t capacity);

#endif
