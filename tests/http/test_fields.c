/*
 * test_fields.c - MIME types, Range, and the three date formats.
 */
#include "http_fields.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <string.h>

/* Criterion runs each case in a fresh process of a position-independent
 * binary, so case tables hold arrays, not pointers. */
struct mime_case {
    char name[24];
    char type[40];
};

static const struct mime_case mime_cases[] = {
    {"index.html", "text/html; charset=utf-8"},
    {"A.HTML", "text/html; charset=utf-8"},
    {"style.css", "text/css; charset=utf-8"},
    {"app.js", "text/javascript; charset=utf-8"},
    {"mod.mjs", "text/javascript; charset=utf-8"},
    {"data.json", "application/json; charset=utf-8"},
    {"notes.txt", "text/plain; charset=utf-8"},
    {"README.md", "text/markdown; charset=utf-8"},
    {"t.csv", "text/csv; charset=utf-8"},
    {"feed.xml", "application/xml; charset=utf-8"},
    {"logo.svg", "image/svg+xml; charset=utf-8"},
    {"a.png", "image/png"},
    {"a.jpg", "image/jpeg"},
    {"a.gif", "image/gif"},
    {"a.webp", "image/webp"},
    {"favicon.ico", "image/x-icon"},
    {"doc.pdf", "application/pdf"},
    {"m.wasm", "application/wasm"},
    {"v.mp4", "video/mp4"},
    {"v.webm", "video/webm"},
    {"f.woff2", "font/woff2"},
    {"a.zip", "application/zip"},
    {"a.tar.gz", "application/gzip"},
    {"Makefile", "application/octet-stream"},
    {".html", "application/octet-stream"},
    {"dir.html/file", "application/octet-stream"},
    {"x.unknown", "application/octet-stream"},
};

ParameterizedTestParameters(http_mime, lookup)
{
    return cr_make_param_array(struct mime_case, mime_cases,
                               sizeof mime_cases / sizeof mime_cases[0]);
}

ParameterizedTest(const struct mime_case *c, http_mime, lookup)
{
    cr_expect_str_eq(http_mime_type(c->name), c->type, "%s", c->name);
}

struct range_case {
    char value[56];
    uint64_t size;
    enum http_range_result result;
    uint64_t first, last;
};

static const struct range_case range_cases[] = {
    {"bytes=0-99", 1000, HTTP_RANGE_OK, 0, 99},
    {"bytes=100-", 1000, HTTP_RANGE_OK, 100, 999},
    {"bytes=-100", 1000, HTTP_RANGE_OK, 900, 999},
    {"bytes=-5000", 1000, HTTP_RANGE_OK, 0, 999},
    {"bytes=990-5000", 1000, HTTP_RANGE_OK, 990, 999},
    {"bytes=999-999", 1000, HTTP_RANGE_OK, 999, 999},
    {"bytes=0-99999999999999999999", 1000, HTTP_RANGE_OK, 0, 999},
    {"bytes=-99999999999999999999", 1000, HTTP_RANGE_OK, 0, 999},
    {"bytes=99999999999999999999-", 1000, HTTP_RANGE_UNSATISFIABLE, 0, 0},
    {"bytes=18446744073709551616-18446744073709551617", 1000, HTTP_RANGE_UNSATISFIABLE, 0, 0},
    {"bytes=1000-", 1000, HTTP_RANGE_UNSATISFIABLE, 0, 0},
    {"bytes=1000-2000", 1000, HTTP_RANGE_UNSATISFIABLE, 0, 0},
    {"bytes=-0", 1000, HTTP_RANGE_UNSATISFIABLE, 0, 0},
    {"bytes=0-", 0, HTTP_RANGE_UNSATISFIABLE, 0, 0},
    {"bytes=5-1", 1000, HTTP_RANGE_NONE, 0, 0},
    {"bytes=0-1,5-6", 1000, HTTP_RANGE_NONE, 0, 0},
    {"bytes=-", 1000, HTTP_RANGE_NONE, 0, 0},
    {"bytes=a-b", 1000, HTTP_RANGE_NONE, 0, 0},
    {"bytes= 0-1", 1000, HTTP_RANGE_NONE, 0, 0},
    {"items=0-1", 1000, HTTP_RANGE_NONE, 0, 0},
    {"", 1000, HTTP_RANGE_NONE, 0, 0},
};

ParameterizedTestParameters(http_range, parse)
{
    return cr_make_param_array(struct range_case, range_cases,
                               sizeof range_cases / sizeof range_cases[0]);
}

ParameterizedTest(const struct range_case *c, http_range, parse)
{
    uint64_t first = 0, last = 0;
    enum http_range_result r = http_parse_range(c->value, c->size, &first, &last);
    cr_expect_eq(r, c->result, "%s: %d", c->value, r);
    if (r == HTTP_RANGE_OK && c->result == HTTP_RANGE_OK) {
        cr_expect_eq(first, c->first, "%s: first %llu", c->value, (unsigned long long)first);
        cr_expect_eq(last, c->last, "%s: last %llu", c->value, (unsigned long long)last);
    }
}

struct date_case {
    char text[40];
    time_t t; /* -1: rejected */
};

static const struct date_case date_cases[] = {
    {"Sun, 06 Nov 1994 08:49:37 GMT", 784111777},
    {"Sunday, 06-Nov-94 08:49:37 GMT", 784111777},
    {"Sun Nov  6 08:49:37 1994", 784111777},
    {"Thu, 01 Jan 1970 00:00:00 GMT", 0},
    {"Wed, 25 Nov 2026 12:00:00 GMT", 1795608000},
    {"Thursday, 01-Jan-70 00:00:00 GMT", 0},
    {"Tue, 01-Jan-30 00:00:00 GMT", 1893456000},
    {"Wed Nov 16 08:49:37 1994", 784975777},
    {"Sun, 06 Nov 1994 08:49:37", -1},
    {"Sun, 06 Nov 1994 08:49:37 UTC", -1},
    {"Sun, 6 Nov 1994 08:49:37 GMT", -1},
    {"Sun, 06 Foo 1994 08:49:37 GMT", -1},
    {"Sun, 06 Nov 1994 25:49:37 GMT", -1},
    {"Sun, 32 Nov 1994 08:49:37 GMT", -1},
    {"yesterday", -1},
    {"", -1},
    {"Sun,", -1},
};

ParameterizedTestParameters(http_date, parse_three_formats)
{
    return cr_make_param_array(struct date_case, date_cases,
                               sizeof date_cases / sizeof date_cases[0]);
}

ParameterizedTest(const struct date_case *c, http_date, parse_three_formats)
{
    time_t t = 12345;
    int rc = http_date_parse(c->text, &t);
    if (c->t == -1) {
        cr_expect_eq(rc, -1, "%s parsed as %lld", c->text, (long long)t);
    } else {
        cr_expect_eq(rc, 0, "%s rejected", c->text);
        cr_expect_eq(t, c->t, "%s: %lld", c->text, (long long)t);
    }
}

Test(http_date, format_is_imf_fixdate_and_parses_back)
{
    char out[HTTP_DATE_LEN];
    time_t back = 0;
    cr_expect_str_eq(http_date_format(784111777, out, sizeof out), "Sun, 06 Nov 1994 08:49:37 GMT");
    cr_expect_str_eq(http_date_format(0, out, sizeof out), "Thu, 01 Jan 1970 00:00:00 GMT");
    http_date_format(1795608000, out, sizeof out);
    cr_expect_eq(http_date_parse(out, &back), 0);
    cr_expect_eq(back, 1795608000);
}
