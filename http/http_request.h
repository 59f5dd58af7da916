/*
 * http_request.h - the request parser: llhttp, plus the checks llhttp 8.1 lacks.
 *
 * Bytes go in as they arrive from the socket; a parsed request comes out.
 * It does no I/O, so unit tests feed it bytes from tables.
 *
 * llhttp keeps its strict defaults (no lenient flag is set). On top of it
 * this wrapper:
 *   - detects an HTTP/0.9 request line (`GET /path`), which llhttp would
 *     wait on forever, by holding back the first line until it is whole;
 *   - rejects with 400 any CR not followed by LF in the request line or
 *     the head: one scan of every head byte, before llhttp sees it, so no
 *     position is missed (llhttp 8.1 takes some; a bare CR is the
 *     request-smuggling pattern of CVE-2023-30589). The same rule holds
 *     for the bytes between chunks: sizes, CRLFs and trailers;
 *   - drops trailer fields rather than merge them into the head;
 *   - rejects a header name that is not a token (RFC 9110 §5.1): llhttp
 *     8.1 takes "Transfer Encoding" and "Host :";
 *   - rejects Transfer-Encoding in an HTTP/1.0 request (RFC 9112 §6.1:
 *     1.0 has no chunked framing, so it is faulty), as nginx does;
 *   - stops after a head that announces a body (HTTP_PARSE_HEAD), so the
 *     caller can answer a request that cannot succeed without reading it;
 *   - counts the bytes of the target and the head, since llhttp has no
 *     limits: 414 past HTTP_URI_MAX, 431 past the head limit.
 */
#ifndef NETDEMO_HTTP_REQUEST_H
#define NETDEMO_HTTP_REQUEST_H

#include "http.h"

#include <llhttp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum http_version { HTTP_V09, HTTP_V10, HTTP_V11 };

/* One header line, as sent: name case kept, value without its OWS. The
 * strings point into the request's store and are NUL-terminated. */
struct http_header {
    const char *name;
    const char *value;
};

/* One parsed request. With its store it is large (the head limit), so a
 * connection holds one only while a request is in flight. */
struct http_request {
    char method[HTTP_METHOD_MAX];
    enum http_version version;
    const char *target; /* NUL-terminated, in store */
    struct http_header headers[HTTP_HEADERS_MAX];
    size_t nheaders;
    bool keep_alive; /* what the request asks for (llhttp's rules) */
    bool expect_100; /* "Expect: 100-continue": the client waits before the body */
    char *body;      /* malloc'd, NULL when empty; free with http_request_clear() */
    size_t body_len;

    /* storage for target and headers: store_cap bytes, the head limit,
     * given by http_request_use_store() */
    char *store;
    size_t store_cap, store_len;
    /* the first line, held back until whole (HTTP/0.9 detection) */
    char line[HTTP_URI_MAX + HTTP_METHOD_MAX + 16];
    size_t line_len;
};

enum http_parse_result {
    HTTP_PARSE_MORE,  /* every byte was taken; send more */
    HTTP_PARSE_HEAD,  /* the head is whole and a body follows: bytes after the
                         head were not taken; feed them to read the body */
    HTTP_PARSE_DONE,  /* a whole request; bytes after it were not taken */
    HTTP_PARSE_ERROR, /* malformed: parser->status says which 4xx/5xx */
};

/* Where the parser is within one request. */
enum http_parse_state {
    HTTP_STATE_LINE, /* holding back the request line */
    HTTP_STATE_HEAD, /* llhttp is reading headers */
    HTTP_STATE_BODY, /* llhttp is reading the body */
    HTTP_STATE_DONE, /* the request is complete */
    HTTP_STATE_ERROR,
};

/* Per-connection parser state. Small: it lives as long as the connection. */
struct http_parser {
    llhttp_t ll;
    struct http_request *req; /* the request being filled, not owned */
    enum http_parse_state state;
    int status;        /* the error status once state is ERROR */
    size_t head_bytes; /* bytes of line and head seen so far */
    size_t head_max;   /* 431 beyond this */
    bool field_open;   /* a header name is being read */
    /* the byte-by-byte check of the head (head_scan() in request.c) */
    enum head_scan_at { SCAN_LINE, SCAN_NAME_START, SCAN_NAME, SCAN_VALUE, SCAN_DONE } scan_at;
    bool scan_cr;           /* the last byte scanned was a CR */
    bool body_paused;       /* llhttp is paused after the head (HTTP_PARSE_HEAD) */
    const char *frame_from; /* chunk framing not yet scanned, in llhttp's input */
};

/* http_parser_init: ready a parser for a connection (head_max 0 means
 * HTTP_HEAD_MAX). Call http_parser_begin() before each request. */
void http_parser_init(struct http_parser *p, size_t head_max);

/* http_parser_begin: start a new request, filled into req (which the
 * caller owns and which must stay put until the request is done). */
void http_parser_begin(struct http_parser *p, struct http_request *req);

/* http_parser_feed: parse up to len bytes. *used says how many were taken:
 * all of them for MORE, those up to the head's end for HEAD, those up to
 * the request's end for DONE, and an unspecified count for ERROR (the
 * stream is then in doubt: close it). After HEAD, the caller either feeds
 * the bytes that follow (the body) or answers without reading the body and
 * closes the connection. */
enum http_parse_result http_parser_feed(struct http_parser *p, const char *data, size_t len,
                                        size_t *used);

/* http_request_use_store: have req keep its target and headers in store,
 * cap bytes that outlive it (allocated with it, typically). A head that
 * does not fit gets 431, so cap should be the parser's head_max. */
void http_request_use_store(struct http_request *req, char *store, size_t cap);

/* http_request_clear: free what the request owns (its body) and empty it. */
void http_request_clear(struct http_request *req);

/* http_request_header: the value of the first header named name (any
 * case), or NULL. */
const char *http_request_header(const struct http_request *req, const char *name);

/* http_version_name: "HTTP/1.1"; "HTTP/0.9" for the bare form. */
const char *http_version_name(enum http_version v);

#endif
