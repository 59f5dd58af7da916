/*
 * http_response.h - what the server sends back, and how it is built.
 *
 * A response is a head (built here, in a fixed buffer) and at most one
 * body: bytes in memory (the server's own pages) or a range of an open
 * file, which goes out with sendfile() and never passes through user space
 * (unless it is smaller than --sendfile-min: see conn_small_body()).
 */
#ifndef NETDEMO_HTTP_RESPONSE_H
#define NETDEMO_HTTP_RESPONSE_H

#include "http.h"
#include "http_request.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct http_response {
    int status;
    bool close;      /* close the connection once it is sent */
    bool http10;     /* --http1.0: answer as HTTP/1.0, one request per connection */
    bool send_body;  /* false for HEAD and 304 */
    bool stream;     /* after the head, the connection becomes an event stream */
    const char *csp; /* a Content-Security-Policy to send, or NULL */
    /* the head */
    char head[HTTP_RESP_HEAD_MAX];
    size_t head_len, head_off;
    /* a body from memory (malloc'd, owned) ... */
    char *mem;
    size_t mem_len, mem_off;
    /* ... or from a file (fd owned, -1 when none; or held by the cache) */
    int fd;
    struct http_cached_file *cached; /* when fd belongs to the worker's cache */
    const char *copy;                /* the cache's copy of a small file, once the
                                        body is sent from it (never by sendfile) */
    uint64_t file_off, file_end;     /* [off, end) still to send */
    uint64_t body_len;               /* for the access log */
};

/* http_response_init: an empty response (fd -1). */
void http_response_init(struct http_response *resp);

/* http_response_clear: free the memory body, close the file. */
void http_response_clear(struct http_response *resp);

/* http_response_begin: start a head: status line, Date, Server and the
 * Connection decision (from req, or closing when req is NULL or the status
 * leaves the stream in doubt). Sets resp->close. */
void http_response_begin(struct http_response *resp, const struct http_request *req, int status);

/* http_response_header: add one "Name: value" line (formatted). Silently
 * dropped if the head would overflow (the limit is far above our use). */
void http_response_header(struct http_response *resp, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* http_response_line: add one line made of the given strings, up to a
 * NULL: http_response_line(resp, "Content-Type: ", type, NULL). No
 * formatting, so the lines every response has cost a few copies rather
 * than a printf. Dropped like http_response_header's on overflow. */
void http_response_line(struct http_response *resp, ...) __attribute__((sentinel));

/* http_response_end: Content-Length and the blank line. For HTTP/0.9 the
 * head is dropped: that version has no head. */
void http_response_end(struct http_response *resp, const struct http_request *req,
                       uint64_t content_length);

/* http_response_page: a whole response whose body is in memory. Takes
 * ownership of body (malloc'd; NULL with len 0 is allowed). */
void http_response_page(struct http_response *resp, const struct http_request *req, int status,
                        const char *type, char *body, size_t len);

/* http_response_error: status with a small HTML page. A 405 also gets
 * Allow (allow: "GET, HEAD", say). */
void http_response_error(struct http_response *resp, const struct http_request *req, int status,
                         const char *allow);

/* http_status_closes: true for statuses after which the rest of the
 * stream cannot be trusted (the request was not fully read). */
bool http_status_closes(int status);

#endif
