/*
 * response.c - building response heads and the server's own small pages.
 */
#include "http_response.h"
#include "http_buf.h"
#include "http_fields.h"
#include "http_filecache.h"
#include "http_pages.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define HTTP_SERVER_NAME "netdemo-http/0.1"

void http_response_init(struct http_response *resp)
{
    resp->status = 0;
    resp->close = false;
    resp->http10 = false;
    resp->send_body = true;
    resp->stream = false; /* a recycled response must not open a stream */
    resp->csp = NULL;
    resp->head_len = resp->head_off = 0;
    resp->mem = NULL;
    resp->mem_len = resp->mem_off = 0;
    resp->fd = -1;
    resp->cached = NULL;
    resp->copy = NULL;
    resp->file_off = resp->file_end = 0;
    resp->body_len = 0;
}

void http_response_clear(struct http_response *resp)
{
    free(resp->mem);
    if (resp->cached != NULL)
        http_filecache_release(resp->cached);
    else if (resp->fd != -1)
        close(resp->fd);
    bool http10 = resp->http10;
    http_response_init(resp);
    resp->http10 = http10;
}

bool http_status_closes(int status)
{
    switch (status) {
    case HTTP_BAD_REQUEST:
    case HTTP_REQUEST_TIMEOUT:
    case HTTP_PAYLOAD_TOO_LARGE:
    case HTTP_URI_TOO_LONG:
    case HTTP_HEADERS_TOO_LARGE:
    case HTTP_INTERNAL_ERROR:
    case HTTP_NOT_IMPLEMENTED:
    case HTTP_SERVICE_UNAVAILABLE:
    case HTTP_VERSION_NOT_SUPPORTED:
        return true;
    default:
        return false;
    }
}

/* The Date header changes once a second; format it once a second per
 * thread, not once a request. */
static const char *date_now(void)
{
    static _Thread_local time_t last = -1;
    static _Thread_local char text[HTTP_DATE_LEN];
    time_t now = time(NULL);
    if (now != last) {
        http_date_format(now, text, sizeof text);
        last = now;
    }
    return text;
}

void http_response_header(struct http_response *resp, const char *fmt, ...)
{
    size_t room = sizeof resp->head - resp->head_len;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(resp->head + resp->head_len, room, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n + 2 >= room) {
        resp->head[resp->head_len] = '\0';
        return;
    }
    resp->head_len += (size_t)n;
    memcpy(resp->head + resp->head_len, "\r\n", 2);
    resp->head_len += 2;
}

void http_response_line(struct http_response *resp, ...)
{
    size_t room = sizeof resp->head - resp->head_len, len = 0;
    const char *part;
    va_list ap;

    va_start(ap, resp);
    while ((part = va_arg(ap, const char *)) != NULL)
        len += strlen(part);
    va_end(ap);
    if (len + 2 >= room)
        return;
    va_start(ap, resp);
    while ((part = va_arg(ap, const char *)) != NULL) {
        size_t n = strlen(part);
        memcpy(resp->head + resp->head_len, part, n);
        resp->head_len += n;
    }
    va_end(ap);
    memcpy(resp->head + resp->head_len, "\r\n", 2);
    resp->head_len += 2;
}

/* n in decimal, at the end of buf[HTTP_U64_DIGITS]; returns where it starts. */
#define HTTP_U64_DIGITS 21
static const char *u64_text(uint64_t n, char buf[HTTP_U64_DIGITS])
{
    char *p = buf + HTTP_U64_DIGITS - 1;
    *p = '\0';
    do
        *--p = (char)('0' + n % 10);
    while ((n /= 10) != 0);
    return p;
}

void http_response_begin(struct http_response *resp, const struct http_request *req, int status)
{
    const char *connection = NULL;
    char code[HTTP_U64_DIGITS];
    resp->status = status;
    resp->head_len = 0;
    resp->close = req == NULL || !req->keep_alive || resp->http10 || http_status_closes(status);
    /* Our status line says HTTP/1.1, whose default is to keep the
     * connection: a close must be said, even to a 1.0 client. Under
     * --http1.0 the status line says 1.0, whose default is to close. */
    if (resp->close && !resp->http10)
        connection = "close";
    else if (!resp->close && req->version == HTTP_V10)
        connection = "keep-alive";
    http_response_line(resp, resp->http10 ? "HTTP/1.0 " : "HTTP/1.1 ",
                       u64_text((uint64_t)status, code), " ", http_status_reason(status), NULL);
    http_response_line(resp, "Date: ", date_now(), NULL);
    http_response_line(resp, "Server: " HTTP_SERVER_NAME, NULL);
    if (connection != NULL)
        http_response_line(resp, "Connection: ", connection, NULL);
    if (resp->csp != NULL)
        http_response_line(resp, "Content-Security-Policy: ", resp->csp, NULL);
}

void http_response_end(struct http_response *resp, const struct http_request *req,
                       uint64_t content_length)
{
    char digits[HTTP_U64_DIGITS];

    /* the last header, then the empty line that ends the head */
    http_response_line(resp, "Content-Length: ", u64_text(content_length, digits), NULL);
    http_response_line(resp, NULL);
    if (req != NULL && req->version == HTTP_V09)
        resp->head_len = 0;
}

void http_response_page(struct http_response *resp, const struct http_request *req, int status,
                        const char *type, char *body, size_t len)
{
    http_response_begin(resp, req, status);
    http_response_header(resp, "Content-Type: %s", type);
    http_response_header(resp, "Cache-Control: no-store");
    http_response_end(resp, req, len);
    free(resp->mem);
    resp->mem = body;
    resp->mem_len = len;
    resp->mem_off = 0;
    resp->body_len = len;
    if (req != NULL && strcmp(req->method, "HEAD") == 0)
        resp->send_body = false;
}

void http_response_error(struct http_response *resp, const struct http_request *req, int status,
                         const char *allow)
{
    struct http_buf b;
    size_t len = 0;
    const char *reason = http_status_reason(status);

    char title[64];
    snprintf(title, sizeof title, "%d %s", status, reason);
    http_buf_init(&b, 4096);
    http_page_begin(&b, "error", title, NULL);
    http_buf_printf(&b, "<h1>%s</h1>\n", title);
    http_page_end(&b);
    char *body = http_buf_take(&b, &len);
    http_response_begin(resp, req, status);
    if (allow != NULL)
        http_response_header(resp, "Allow: %s", allow);
    http_response_header(resp, "Content-Type: text/html; charset=utf-8");
    http_response_end(resp, req, body ? len : 0);
    free(resp->mem);
    resp->mem = body;
    resp->mem_len = body ? len : 0;
    resp->mem_off = 0;
    resp->body_len = resp->mem_len;
    if (req != NULL && strcmp(req->method, "HEAD") == 0)
        resp->send_body = false;
}
