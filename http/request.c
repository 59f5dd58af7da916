/*
 * request.c - the llhttp wrapper: bytes in, struct http_request out.
 *
 * llhttp calls back with spans of the input ("url", "header field", ...);
 * the callbacks copy them into the request's bounded store, so the
 * connection's read buffer can be reused at once. A callback that finds a
 * problem records the status and returns -1, which stops llhttp (HPE_USER).
 */
#include "http_request.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static struct http_parser *parser_of(llhttp_t *ll)
{
    return ll->data;
}

/* Stop llhttp with a status (callbacks return this). */
static int parser_fail(struct http_parser *p, int status)
{
    p->status = status;
    p->state = HTTP_STATE_ERROR;
    return -1;
}

/* The same, for functions that return a parse result. */
static enum http_parse_result parse_error(struct http_parser *p, int status)
{
    parser_fail(p, status);
    return HTTP_PARSE_ERROR;
}

/* Add to the head count; false once past the limit. */
static bool parser_count(struct http_parser *p, size_t n)
{
    p->head_bytes += n;
    return p->head_bytes <= p->head_max;
}

static int store_append(struct http_parser *p, const char *at, size_t n)
{
    struct http_request *req = p->req;
    if (n >= req->store_cap - req->store_len)
        return parser_fail(p, HTTP_HEADERS_TOO_LARGE);
    memcpy(req->store + req->store_len, at, n);
    req->store_len += n;
    return 0;
}

static int store_end_string(struct http_parser *p)
{
    return store_append(p, "", 1);
}

/* RFC 9110 token characters, for the method and header names. */
static bool is_tchar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static int on_url(llhttp_t *ll, const char *at, size_t n)
{
    struct http_parser *p = parser_of(ll);
    struct http_request *req = p->req;
    if (req->target == NULL)
        req->target = req->store + req->store_len;
    if ((size_t)(req->store + req->store_len - req->target) + n > HTTP_URI_MAX)
        return parser_fail(p, HTTP_URI_TOO_LONG);
    return store_append(p, at, n);
}

static int on_url_complete(llhttp_t *ll)
{
    return store_end_string(parser_of(ll));
}

/* Fields after a chunked body (trailers) are not merged into the head
 * (RFC 9110 §6.5.1): a trailer could otherwise add a Host or a
 * Content-Length that the head did not have. They are counted toward the
 * head limit and dropped. Returns true for a trailer. */
static bool is_trailer(struct http_parser *p)
{
    return p->state == HTTP_STATE_BODY;
}

static int trailer_count(struct http_parser *p, size_t n)
{
    return parser_count(p, n) ? 0 : parser_fail(p, HTTP_HEADERS_TOO_LARGE);
}

static int on_header_field(llhttp_t *ll, const char *at, size_t n)
{
    struct http_parser *p = parser_of(ll);
    struct http_request *req = p->req;
    if (is_trailer(p))
        return trailer_count(p, n);
    if (!p->field_open) {
        if (req->nheaders == HTTP_HEADERS_MAX)
            return parser_fail(p, HTTP_HEADERS_TOO_LARGE);
        req->headers[req->nheaders].name = req->store + req->store_len;
        p->field_open = true;
    }
    return store_append(p, at, n);
}

static int on_header_field_complete(llhttp_t *ll)
{
    struct http_parser *p = parser_of(ll);
    struct http_request *req = p->req;
    if (is_trailer(p))
        return 0;
    if (store_end_string(p) == -1)
        return -1;
    req->headers[req->nheaders].value = req->store + req->store_len;
    p->field_open = false;
    return 0;
}

static int on_header_value(llhttp_t *ll, const char *at, size_t n)
{
    struct http_parser *p = parser_of(ll);
    if (is_trailer(p))
        return trailer_count(p, n);
    return store_append(p, at, n);
}

/* Trim optional whitespace around the value, in place, and close it. */
static int on_header_value_complete(llhttp_t *ll)
{
    struct http_parser *p = parser_of(ll);
    struct http_request *req = p->req;
    if (is_trailer(p))
        return 0;
    char *start = (char *)req->headers[req->nheaders].value;
    char *end = req->store + req->store_len;
    size_t lead = 0;

    while (start + lead < end && (start[lead] == ' ' || start[lead] == '\t'))
        lead++;
    while (end > start + lead && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    memmove(start, start + lead, (size_t)(end - start) - lead);
    req->store_len = (size_t)(start - req->store) + (size_t)(end - start) - lead;
    if (store_end_string(p) == -1)
        return -1;
    req->nheaders++;
    return 0;
}

static int on_headers_complete(llhttp_t *ll)
{
    struct http_parser *p = parser_of(ll);
    struct http_request *req = p->req;

    if (ll->http_major != 1 || ll->http_minor > 1)
        return parser_fail(p, HTTP_VERSION_NOT_SUPPORTED);
    req->version = ll->http_minor == 0 ? HTTP_V10 : HTTP_V11;
    /* HTTP/1.0 has no chunked framing: a 1.0 request that claims one is
     * faulty (RFC 9112 §6.1), and its body's end is in doubt. So is one
     * with both framings (§6.3), even when llhttp 8.1 reads one of them
     * as empty ("Transfer-Encoding: " beside a Content-Length). */
    bool te = http_request_header(req, "Transfer-Encoding") != NULL;
    if (te && (req->version == HTTP_V10 || !(ll->flags & F_TRANSFER_ENCODING) ||
               http_request_header(req, "Content-Length") != NULL))
        return parser_fail(p, HTTP_BAD_REQUEST);
    req->keep_alive = llhttp_should_keep_alive(ll) != 0;
    if ((ll->flags & F_CONTENT_LENGTH) && ll->content_length > HTTP_BODY_MAX)
        return parser_fail(p, HTTP_PAYLOAD_TOO_LARGE);
    const char *expect = http_request_header(req, "Expect");
    req->expect_100 =
        req->version == HTTP_V11 && expect != NULL && strcasecmp(expect, "100-continue") == 0;
    p->state = HTTP_STATE_BODY;
    /* A body follows: stop, so the caller can see whether the request can
     * succeed before anything of the body is read (or 100 Continue sent). */
    if ((ll->flags & F_CHUNKED) || ((ll->flags & F_CONTENT_LENGTH) && ll->content_length > 0)) {
        p->body_paused = true;
        return HPE_PAUSED;
    }
    return 0;
}

/* Bytes between chunks (sizes, extensions, CRLFs, trailers) follow the
 * head's rule: llhttp 8.1 takes "abc\rX" as the end of a chunk and
 * "\r\r" as the end of the trailers. Chunk data may hold any byte. */
static bool frame_scan(struct http_parser *p, const char *from, const char *to)
{
    for (; from < to; from++) {
        if (p->scan_cr && *from != '\n')
            return false;
        p->scan_cr = *from == '\r';
    }
    return true;
}

static int on_body(llhttp_t *ll, const char *at, size_t n)
{
    struct http_parser *p = parser_of(ll);
    struct http_request *req = p->req;

    if (!frame_scan(p, p->frame_from, at) || p->scan_cr)
        return parser_fail(p, HTTP_BAD_REQUEST);
    p->frame_from = at + n;

    if (n > HTTP_BODY_MAX - req->body_len)
        return parser_fail(p, HTTP_PAYLOAD_TOO_LARGE);
    if (req->body == NULL) {
        req->body = malloc(HTTP_BODY_MAX);
        if (req->body == NULL)
            return parser_fail(p, HTTP_INTERNAL_ERROR);
    }
    memcpy(req->body + req->body_len, at, n);
    req->body_len += n;
    return 0;
}

/* Pause, so bytes of a pipelined next request wait until this one is
 * answered: HTTP/1.1 answers in order. */
static int on_message_complete(llhttp_t *ll)
{
    parser_of(ll)->state = HTTP_STATE_DONE;
    return HPE_PAUSED;
}

static const llhttp_settings_t http_settings = {
    .on_url = on_url,
    .on_url_complete = on_url_complete,
    .on_header_field = on_header_field,
    .on_header_field_complete = on_header_field_complete,
    .on_header_value = on_header_value,
    .on_header_value_complete = on_header_value_complete,
    .on_headers_complete = on_headers_complete,
    .on_body = on_body,
    .on_message_complete = on_message_complete,
};

void http_parser_init(struct http_parser *p, size_t head_max)
{
    *p = (struct http_parser){.head_max = head_max ? head_max : HTTP_HEAD_MAX};
    llhttp_init(&p->ll, HTTP_REQUEST, &http_settings);
    p->ll.data = p;
}

void http_parser_begin(struct http_parser *p, struct http_request *req)
{
    /* Start from llhttp's initial state: after a request that asked for
     * an Upgrade (which we ignore), resuming would leave llhttp expecting
     * the other protocol and failing the next request. The bytes after the
     * previous request are fed again by the caller. */
    llhttp_reset(&p->ll);
    http_request_clear(req);
    p->req = req;
    p->state = HTTP_STATE_LINE;
    p->status = 0;
    p->head_bytes = 0;
    p->field_open = false;
    p->scan_at = SCAN_LINE;
    p->scan_cr = false;
    p->body_paused = false;
}

/* Every byte of the request line and the head passes here before llhttp
 * sees it, in order, and the first one that breaks a rule ends the scan:
 * - a CR must be followed by LF. llhttp 8.1 takes a bare CR in several
 *   places ("X: \rx", "X:\r\t"), and a bare CR is how CVE-2023-30589
 *   smuggles a request past a proxy that reads it otherwise;
 * - a field name is a token (RFC 9110 §5.1). llhttp 8.1 passes on
 *   "Transfer Encoding" and "Host :", which a proxy in front of us may
 *   read otherwise; Apache refuses them too;
 * - a value holds no control character but HTAB (as llhttp's own rule);
 * - the head is at most head_max bytes (the line is counted by the caller).
 * Checking byte by byte makes the answer to a bad head the same however
 * its bytes were cut into reads. The scan stops at the blank line that
 * ends the head: a body may hold any byte. Returns how many bytes passed;
 * when fewer than len, *status says why the next one did not. */
static size_t head_scan(struct http_parser *p, const char *data, size_t len, int *status)
{
    size_t i;
    *status = 0;
    if (p->scan_at == SCAN_DONE)
        return len;
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)data[i];
        *status = HTTP_HEADERS_TOO_LARGE;
        if (p->scan_at != SCAN_LINE && ++p->head_bytes > p->head_max)
            return i;
        *status = HTTP_BAD_REQUEST;
        if (p->scan_cr && c != '\n')
            return i;
        p->scan_cr = c == '\r';
        switch (p->scan_at) {
        case SCAN_LINE:
            if (c == '\n')
                p->scan_at = SCAN_NAME_START;
            break;
        case SCAN_NAME_START:
            if (c == '\n') {
                p->scan_at = SCAN_DONE;
                return len;
            } else if (c != '\r' && is_tchar((char)c))
                p->scan_at = SCAN_NAME;
            else if (c != '\r')
                return i;
            break;
        case SCAN_NAME:
            if (c == ':')
                p->scan_at = SCAN_VALUE;
            else if (!is_tchar((char)c))
                return i;
            break;
        case SCAN_VALUE:
            if (c == '\n')
                p->scan_at = SCAN_NAME_START;
            else if (c != '\r' && c != '\t' && (c < 0x20 || c == 0x7f))
                return i;
            break;
        case SCAN_DONE:
            break;
        }
    }
    return i;
}

/* Copy the method out of the held-back line; 400 if it is not a token. */
static int line_take_method(struct http_parser *p, size_t *method_len)
{
    struct http_request *req = p->req;
    size_t i = 0;
    while (i < req->line_len && is_tchar(req->line[i]))
        i++;
    if (i == 0 || i >= req->line_len || req->line[i] != ' ')
        return parser_fail(p, HTTP_BAD_REQUEST);
    if (i >= sizeof req->method)
        return parser_fail(p, HTTP_NOT_IMPLEMENTED); /* no method we know is that long */
    memcpy(req->method, req->line, i);
    req->method[i] = '\0';
    *method_len = i;
    return 0;
}

static int http_status_of(llhttp_errno_t e)
{
    switch (e) {
    case HPE_INVALID_METHOD:
        return HTTP_NOT_IMPLEMENTED;
    case HPE_INVALID_VERSION:
        return HTTP_VERSION_NOT_SUPPORTED;
    default:
        return HTTP_BAD_REQUEST;
    }
}

/* Run llhttp over bytes of the head (already scanned) or of the body. */
static enum http_parse_result ll_execute(struct http_parser *p, const char *data, size_t len,
                                         size_t *used)
{
    if (p->body_paused) {
        p->body_paused = false;
        llhttp_resume(&p->ll);
    }
    bool in_body = p->state == HTTP_STATE_BODY; /* the head was scanned before */
    p->frame_from = data;
    llhttp_errno_t e = llhttp_execute(&p->ll, data, len);
    *used = len;
    if (e == HPE_OK ||
        ((e == HPE_PAUSED || e == HPE_PAUSED_UPGRADE) && p->state != HTTP_STATE_ERROR)) {
        if (e != HPE_OK)
            *used = (size_t)(llhttp_get_error_pos(&p->ll) - data);
        if (in_body && !frame_scan(p, p->frame_from, data + *used))
            return parse_error(p, HTTP_BAD_REQUEST);
        if (e == HPE_OK)
            return HTTP_PARSE_MORE;
        if (p->state == HTTP_STATE_DONE)
            return HTTP_PARSE_DONE;
        if (p->body_paused)
            return HTTP_PARSE_HEAD;
    }
    if (p->state != HTTP_STATE_ERROR)
        parser_fail(p, http_status_of(e));
    return HTTP_PARSE_ERROR;
}

/* A complete first line: either HTTP/0.9's `GET /path` (RFC 1945 §4.1),
 * answered here, or a 1.x line, handed to llhttp. */
static enum http_parse_result line_finish(struct http_parser *p)
{
    struct http_request *req = p->req;
    size_t mlen, end = req->line_len - 1; /* drop '\n' */

    if (end > 0 && req->line[end - 1] == '\r')
        end--;
    int status;
    if (head_scan(p, req->line, req->line_len, &status) < req->line_len)
        return parse_error(p, status);
    if (line_take_method(p, &mlen) == -1)
        return HTTP_PARSE_ERROR;
    /* A first line longer than the whole head may be is a target too long
     * for this server (--max-head below HTTP_URI_MAX): 414, as nginx says. */
    if (req->line_len > p->head_max)
        return parse_error(p, HTTP_URI_TOO_LONG);
    const char *rest = req->line + mlen + 1;
    size_t rest_len = end - mlen - 1;
    if (rest_len > 0 && memchr(rest, ' ', rest_len) == NULL) {
        if (strcmp(req->method, "GET") != 0 || rest[0] != '/')
            return parse_error(p, HTTP_BAD_REQUEST);
        req->target = req->store;
        req->version = HTTP_V09;
        req->keep_alive = false;
        if (store_append(p, rest, rest_len) == -1 || store_end_string(p) == -1)
            return HTTP_PARSE_ERROR;
        p->state = HTTP_STATE_DONE;
        return HTTP_PARSE_DONE;
    }
    p->state = HTTP_STATE_HEAD;
    if (!parser_count(p, req->line_len))
        return parse_error(p, HTTP_HEADERS_TOO_LARGE);
    size_t ignored;
    return ll_execute(p, req->line, req->line_len, &ignored);
}

/* Hold back bytes until the first line is whole. Empty lines before it are
 * skipped, as RFC 9112 §2.2 allows. */
static enum http_parse_result line_feed_bytes(struct http_parser *p, const char *data, size_t len,
                                              size_t *used)
{
    struct http_request *req = p->req;
    const char *nl = memchr(data, '\n', len);
    size_t take = nl ? (size_t)(nl - data) + 1 : len;

    *used = take;
    if (take > sizeof req->line - req->line_len)
        return parse_error(p, HTTP_URI_TOO_LONG);
    memcpy(req->line + req->line_len, data, take);
    req->line_len += take;
    if (nl == NULL)
        return HTTP_PARSE_MORE;
    if (req->line_len == 1 || (req->line_len == 2 && req->line[0] == '\r')) {
        req->line_len = 0; /* an empty line */
        return HTTP_PARSE_MORE;
    }
    return line_finish(p);
}

enum http_parse_result http_parser_feed(struct http_parser *p, const char *data, size_t len,
                                        size_t *used)
{
    size_t taken = 0;
    *used = 0;
    while (p->state == HTTP_STATE_LINE && taken < len) {
        size_t n;
        enum http_parse_result r = line_feed_bytes(p, data + taken, len - taken, &n);
        taken += n;
        *used = taken;
        if (r != HTTP_PARSE_MORE || p->state == HTTP_STATE_DONE)
            return r;
    }
    if (p->state == HTTP_STATE_ERROR)
        return HTTP_PARSE_ERROR;
    if (p->state == HTTP_STATE_DONE)
        return HTTP_PARSE_DONE;
    if (taken == len)
        return HTTP_PARSE_MORE;
    /* llhttp takes the bytes that passed the scan, so that a fault it finds
     * among them is answered before one the scan found after them. */
    int status;
    size_t passed = head_scan(p, data + taken, len - taken, &status);
    size_t n = 0;
    enum http_parse_result r = HTTP_PARSE_MORE;
    if (passed > 0)
        r = ll_execute(p, data + taken, passed, &n);
    *used = taken + n;
    if (r == HTTP_PARSE_MORE && passed < len - taken)
        return parse_error(p, status);
    return r;
}

void http_request_use_store(struct http_request *req, char *store, size_t cap)
{
    req->store = store;
    req->store_cap = cap;
    req->store_len = 0;
}

void http_request_clear(struct http_request *req)
{
    free(req->body);
    req->method[0] = '\0';
    req->version = HTTP_V11;
    req->target = NULL;
    req->nheaders = 0;
    req->keep_alive = false;
    req->expect_100 = false;
    req->body = NULL;
    req->body_len = 0;
    req->store_len = 0;
    req->line_len = 0;
}

const char *http_request_header(const struct http_request *req, const char *name)
{
    for (size_t i = 0; i < req->nheaders; i++)
        if (strcasecmp(req->headers[i].name, name) == 0)
            return req->headers[i].value;
    return NULL;
}

const char *http_version_name(enum http_version v)
{
    switch (v) {
    case HTTP_V09:
        return "HTTP/0.9";
    case HTTP_V10:
        return "HTTP/1.0";
    default:
        return "HTTP/1.1";
    }
}
