/*
 * test_request.c - the llhttp wrapper, from tables of raw requests.
 */
#include "http_request.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct parsed {
    struct http_parser p;
    struct http_request *req;
    enum http_parse_result r;
    size_t used;
};

/* A request with a store of the default head limit, in one block. */
static struct http_request *new_request(void)
{
    struct http_request *req = calloc(1, sizeof *req + HTTP_HEAD_MAX);
    cr_assert_not_null(req);
    http_request_use_store(req, (char *)(req + 1), HTTP_HEAD_MAX);
    return req;
}

/* Feed text in one piece (or byte by byte) to a fresh parser. */
static void parse(struct parsed *out, const char *text, size_t len, bool bytewise)
{
    out->req = new_request();
    http_parser_init(&out->p, 0);
    http_parser_begin(&out->p, out->req);
    out->used = 0;
    out->r = HTTP_PARSE_MORE;
    while ((out->r == HTTP_PARSE_MORE || out->r == HTTP_PARSE_HEAD) && out->used < len) {
        size_t n, chunk = bytewise ? 1 : len - out->used;
        out->r = http_parser_feed(&out->p, text + out->used, chunk, &n);
        out->used += n;
    }
}

static void parsed_free(struct parsed *out)
{
    http_request_clear(out->req);
    free(out->req);
}

/* Criterion runs each case in a fresh process of a position-independent
 * binary, so case tables hold arrays, not pointers. */
struct status_case {
    char name[48];
    char text[128];
    int status; /* 0: parses completely */
};

static const struct status_case status_cases[] = {
    {"simple GET", "GET / HTTP/1.1\r\nHost: a\r\n\r\n", 0},
    {"HTTP/1.0", "GET / HTTP/1.0\r\n\r\n", 0},
    {"HTTP/0.9", "GET /index.html\r\n", 0},
    {"HTTP/0.9 with bare LF", "GET /x\n", 0},
    {"bare CR in a header value", "GET / HTTP/1.1\r\nHost: a\rb\r\nX: y\r\n\r\n", 400},
    {"bare CR ending a value", "GET / HTTP/1.1\r\nX: a\r\r\n\r\n", 400},
    {"bare CR before a value", "GET / HTTP/1.0\r\nX: \rxTransfer-Encoding: chunked\r\n\r\n", 400},
    {"bare CR after a colon", "GET / HTTP/1.0\r\nX:\r\tTransfer-Encoding: chunked\r\n\r\n", 400},
    {"bare CR starting a header", "GET / HTTP/1.1\r\n\rX: a\r\n\r\n", 400},
    {"bare CR in a header name", "GET / HTTP/1.1\r\nX\rY: a\r\n\r\n", 400},
    {"bare CR in the target", "GET /a\rb HTTP/1.1\r\nHost: a\r\n\r\n", 400},
    {"bare CR after the version", "GET / HTTP/1.1\rX: a\r\n\r\n", 400},
    {"bare CR in the blank line", "GET / HTTP/1.1\r\nHost: a\r\n\r\r\n", 400},
    {"bare CR in an HTTP/0.9 line", "GET /a\rb\r\n", 400},
    {"bare CR in a body is data", "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\na\rb",
     0},
    {"bare CR after chunk data",
     "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\rX0\r\n\r\n",
     400},
    {"bare CR ending the trailers",
     "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\r\n",
     400},
    {"bare CR in a chunk size",
     "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\rX\r\nabc\r\n0\r\n\r\n",
     400},
    {"bare CR in chunk data is data",
     "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\na\rb\r\n0\r\n\r\n",
     0},
    {"empty Transfer-Encoding beside a length",
     "POST /echo HTTP/1.1\r\nTransfer-Encoding: \r\nContent-Length: 2\r\n\r\nab", 400},
    {"empty Transfer-Encoding", "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\r\n\r\n",
     400},
    {"space in a header name", "GET / HTTP/1.1\r\nTransfer Encoding: chunked\r\n\r\n", 400},
    {"two words as a header name", "GET / HTTP/1.1\r\nHost: a\r\nBad Header: 1\r\n\r\n", 400},
    {"separator in a header name", "GET / HTTP/1.1\r\nX(y): 1\r\n\r\n", 400},
    {"HTTP/1.0 with chunked",
     "POST /echo HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\n", 400},
    {"HTTP/1.0 with another coding", "POST /echo HTTP/1.0\r\nTransfer-Encoding: gzip\r\n\r\n", 400},
    {"space before the colon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400},
    {"tab before the colon", "GET / HTTP/1.1\r\nHost\t: a\r\n\r\n", 400},
    {"unknown method", "FROB / HTTP/1.1\r\n\r\n", 501},
    {"method that is not a token", "G(T / HTTP/1.1\r\n\r\n", 400},
    {"HTTP/0.9 POST", "POST /x\r\n", 400},
    {"HTTP/2.0 line", "GET / HTTP/2.0\r\n\r\n", 505},
    {"HTTP/1.2", "GET / HTTP/1.2\r\n\r\n", 505},
    {"garbage", "\x01\x02\x03\r\n", 400},
    {"missing LF after a header", "GET / HTTP/1.1\r\nA: b\rC: d\r\n\r\n", 400},
    {"body too large", "POST /echo HTTP/1.1\r\nContent-Length: 1000000\r\n\r\n", 413},
    {"two Content-Lengths", "POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
     400},
    {"Content-Length and chunked",
     "POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
};

ParameterizedTestParameters(http_request, status_from_raw_bytes)
{
    return cr_make_param_array(struct status_case, status_cases,
                               sizeof status_cases / sizeof status_cases[0]);
}

ParameterizedTest(const struct status_case *c, http_request, status_from_raw_bytes)
{
    for (int bytewise = 0; bytewise < 2; bytewise++) {
        struct parsed p;
        parse(&p, c->text, strlen(c->text), bytewise);
        if (c->status == 0) {
            cr_expect_eq(p.r, HTTP_PARSE_DONE, "%s: result %d", c->name, p.r);
        } else {
            cr_expect_eq(p.r, HTTP_PARSE_ERROR, "%s: result %d", c->name, p.r);
            cr_expect_eq(p.p.status, c->status, "%s: status %d", c->name, p.p.status);
        }
        parsed_free(&p);
    }
}

Test(http_request, keeps_method_target_version_and_headers_in_order)
{
    const char *text = "GET /a?b=c HTTP/1.1\r\nHost: x\r\nUser-Agent:  t \r\nX-Empty:\r\n\r\n";
    struct parsed p;
    parse(&p, text, strlen(text), false);
    cr_assert_eq(p.r, HTTP_PARSE_DONE);
    cr_expect_str_eq(p.req->method, "GET");
    cr_expect_str_eq(p.req->target, "/a?b=c");
    cr_expect_eq(p.req->version, HTTP_V11);
    cr_assert_eq(p.req->nheaders, 3);
    cr_expect_str_eq(p.req->headers[0].name, "Host");
    cr_expect_str_eq(p.req->headers[1].name, "User-Agent");
    cr_expect_str_eq(p.req->headers[1].value, "t");
    cr_expect_str_eq(p.req->headers[2].value, "");
    cr_expect_str_eq(http_request_header(p.req, "user-agent"), "t");
    cr_expect(p.req->keep_alive);
    parsed_free(&p);
}

Test(http_request, http10_closes_unless_keep_alive_asked)
{
    const char *close10 = "GET / HTTP/1.0\r\n\r\n";
    const char *keep10 = "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n";
    const char *close11 = "GET / HTTP/1.1\r\nConnection: close\r\n\r\n";
    struct parsed p;
    parse(&p, close10, strlen(close10), false);
    cr_expect_not(p.req->keep_alive);
    cr_expect_eq(p.req->version, HTTP_V10);
    parsed_free(&p);
    parse(&p, keep10, strlen(keep10), false);
    cr_expect(p.req->keep_alive);
    parsed_free(&p);
    parse(&p, close11, strlen(close11), false);
    cr_expect_not(p.req->keep_alive);
    parsed_free(&p);
}

Test(http_request, http09_line_gives_target_and_no_keep_alive)
{
    struct parsed p;
    parse(&p, "GET /x.html\r\n", 13, false);
    cr_assert_eq(p.r, HTTP_PARSE_DONE);
    cr_expect_eq(p.req->version, HTTP_V09);
    cr_expect_str_eq(p.req->target, "/x.html");
    cr_expect_not(p.req->keep_alive);
    parsed_free(&p);
}

Test(http_request, pipelined_requests_stop_at_the_first_end)
{
    const char *text = "GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\n";
    struct parsed p;
    parse(&p, text, strlen(text), false);
    cr_assert_eq(p.r, HTTP_PARSE_DONE);
    cr_expect_eq(p.used, 19);
    cr_expect_str_eq(p.req->target, "/1");
    /* the second request parses on the same parser */
    size_t used;
    http_parser_begin(&p.p, p.req);
    cr_expect_eq(http_parser_feed(&p.p, text + 19, strlen(text) - 19, &used), HTTP_PARSE_DONE);
    cr_expect_str_eq(p.req->target, "/2");
    cr_expect_eq(used, strlen(text) - 19);
    parsed_free(&p);
}

Test(http_request, body_is_kept_for_echo)
{
    const char *text = "POST /echo HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello";
    struct parsed p;
    parse(&p, text, strlen(text), true);
    cr_assert_eq(p.r, HTTP_PARSE_DONE);
    cr_assert_eq(p.req->body_len, 5);
    cr_expect_eq(memcmp(p.req->body, "hello", 5), 0);
    parsed_free(&p);
}

/* Build "GET /<n x 'a'> HTTP/1.1" plus headers of the given total size. */
static char *big_request(size_t target_len, size_t nheaders, size_t value_len)
{
    size_t cap = target_len + nheaders * (value_len + 16) + 64;
    char *text = malloc(cap), *o = text;
    o += snprintf(o, cap, "GET /");
    memset(o, 'a', target_len);
    o += target_len;
    o += snprintf(o, cap - (size_t)(o - text), " HTTP/1.1\r\n");
    for (size_t i = 0; i < nheaders; i++) {
        o += snprintf(o, cap - (size_t)(o - text), "X-%zu: ", i);
        memset(o, 'v', value_len);
        o += value_len;
        *o++ = '\r';
        *o++ = '\n';
    }
    snprintf(o, cap - (size_t)(o - text), "\r\n");
    return text;
}

struct limit_case {
    size_t target_len, nheaders, value_len;
    int status; /* 0: accepted */
};

static const struct limit_case limit_cases[] = {
    {HTTP_URI_MAX - 1, 0, 0, 0},  {HTTP_URI_MAX + 1, 0, 0, 414},
    {100000, 0, 0, 414},          {10, 10, 1000, 0}, /* 10 KB of headers: fine */
    {10, 20, 1000, 431},                             /* 20 KB: over 16 KiB */
    {10, 1, 20000, 431},                             /* one huge cookie */
    {10, HTTP_HEADERS_MAX, 1, 0}, {10, HTTP_HEADERS_MAX + 1, 1, 431},
};

ParameterizedTestParameters(http_request, head_limits)
{
    return cr_make_param_array(struct limit_case, limit_cases,
                               sizeof limit_cases / sizeof limit_cases[0]);
}

ParameterizedTest(const struct limit_case *c, http_request, head_limits)
{
    char *text = big_request(c->target_len, c->nheaders, c->value_len);
    struct parsed p;
    parse(&p, text, strlen(text), false);
    if (c->status == 0) {
        cr_expect_eq(p.r, HTTP_PARSE_DONE, "target %zu, %zu headers: %d (%d)", c->target_len,
                     c->nheaders, p.r, p.p.status);
    } else {
        cr_expect_eq(p.r, HTTP_PARSE_ERROR);
        cr_expect_eq(p.p.status, c->status, "target %zu, %zu headers: status %d", c->target_len,
                     c->nheaders, p.p.status);
    }
    parsed_free(&p);
    free(text);
}

/* A tiny deterministic generator, so a failure can be replayed. */
static uint32_t next_random(uint32_t *state)
{
    *state = *state * 1103515245u + 12345u;
    return *state >> 8;
}

Test(http_request, stops_after_a_head_that_announces_a_body)
{
    static const char head[] = "POST /a.txt HTTP/1.1\r\nHost: a\r\nContent-Length: 8192\r\n"
                               "Expect: 100-continue\r\n\r\n";
    char text[sizeof head + 3];
    snprintf(text, sizeof text, "%sabc", head);
    struct http_request *req = new_request();
    struct http_parser p;
    size_t used;
    http_parser_init(&p, 0);
    http_parser_begin(&p, req);
    cr_assert_eq(http_parser_feed(&p, text, strlen(text), &used), HTTP_PARSE_HEAD);
    cr_expect_eq(used, strlen(head), "the body is not taken: %zu", used);
    cr_expect_str_eq(req->target, "/a.txt");
    cr_expect(req->expect_100);
    cr_expect_eq(http_parser_feed(&p, text + used, 3, &used), HTTP_PARSE_MORE);
    cr_expect_eq(req->body_len, 3);
    http_request_clear(req);
    free(req);
}

Test(http_request, reads_the_body_when_fed_after_the_head)
{
    static const char text[] =
        "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
        "3\r\nabc\r\n0\r\n\r\nGET / HTTP/1.1\r\n";
    struct parsed p;
    parse(&p, text, strlen(text), false);
    cr_assert_eq(p.r, HTTP_PARSE_DONE, "result %d", p.r);
    cr_expect_eq(p.req->body_len, 3);
    cr_expect_eq(memcmp(p.req->body, "abc", 3), 0);
    cr_expect_eq(p.used, strlen(text) - strlen("GET / HTTP/1.1\r\n"));
    parsed_free(&p);
}

Test(http_request, drops_trailer_fields_rather_than_merge_them)
{
    static const char text[] =
        "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
        "3\r\nabc\r\n0\r\nContent-Length: 5\r\nHost: b\r\n\r\n";
    for (int bytewise = 0; bytewise < 2; bytewise++) {
        struct parsed p;
        parse(&p, text, strlen(text), bytewise);
        cr_assert_eq(p.r, HTTP_PARSE_DONE, "result %d", p.r);
        cr_expect_eq(p.req->nheaders, 2);
        cr_expect_null(http_request_header(p.req, "Content-Length"));
        cr_expect_str_eq(http_request_header(p.req, "Host"), "a");
        parsed_free(&p);
    }
}

Test(http_request, survives_random_mutations_of_a_valid_request)
{
    static const char seed[] = "POST /echo?x=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n"
                               "Transfer-Encoding: chunked\r\nX: y\r\n\r\n5\r\nhello\r\n0\r\n\r\n";
    static const char alphabet[] = " \r\n:\t/%0aZ\x00\x7f\xff-;";
    struct http_request *req = new_request();
    uint32_t state = 42;
    char buf[sizeof seed + 16];
    for (int round = 0; round < 20000; round++) {
        size_t len = sizeof seed - 1;
        memcpy(buf, seed, len);
        for (uint32_t k = next_random(&state) % 4 + 1; k > 0; k--)
            buf[next_random(&state) % len] = alphabet[next_random(&state) % (sizeof alphabet - 1)];
        len -= next_random(&state) % 8;
        struct http_parser p;
        http_parser_init(&p, 0);
        http_parser_begin(&p, req);
        size_t off = 0, used;
        enum http_parse_result r = HTTP_PARSE_MORE;
        while ((r == HTTP_PARSE_MORE || r == HTTP_PARSE_HEAD) && off < len) {
            size_t chunk = next_random(&state) % 7 + 1;
            r = http_parser_feed(&p, buf + off, chunk < len - off ? chunk : len - off, &used);
            cr_assert_leq(used, len - off);
            off += used;
        }
        if (r == HTTP_PARSE_ERROR)
            cr_assert(p.status >= 400 && p.status <= 505, "status %d", p.status);
        if (r == HTTP_PARSE_DONE)
            cr_assert_not_null(req->target);
    }
    http_request_clear(req);
    free(req);
}
