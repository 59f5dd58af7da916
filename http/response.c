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

/* What each error means, said once to a reader: the error pages are
 * part of the lesson too. */
static const struct {
    int code;
    const char *en, *zh;
} error_notes[] = {
    {HTTP_MOVED_PERMANENTLY, "It has moved: the Location header gives the new address.",
     "已经搬走：Location 头给出新地址。"},
    {HTTP_BAD_REQUEST, "The request broke HTTP's rules, so it could not be read.",
     "请求不合 HTTP 的规则，服务器读不懂。"},
    {HTTP_FORBIDDEN, "This server will not serve what the path names.",
     "服务器不提供这个路径所指的东西。"},
    {HTTP_NOT_FOUND, "There is no file at this path.", "这个路径上没有文件。"},
    {HTTP_METHOD_NOT_ALLOWED, "This address does not take that method; Allow says which it does.",
     "这个地址不接受这种方法；Allow 头说明接受哪些。"},
    {HTTP_REQUEST_TIMEOUT, "The request did not arrive in time.", "请求没有按时到达。"},
    {HTTP_PAYLOAD_TOO_LARGE, "The body is larger than this server accepts.",
     "正文超过了服务器接受的大小。"},
    {HTTP_URI_TOO_LONG, "The request line is longer than this server reads.",
     "请求行太长，服务器不读。"},
    {HTTP_RANGE_NOT_SATISFIABLE, "The range asked for lies outside the file.",
     "请求的范围超出了文件。"},
    {HTTP_HEADERS_TOO_LARGE, "The headers are larger than this server reads.",
     "请求头太大，服务器不读。"},
    {HTTP_INTERNAL_ERROR, "Something failed inside the server; the request may be fine.",
     "服务器内部出了问题；请求本身可能没错。"},
    {HTTP_NOT_IMPLEMENTED, "The server does not know this method.", "服务器不认识这种方法。"},
    {HTTP_SERVICE_UNAVAILABLE, "The server is too busy now: try again in a moment.",
     "服务器现在太忙：稍后再试。"},
    {HTTP_VERSION_NOT_SUPPORTED, "This server speaks HTTP/1.0 and HTTP/1.1 only.",
     "服务器只说 HTTP/1.0 和 HTTP/1.1。"},
};

/* The error page: status, what it means, the way home. */
static char *error_page(int status, const char *reason, size_t *len)
{
    struct http_buf b;
    char title[64];
    snprintf(title, sizeof title, "%d %s", status, reason);
    http_buf_init(&b, 4096);
    http_page_begin(&b, "error", title, "/pages.js");
    http_buf_printf(&b, "<h1>%s</h1>\n", title);
    for (size_t i = 0; i < sizeof error_notes / sizeof error_notes[0]; i++) {
        if (error_notes[i].code == status) {
            http_buf_printf(&b, "<p class=\"lead\">");
            http_page_both(&b, error_notes[i].en, error_notes[i].zh);
            http_buf_printf(&b, "</p>\n");
        }
    }
    http_page_end(&b);
    return http_buf_take(&b, len);
}

void http_response_error(struct http_response *resp, const struct http_request *req, int status,
                         const char *allow)
{
    size_t len = 0;
    char *body = error_page(status, http_status_reason(status), &len);
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
