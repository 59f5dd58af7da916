/*
 * http_buf.h - a growable byte buffer for the pages the server writes itself
 * (error pages, directory listings, /echo). Untrusted text goes in only
 * through http_buf_html (escaped) or with an explicit length.
 *
 * Once an allocation fails the buffer is marked failed and further appends
 * do nothing, so callers check once at the end.
 */
#ifndef NETDEMO_HTTP_BUF_H
#define NETDEMO_HTTP_BUF_H

#include <stdbool.h>
#include <stddef.h>

struct http_buf {
    char *data; /* malloc'd; NUL-terminated when not failed */
    size_t len, cap;
    size_t max; /* never grow past this */
    bool failed;
};

/* http_buf_init: an empty buffer that may grow to max bytes. */
void http_buf_init(struct http_buf *b, size_t max);

/* http_buf_free: release the data (the buffer is empty afterwards). */
void http_buf_free(struct http_buf *b);

/* http_buf_append: add n bytes. */
void http_buf_append(struct http_buf *b, const char *data, size_t n);

/* http_buf_printf: add formatted text. */
void http_buf_printf(struct http_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* http_buf_html: add n bytes with &, <, >, " and ' escaped, and control
 * bytes shown as U+FFFD, so they render as text and never as markup. */
void http_buf_html(struct http_buf *b, const char *text, size_t n);

/* http_buf_take: hand the data to the caller (who frees it); *len gets
 * its length. Returns NULL if the buffer failed (then it is freed). */
char *http_buf_take(struct http_buf *b, size_t *len);

#endif
