/*
 * fuzz_http_request.c - the request parser (llhttp and its wrapper).
 *
 * Input: one byte that seeds where the input is cut, then the bytes a
 * client sends (one request or several, pipelined). The bytes are parsed
 * twice, at once and in pieces, as a worker would see them from the
 * socket, and both must say the same. Every request the parser accepts
 * must be one a careful server may accept:
 *   - no bare CR (a CR not followed by LF) in its line or head;
 *   - header names that are tokens (RFC 9110 tchar);
 *   - not both Content-Length and Transfer-Encoding (RFC 9112 §6.1);
 *   - no Transfer-Encoding in HTTP/1.0 (RFC 9112 §6.1);
 *   - a body no larger than HTTP_BODY_MAX.
 */
#include "fuzz.h"
#include "http_request.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

#define FUZZ_MAX_REQUESTS 16 /* pipelined requests followed per input */

/* What one parse of the input gave: per request, a hash of everything
 * the server would act on, or the error status that ended it. */
struct outcome {
    uint64_t hash[FUZZ_MAX_REQUESTS];
    size_t nrequests;
    int status;      /* the error status, 0 if none */
    bool incomplete; /* the input ended inside a request */
};

static struct http_request req;
static char store[HTTP_HEAD_MAX];

/* FNV-1a over a string and its terminating NUL. */
static uint64_t hash_add(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++)
        h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

static uint64_t hash_str(uint64_t h, const char *s)
{
    return hash_add(h, s, strlen(s) + 1);
}

static uint64_t request_hash(void)
{
    uint64_t h = 0xcbf29ce484222325ull;
    int flags = (int)req.version << 2 | req.keep_alive << 1 | req.expect_100;
    h = hash_str(h, req.method);
    h = hash_str(h, req.target);
    h = hash_add(h, &flags, sizeof flags);
    for (size_t i = 0; i < req.nheaders; i++)
        h = hash_str(hash_str(h, req.headers[i].name), req.headers[i].value);
    return hash_add(h, req.body != NULL ? req.body : "", req.body_len);
}

static bool is_tchar(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static bool is_token(const char *s)
{
    if (*s == '\0')
        return false;
    for (; *s != '\0'; s++)
        if (!is_tchar((unsigned char)*s))
            return false;
    return true;
}

/* The line and head of a request whose bytes are raw[0..len): up to the
 * empty line that ends the head, or all of it (HTTP/0.9 has no head). */
static size_t head_length(const char *raw, size_t len)
{
    size_t i = 0;
    while (i < len && (raw[i] == '\r' || raw[i] == '\n')) /* empty lines before it */
        i++;
    for (; i + 1 < len; i++) {
        if (raw[i] == '\n' && raw[i + 1] == '\n')
            return i + 2;
        if (raw[i] == '\n' && raw[i + 1] == '\r' && i + 2 < len && raw[i + 2] == '\n')
            return i + 3;
    }
    return len;
}

static void check_accepted(const char *raw, size_t len)
{
    size_t head = head_length(raw, len);
    for (size_t i = 0; i < head; i++)
        FUZZ_CHECK(raw[i] != '\r' || (i + 1 < head && raw[i + 1] == '\n'));
    FUZZ_CHECK(is_token(req.method));
    FUZZ_CHECK(req.target != NULL && req.target[0] != '\0');
    FUZZ_CHECK(req.nheaders <= HTTP_HEADERS_MAX);
    for (size_t i = 0; i < req.nheaders; i++) {
        FUZZ_CHECK(is_token(req.headers[i].name));
        FUZZ_CHECK(strpbrk(req.headers[i].value, "\r\n") == NULL);
    }
    const char *te = http_request_header(&req, "Transfer-Encoding");
    FUZZ_CHECK(te == NULL || http_request_header(&req, "Content-Length") == NULL);
    FUZZ_CHECK(te == NULL || req.version != HTTP_V10);
    FUZZ_CHECK(req.body_len <= HTTP_BODY_MAX);
}

/* The next piece's length: 1 to 32 bytes, from a small generator that the
 * input's first byte seeds; 0 seeds "all at once". */
static size_t next_piece(uint32_t *state, size_t left)
{
    if (*state == 0)
        return left;
    *state = *state * 1103515245u + 12345u;
    size_t n = 1 + (*state >> 16) % 32;
    return n < left ? n : left;
}

static void parse(const char *data, size_t size, uint8_t seed, struct outcome *out)
{
    struct http_parser p;
    uint32_t state = seed;
    size_t pos = 0, start = 0;

    *out = (struct outcome){0};
    http_parser_init(&p, 0);
    http_request_use_store(&req, store, sizeof store);
    http_parser_begin(&p, &req);
    while (pos < size && out->nrequests < FUZZ_MAX_REQUESTS) {
        size_t len = next_piece(&state, size - pos), used;
        enum http_parse_result r = http_parser_feed(&p, data + pos, len, &used);
        FUZZ_CHECK(used <= len);
        FUZZ_CHECK(r != HTTP_PARSE_MORE || used == len);
        if (r == HTTP_PARSE_ERROR) {
            FUZZ_CHECK(p.status >= 400 && p.status <= 599);
            out->status = p.status;
            break;
        }
        pos += used;
        if (r == HTTP_PARSE_DONE) {
            check_accepted(data + start, pos - start);
            out->hash[out->nrequests++] = request_hash();
            start = pos;
            http_parser_begin(&p, &req); /* the rest is fed again, as a worker does */
        }
    }
    out->incomplete = out->status == 0 && start < size && out->nrequests < FUZZ_MAX_REQUESTS;
    http_request_clear(&req);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct outcome whole, pieces;
    if (size < 1)
        return 0;
    parse((const char *)data + 1, size - 1, 0, &whole);
    parse((const char *)data + 1, size - 1, data[0] == 0 ? 1 : data[0], &pieces);
    FUZZ_CHECK(whole.nrequests == pieces.nrequests);
    FUZZ_CHECK(memcmp(whole.hash, pieces.hash, whole.nrequests * sizeof whole.hash[0]) == 0);
    FUZZ_CHECK(whole.status == pieces.status);
    FUZZ_CHECK(whole.incomplete == pieces.incomplete);
    return 0;
}
