/*
 * range.c - the Range header (RFC 9110 §14), one range only.
 */
#include "http_fields.h"

#include <string.h>

/* Digits to a number, saturating at UINT64_MAX instead of wrapping: a
 * value like 99999999999999999999 must not become a small one. Returns the
 * count of digits read. */
static size_t parse_u64_saturating(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    size_t i = 0;
    for (; s[i] >= '0' && s[i] <= '9'; i++) {
        unsigned d = (unsigned)(s[i] - '0');
        v = v > (UINT64_MAX - d) / 10 ? UINT64_MAX : v * 10 + d;
    }
    *out = v;
    return i;
}

enum http_range_result http_parse_range(const char *value, uint64_t size, uint64_t *first,
                                        uint64_t *last)
{
    uint64_t a = 0, b = 0;
    if (strncmp(value, "bytes=", 6) != 0)
        return HTTP_RANGE_NONE;
    const char *p = value + 6;
    size_t na = parse_u64_saturating(p, &a);
    if (p[na] != '-')
        return HTTP_RANGE_NONE;
    size_t nb = parse_u64_saturating(p + na + 1, &b);
    if (p[na + 1 + nb] != '\0' || (na == 0 && nb == 0))
        return HTTP_RANGE_NONE; /* a list, trailing junk, or "-" alone */
    if (na == 0) {
        /* bytes=-N: the last N bytes. */
        if (b == 0 || size == 0)
            return HTTP_RANGE_UNSATISFIABLE;
        *first = b >= size ? 0 : size - b;
        *last = size - 1;
        return HTTP_RANGE_OK;
    }
    if (nb > 0 && b < a)
        return HTTP_RANGE_NONE; /* invalid: ignore the header */
    if (a >= size)
        return HTTP_RANGE_UNSATISFIABLE;
    *first = a;
    *last = nb == 0 || b >= size ? size - 1 : b;
    return HTTP_RANGE_OK;
}
