/*
 * buf.c - the growable buffer behind the server's own pages.
 */
#include "http_buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void http_buf_init(struct http_buf *b, size_t max)
{
    *b = (struct http_buf){.max = max};
}

void http_buf_free(struct http_buf *b)
{
    free(b->data);
    *b = (struct http_buf){.max = b->max};
}

/* Make room for n more bytes and a NUL. */
static bool buf_reserve(struct http_buf *b, size_t n)
{
    if (b->failed)
        return false;
    if (n > b->max - b->len) {
        b->failed = true;
        return false;
    }
    if (b->len + n + 1 <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 1024;
    while (cap < b->len + n + 1)
        cap *= 2;
    char *data = realloc(b->data, cap);
    if (data == NULL) {
        b->failed = true;
        return false;
    }
    b->data = data;
    b->cap = cap;
    return true;
}

void http_buf_append(struct http_buf *b, const char *data, size_t n)
{
    if (!buf_reserve(b, n))
        return;
    memcpy(b->data + b->len, data, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void http_buf_printf(struct http_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !buf_reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void http_buf_html(struct http_buf *b, const char *text, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        switch (c) {
        case '&':
            http_buf_append(b, "&amp;", 5);
            break;
        case '<':
            http_buf_append(b, "&lt;", 4);
            break;
        case '>':
            http_buf_append(b, "&gt;", 4);
            break;
        case '"':
            http_buf_append(b, "&quot;", 6);
            break;
        case '\'':
            http_buf_append(b, "&#39;", 5);
            break;
        default:
            if (c < 0x20 && c != '\t' && c != '\n')
                http_buf_append(b, "\xef\xbf\xbd", 3);
            else
                http_buf_append(b, (const char *)&text[i], 1);
        }
    }
}

char *http_buf_take(struct http_buf *b, size_t *len)
{
    if (b->failed || b->data == NULL) {
        bool failed = b->failed;
        http_buf_free(b);
        if (failed)
            return NULL;
        /* an empty page is still a page */
        b->data = calloc(1, 1);
        if (b->data == NULL)
            return NULL;
    }
    char *data = b->data;
    *len = b->len;
    *b = (struct http_buf){.max = b->max};
    return data;
}
