#include "CLocaleData.h"

#include <stdio.h>
#include <unicode/uloc.h>
#include <unicode/ustring.h>

int32_t quorum_country_name(const char *code, const char *language, char *out, int32_t capacity) {
    char locale[32];
    if (snprintf(locale, sizeof locale, "und_%s", code) >= (int)sizeof locale) return -1;
    UChar name[256];
    UErrorCode status = U_ZERO_ERROR;
    int32_t length = uloc_getDisplayCountry(locale, language, name, 256, &status);
    // ICU answers an unknown code with the code itself and this warning.
    if (U_FAILURE(status) || status == U_USING_DEFAULT_WARNING || length <= 0) return -1;
    int32_t written = 0;
    status = U_ZERO_ERROR;
    u_strToUTF8(out, capacity, &written, name, length, &status);
    if (U_FAILURE(status) || status == U_STRING_NOT_TERMINATED_WARNING) return -1;
    return written;
}
