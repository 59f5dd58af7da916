/*
 * pages.c - the pages the server writes itself: directory listings and
 * /echo, and the frame error pages share with them. Every name and header
 * that came from outside is escaped.
 */
#include "http_pages.h"
#include "http_fields.h"
#include "http_header_notes.h"
#include "http_path.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void http_page_begin(struct http_buf *b, const char *kind, const char *title, const char *script)
{
    /* No inline style or script: the CSP netdemo sends allows only the
     * site's own files. */
    http_buf_printf(b, "<!DOCTYPE html>\n<html lang=\"en\" class=\"projector\"><head>"
                       "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
                       "content=\"width=device-width, initial-scale=1\">\n<title>");
    http_buf_html(b, title, strlen(title));
    http_buf_printf(b, "</title>\n<link rel=\"stylesheet\" href=\"/style.css\">\n"
                       "<link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\">\n");
    if (script != NULL)
        http_buf_printf(b, "<script type=\"module\" src=\"%s\"></script>\n", script);
    http_buf_printf(b,
                    "</head>\n<body class=\"%s\">\n<nav class=\"home\"><a id=\"home\" "
                    "href=\"/\">&larr; Home &middot; 首页</a></nav>\n",
                    kind);
}

void http_page_end(struct http_buf *b)
{
    http_buf_printf(b, "<footer><p>netdemo http-demo</p></footer>\n</body></html>\n");
}

static int listing_filter(const struct dirent *d)
{
    return strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0;
}

static void listing_entry(struct http_buf *b, int dir_fd, const char *name)
{
    char href[HTTP_PATH_MAX * 3], date[HTTP_DATE_LEN];
    struct stat st;
    /* Not following links: a link that leads outside the root must not
     * reveal the size or date of what it points to. */
    if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) == -1)
        return; /* gone since scandir: leave it out */
    if (http_url_encode_name(name, href, sizeof href) < 0)
        return;
    bool is_dir = S_ISDIR(st.st_mode);
    http_buf_printf(b, "<tr><td><a href=\"%s%s\">", href, is_dir ? "/" : "");
    http_buf_html(b, name, strlen(name));
    http_buf_printf(b, "%s</a></td><td>", is_dir ? "/" : "");
    if (is_dir)
        http_buf_printf(b, "-");
    else
        http_buf_printf(b, "%lld", (long long)st.st_size);
    http_buf_printf(b, "</td><td>%s</td></tr>\n", http_date_format(st.st_mtime, date, sizeof date));
}

char *http_listing_page(int dir_fd, const char *url, size_t *len)
{
    struct dirent **names;
    struct http_buf b;
    int n = scandirat(dir_fd, ".", &names, listing_filter, alphasort);
    if (n < 0)
        return NULL;
    char title[HTTP_PATH_MAX + 16];
    snprintf(title, sizeof title, "Index of %s", url);
    http_buf_init(&b, HTTP_PAGE_MAX);
    http_page_begin(&b, "listing", title, NULL);
    http_buf_printf(&b, "<h1>Index of ");
    http_buf_html(&b, url, strlen(url));
    http_buf_printf(&b, "</h1>\n<table>\n<tr><th>Name</th><th>Size</th><th>Last modified</th>"
                        "</tr>\n");
    if (strcmp(url, "/") != 0)
        http_buf_printf(&b, "<tr><td><a href=\"../\">../</a></td><td>-</td><td></td></tr>\n");
    for (int i = 0; i < n; i++) {
        listing_entry(&b, dir_fd, names[i]->d_name);
        free(names[i]);
    }
    free(names);
    http_buf_printf(&b, "</table>\n");
    http_page_end(&b);
    return http_buf_take(&b, len);
}

/* The head as text: "GET / HTTP/1.1" then each header as it came. */
static void head_text(struct http_buf *b, const struct http_request *req)
{
    http_buf_printf(b, "%s %s%s%s\n", req->method, req->target, req->version == HTTP_V09 ? "" : " ",
                    req->version == HTTP_V09 ? "" : http_version_name(req->version));
    for (size_t i = 0; i < req->nheaders; i++)
        http_buf_printf(b, "%s: %s\n", req->headers[i].name, req->headers[i].value);
}

char *http_request_head_text(const struct http_request *req, size_t *len)
{
    struct http_buf b;
    http_buf_init(&b, HTTP_PAGE_MAX);
    head_text(&b, req);
    return http_buf_take(&b, len);
}

void http_page_both(struct http_buf *b, const char *en, const char *zh)
{
    http_buf_printf(b,
                    "<span lang=\"en\" class=\"only-en\">%s</span>"
                    "<span lang=\"zh-CN\" class=\"only-zh\">%s</span>",
                    en, zh);
}

/* One line of the head, as sent, and what it means when we know. */
static void echo_line(struct http_buf *b, const char *name, const char *value, const char *en,
                      const char *zh)
{
    http_buf_printf(b, "<li><code>");
    http_buf_html(b, name, strlen(name));
    http_buf_append(b, ": ", 2);
    http_buf_html(b, value, strlen(value));
    http_buf_printf(b, "</code>");
    if (en != NULL)
        http_page_both(b, en, zh);
    http_buf_printf(b, "</li>\n");
}

/* The head as a list a class can read from the back: the request line,
 * each header in the order it came, the empty line that ends the head. */
static void echo_head(struct http_buf *b, const struct http_request *req)
{
    http_buf_printf(b, "<ol id=\"request\" class=\"wire\">\n<li class=\"request-line\"><code>");
    http_buf_html(b, req->method, strlen(req->method));
    http_buf_append(b, " ", 1);
    http_buf_html(b, req->target, strlen(req->target));
    if (req->version != HTTP_V09)
        http_buf_printf(b, " %s", http_version_name(req->version));
    http_buf_printf(b, "</code>");
    http_page_both(b, "the request line: method, target, HTTP version",
                   "请求行：方法、目标、HTTP 版本");
    http_buf_printf(b, "</li>\n");
    for (size_t i = 0; i < req->nheaders; i++) {
        const struct http_header *h = &req->headers[i];
        const struct http_header_note *note = http_header_note_find(h->name);
        echo_line(b, h->name, h->value, note ? note->en : NULL, note ? note->zh : NULL);
    }
    http_buf_printf(b, "<li class=\"blank\"><code>\\r\\n</code>");
    http_page_both(b, "an empty line: the head ends here", "一个空行：请求头到此结束");
    http_buf_printf(b, "</li>\n</ol>\n");
}

char *http_echo_page(const struct http_request *req, const char *peer, bool raw, size_t *len)
{
    struct http_buf b;
    http_buf_init(&b, HTTP_PAGE_MAX);
    if (raw) {
        head_text(&b, req);
        http_buf_printf(&b, "\n");
        http_buf_append(&b, req->body ? req->body : "", req->body_len);
        if (req->body_len > 0)
            http_buf_printf(&b, "\n");
        http_buf_printf(&b, "-- from %s\n", peer);
        return http_buf_take(&b, len);
    }
    http_page_begin(&b, "echo", "What your browser sent", "/pages.js");
    http_buf_printf(&b, "<header class=\"page-top\"><h1>");
    http_page_both(&b, "What your browser sent", "你的浏览器发来了什么");
    /* The button names the other language, as the hub's does. */
    http_buf_printf(&b, "</h1>\n<button id=\"lang\" type=\"button\" class=\"lang\" hidden>"
                        "<span class=\"only-en\" lang=\"zh-CN\">中文</span>"
                        "<span class=\"only-zh\" lang=\"en\">English</span></button></header>\n"
                        "<p class=\"lead\">");
    http_page_both(&b, "From", "来自");
    http_buf_printf(&b, " <code id=\"peer\">");
    http_buf_html(&b, peer, strlen(peer));
    http_buf_printf(&b, "</code>");
    http_page_both(&b, ", these bytes, in this order:", "，按顺序是这些字节：");
    http_buf_printf(&b, "</p>\n");
    echo_head(&b, req);
    if (req->body_len > 0) {
        http_buf_printf(&b, "<h2>");
        http_page_both(&b, "Body", "正文");
        http_buf_printf(&b, " (%zu bytes)</h2>\n<pre id=\"body\">", req->body_len);
        http_buf_html(&b, req->body, req->body_len);
        http_buf_printf(&b, "</pre>\n");
    }
    http_page_end(&b);
    return http_buf_take(&b, len);
}
