/*
 * pages.c - the pages the server writes itself: directory listings and
 * /echo. Every name and header that came from outside is escaped.
 */
#include "http_buf.h"
#include "http_fields.h"
#include "http_handler.h"
#include "http_path.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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
    http_buf_init(&b, HTTP_PAGE_MAX);
    http_buf_printf(&b, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Index of ");
    http_buf_html(&b, url, strlen(url));
    http_buf_printf(&b, "</title></head>\n<body><h1>Index of ");
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
    http_buf_printf(&b, "</table>\n</body></html>\n");
    return http_buf_take(&b, len);
}

/* The head as text: "GET / HTTP/1.1" then each header as it came. */
static void head_text(struct http_buf *b, const struct http_request *req, bool html)
{
    const char *version = http_version_name(req->version);
    if (html) {
        http_buf_html(b, req->method, strlen(req->method));
        http_buf_append(b, " ", 1);
        http_buf_html(b, req->target, strlen(req->target));
        http_buf_printf(b, " %s\n", req->version == HTTP_V09 ? "" : version);
    } else {
        http_buf_printf(b, "%s %s%s%s\n", req->method, req->target,
                        req->version == HTTP_V09 ? "" : " ",
                        req->version == HTTP_V09 ? "" : version);
    }
    for (size_t i = 0; i < req->nheaders; i++) {
        const struct http_header *h = &req->headers[i];
        if (html) {
            http_buf_html(b, h->name, strlen(h->name));
            http_buf_append(b, ": ", 2);
            http_buf_html(b, h->value, strlen(h->value));
            http_buf_append(b, "\n", 1);
        } else {
            http_buf_printf(b, "%s: %s\n", h->name, h->value);
        }
    }
}

char *http_request_head_text(const struct http_request *req, size_t *len)
{
    struct http_buf b;
    http_buf_init(&b, HTTP_PAGE_MAX);
    head_text(&b, req, false);
    return http_buf_take(&b, len);
}

char *http_echo_page(const struct http_request *req, const char *peer, bool raw, size_t *len)
{
    struct http_buf b;
    http_buf_init(&b, HTTP_PAGE_MAX);
    if (raw) {
        head_text(&b, req, false);
        http_buf_printf(&b, "\n");
        http_buf_append(&b, req->body ? req->body : "", req->body_len);
        if (req->body_len > 0)
            http_buf_printf(&b, "\n");
        http_buf_printf(&b, "-- from %s\n", peer);
        return http_buf_take(&b, len);
    }
    http_buf_printf(&b, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
                        "<title>What your browser sent</title></head>\n<body>\n"
                        "<h1>What your browser sent</h1>\n<p>From <code id=\"peer\">");
    http_buf_html(&b, peer, strlen(peer));
    http_buf_printf(&b, "</code>, these bytes, in this order:</p>\n<pre id=\"request\">");
    head_text(&b, req, true);
    http_buf_printf(&b, "</pre>\n");
    if (req->body_len > 0) {
        http_buf_printf(&b, "<h2>Body (%zu bytes)</h2>\n<pre id=\"body\">", req->body_len);
        http_buf_html(&b, req->body, req->body_len);
        http_buf_printf(&b, "</pre>\n");
    }
    http_buf_printf(&b, "</body></html>\n");
    return http_buf_take(&b, len);
}
