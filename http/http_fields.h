/*
 * http_fields.h - the values inside HTTP header fields: Content-Type from a file
 * name, Range, and dates. Pure functions over strings, tested from tables.
 */
#ifndef NETDEMO_HTTP_FIELDS_H
#define NETDEMO_HTTP_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* --- mime.c --- */

/* http_mime_type: the Content-Type for a file name, by its extension (any
 * case): "text/html; charset=utf-8" for "a.HTML", "application/octet-stream"
 * for an unknown one. The string is static. */
const char *http_mime_type(const char *name);

/* --- range.c --- */

enum http_range_result {
    HTTP_RANGE_NONE,          /* no usable Range: send the whole file (200) */
    HTTP_RANGE_OK,            /* one satisfiable range: 206 */
    HTTP_RANGE_UNSATISFIABLE, /* 416 */
};

/* http_parse_range: a Range header value against a file of size bytes.
 * Understands one "bytes=first-last", "bytes=first-" or "bytes=-suffix".
 * Several ranges, other units or bad syntax give HTTP_RANGE_NONE, as RFC
 * 9110 §14.2 allows. Numbers too big for 64 bits are clamped, never
 * wrapped: a huge last position means "to the end". On HTTP_RANGE_OK,
 * [*first, *last] is the inclusive byte range. */
enum http_range_result http_parse_range(const char *value, uint64_t size, uint64_t *first,
                                        uint64_t *last);

/* --- date.c --- */

#define HTTP_DATE_LEN 30 /* "Sun, 06 Nov 1994 08:49:37 GMT" + NUL */

/* http_date_format: IMF-fixdate (RFC 1123 form) of t into out (at least
 * HTTP_DATE_LEN bytes). Returns out. */
char *http_date_format(time_t t, char *out, size_t outlen);

/* http_date_parse: any of RFC 1945's three forms (RFC 1123, RFC 850 and
 * asctime). Returns 0 and sets *t, or -1 if text is none of them. */
int http_date_parse(const char *text, time_t *t);

#endif
