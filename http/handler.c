/*
 * handler.c - one small function per step of answering a request, after
 * CS:APP's tiny.c: route, resolve the path, check the file, pick the
 * status (200, 206, 304, 416), and set up the body.
 */
#include "http_handler.h"
#include "http_buf.h"
#include "http_events.h"
#include "counters.h"
#include "http_fields.h"
#include "http_path.h"
#include "percent.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static bool method_is(const struct http_request *req, const char *name)
{
    return strcmp(req->method, name) == 0;
}

/* The path part of the target: "/a/b" of "/a/b?x=1". An absolute-form
 * target ("http://host/a") is reduced to its path too (RFC 9112 §3.2.2). */
static const char *target_path(const char *target, size_t *len)
{
    if (strncmp(target, "http://", 7) == 0) {
        const char *slash = strchr(target + 7, '/');
        target = slash ? slash : "/";
    }
    *len = strcspn(target, "?#");
    return target;
}

static bool path_is(const char *path, size_t len, const char *name)
{
    return len == strlen(name) && strncmp(path, name, len) == 0;
}

static void handle_stats(const struct http_request *req, struct http_response *resp)
{
    char *json = malloc(HTTP_STATS_MAX);
    int n = json ? counters_all_json(json, HTTP_STATS_MAX) : -1;
    if (n < 0) {
        free(json);
        http_response_error(resp, req, HTTP_INTERNAL_ERROR, NULL);
        return;
    }
    json[n++] = '\n';
    http_response_page(resp, req, HTTP_OK, "application/json; charset=utf-8", json, (size_t)n);
}

static void handle_echo(const struct http_site *site, const struct http_request *req,
                        struct http_response *resp)
{
    const char *query = strchr(req->target, '?');
    bool raw = query != NULL && strncmp(query + 1, "raw", 3) == 0 &&
               (query[4] == '\0' || query[4] == '&' || query[4] == '=');
    size_t len = 0;
    char *page = http_echo_page(req, site->peer, raw, &len);
    if (page == NULL) {
        http_response_error(resp, req, HTTP_INTERNAL_ERROR, NULL);
        return;
    }
    http_response_page(resp, req, HTTP_OK,
                       raw ? "text/plain; charset=utf-8" : "text/html; charset=utf-8", page, len);
}

/* /dir without its slash: send the browser to /dir/ so relative links in
 * the page resolve inside the directory, as every web server does. */
static void redirect_to_slash(const struct http_request *req, const char *path, size_t len,
                              struct http_response *resp)
{
    http_response_error(resp, req, HTTP_MOVED_PERMANENTLY, NULL);
    /* Rebuild the head with Location; the body stays the small page. */
    char *body = resp->mem;
    size_t body_len = resp->mem_len;
    resp->mem = NULL;
    /* "//name" or "/\\name" in Location means another host to a browser:
     * keep a single leading slash. */
    size_t skip = 0;
    while (skip < len && (path[skip] == '/' || path[skip] == '\\'))
        skip++;
    http_response_begin(resp, req, HTTP_MOVED_PERMANENTLY);
    http_response_header(resp, "Location: /%.*s/", (int)(len - skip), path + skip);
    http_response_header(resp, "Content-Type: text/html; charset=utf-8");
    http_response_end(resp, req, body_len);
    resp->mem = body;
}

/* The validators and range of a file we are about to send. */
static int file_status(const struct http_request *req, const struct stat *st, uint64_t *first,
                       uint64_t *last)
{
    const char *ims = http_request_header(req, "If-Modified-Since");
    const char *range = http_request_header(req, "Range");
    time_t since;

    *first = 0;
    *last = st->st_size > 0 ? (uint64_t)st->st_size - 1 : 0;
    /* A date in the future proves nothing (RFC 9110 13.1.3): ignore it. */
    if (ims != NULL && http_request_header(req, "If-None-Match") == NULL &&
        http_date_parse(ims, &since) == 0 && st->st_mtime <= since && since <= time(NULL))
        return HTTP_NOT_MODIFIED;
    if (range == NULL || req->version == HTTP_V09)
        return HTTP_OK;
    switch (http_parse_range(range, (uint64_t)st->st_size, first, last)) {
    case HTTP_RANGE_OK:
        return HTTP_PARTIAL_CONTENT;
    case HTTP_RANGE_UNSATISFIABLE:
        return HTTP_RANGE_NOT_SATISFIABLE;
    default:
        return HTTP_OK;
    }
}

/* Last-Modified text: a client fetching one file again and again gets
 * the date formatted once, not once a request. */
static const char *last_modified(time_t mtime)
{
    static _Thread_local time_t last;
    static _Thread_local char text[HTTP_DATE_LEN];
    if (text[0] == '\0' || mtime != last) {
        http_date_format(mtime, text, sizeof text);
        last = mtime;
    }
    return text;
}

/* An open file we are done with: closed, or handed back to the cache. */
static void file_done(int fd, struct http_cached_file *cached)
{
    if (cached != NULL)
        http_filecache_release(cached);
    else
        close(fd);
}

static void send_file(const struct http_request *req, const char *file, int fd,
                      struct http_cached_file *cached, const struct stat *st,
                      struct http_response *resp)
{
    uint64_t first, last;
    int status = file_status(req, st, &first, &last);

    if (status == HTTP_RANGE_NOT_SATISFIABLE) {
        file_done(fd, cached);
        http_response_error(resp, req, status, NULL);
        /* Content-Range: bytes * / size, as RFC 9110 §15.5.17 asks: it goes
         * in place of the blank line that ends the head. */
        if (resp->head_len >= 2) {
            resp->head_len -= 2;
            http_response_header(resp, "Content-Range: bytes */%llu",
                                 (unsigned long long)st->st_size);
            http_response_header(resp, "%s", "");
        }
        return;
    }
    uint64_t len = st->st_size == 0 ? 0 : last - first + 1;
    http_response_begin(resp, req, status);
    http_response_line(resp, "Content-Type: ", http_mime_type(file), NULL);
    http_response_line(resp, "Last-Modified: ", last_modified(st->st_mtime), NULL);
    http_response_line(resp, "Accept-Ranges: bytes", NULL);
    if (status == HTTP_PARTIAL_CONTENT)
        http_response_header(resp, "Content-Range: bytes %llu-%llu/%llu", (unsigned long long)first,
                             (unsigned long long)last, (unsigned long long)st->st_size);
    if (status == HTTP_NOT_MODIFIED) {
        /* 304 has no body and so no Content-Length of one. */
        http_response_header(resp, "%s", "");
        resp->send_body = false;
        file_done(fd, cached);
        return;
    }
    http_response_end(resp, req, len);
    resp->fd = fd;
    resp->cached = cached;
    resp->file_off = first;
    resp->file_end = first + len;
    resp->body_len = len;
    resp->send_body = !method_is(req, "HEAD");
}

/* Open what path names under the root: a regular file or a directory.
 * file gets the relative path (its extension picks the type). Returns an
 * fd, or -1 with the error status in *status. */
static int open_resolved(const struct http_site *site, const char *path, size_t len, char *file,
                         size_t filelen, struct stat *st, int *status,
                         struct http_cached_file **cached)
{
    *cached = NULL;
    if (site->cache != NULL && http_path_normalize(path, len, file, filelen) == 0) {
        struct http_cached_file *f = http_filecache_get(site->cache, file, site->now_ms);
        if (f != NULL) {
            *st = f->st;
            *cached = f;
            return f->fd;
        }
    }
    int fd = http_open_path(site->root_fd, site->root, path, len, file, filelen, status);
    if (fd == -1)
        return -1;
    if (fstat(fd, st) == -1 || !(S_ISREG(st->st_mode) || S_ISDIR(st->st_mode))) {
        close(fd);
        *status = HTTP_FORBIDDEN; /* a device, a FIFO: never ours to serve */
        return -1;
    }
    if (S_ISREG(st->st_mode) && site->cache != NULL)
        *cached = http_filecache_put(site->cache, file, fd, st, site->now_ms);
    return fd;
}

/* A directory (open as dir_fd): its index.html, or else a listing. */
static void handle_directory(const struct http_site *site, const struct http_request *req,
                             const char *path, size_t len, int dir_fd, struct http_response *resp)
{
    char index_path[HTTP_URI_MAX + 16], file[HTTP_PATH_MAX];
    struct stat st;
    int status;

    int n = snprintf(index_path, sizeof index_path, "%.*sindex.html", (int)len, path);
    if (n > 0 && (size_t)n < sizeof index_path) {
        struct http_cached_file *cached;
        int fd =
            open_resolved(site, index_path, (size_t)n, file, sizeof file, &st, &status, &cached);
        if (fd != -1 && S_ISREG(st.st_mode)) {
            send_file(req, file, fd, cached, &st, resp);
            return;
        }
        if (fd != -1)
            close(fd);
    }
    char url[HTTP_PATH_MAX];
    long ulen = percent_decode(path, len, url, sizeof url);
    size_t page_len = 0;
    char *page = ulen < 0 ? NULL : http_listing_page(dir_fd, url, &page_len);
    if (page == NULL) {
        http_response_error(resp, req, HTTP_FORBIDDEN, NULL);
        return;
    }
    http_response_page(resp, req, HTTP_OK, "text/html; charset=utf-8", page, page_len);
}

static void handle_static(const struct http_site *site, const struct http_request *req,
                          const char *path, size_t len, struct http_response *resp)
{
    char file[HTTP_PATH_MAX];
    struct stat st;
    int status;

    struct http_cached_file *cached;
    int fd = open_resolved(site, path, len, file, sizeof file, &st, &status, &cached);
    if (fd == -1 && status == HTTP_NOT_FOUND && path_is(path, len, "/favicon.ico")) {
        /* A browser asks for /favicon.ico on a page that names no icon
         * (JSON, plain text). A site with only favicon.svg answers with
         * it, as image/svg+xml: no 404 in the log for every such page. */
        fd = open_resolved(site, "/favicon.svg", 12, file, sizeof file, &st, &status, &cached);
        if (fd != -1 && !S_ISREG(st.st_mode)) {
            close(fd); /* a folder named favicon.svg is no icon */
            fd = -1;
            status = HTTP_NOT_FOUND;
        }
    }
    if (fd == -1) {
        http_response_error(resp, req, status, NULL);
        return;
    }
    if (S_ISREG(st.st_mode) && path[len - 1] == '/') {
        /* "/a.txt/" asks for a directory a.txt, which is not there. */
        file_done(fd, cached);
        http_response_error(resp, req, HTTP_NOT_FOUND, NULL);
        return;
    }
    if (S_ISREG(st.st_mode)) {
        send_file(req, file, fd, cached, &st, resp);
        return;
    }
    if (path[len - 1] != '/')
        redirect_to_slash(req, path, len, resp);
    else
        handle_directory(site, req, path, len, fd, resp);
    close(fd);
}

/* RFC 9112 section 3.2: an HTTP/1.1 request carries exactly one Host, and
 * no request carries two; a server must answer 400 otherwise. */
static bool host_is_valid(const struct http_request *req)
{
    size_t hosts = 0;
    for (size_t i = 0; i < req->nheaders; i++)
        if (strcasecmp(req->headers[i].name, "Host") == 0)
            hosts++;
    return hosts == 1 || (hosts == 0 && req->version != HTTP_V11);
}

/* GET /events: a stream of trace events, while a place is free. */
static void handle_events(const struct http_site *site, const struct http_request *req,
                          struct http_response *resp)
{
    char server[8];
    if (http_events_filter(req->target, server) == -1) {
        http_response_error(resp, req, HTTP_BAD_REQUEST, NULL);
        return;
    }
    http_events_head(resp, req);
    if (!resp->stream)
        return; /* HEAD: the head alone, no place taken */
    if (atomic_fetch_add(site->events, 1) >= site->events_max) {
        atomic_fetch_sub(site->events, 1);
        http_response_error(resp, req, HTTP_SERVICE_UNAVAILABLE, NULL);
        resp->stream = false;
    }
}

static void handle_about(const struct http_site *site, const struct http_request *req,
                         struct http_response *resp)
{
    size_t len = strlen(site->about_json);
    char *body = malloc(len + 1);
    if (body == NULL) {
        http_response_error(resp, req, HTTP_INTERNAL_ERROR, NULL);
        return;
    }
    memcpy(body, site->about_json, len + 1);
    http_response_page(resp, req, HTTP_OK, "application/json; charset=utf-8", body, len);
}

/* GET /compare and /compare/report.json: the latest report of `netdemo
 * compare`, files outside the site at paths netdemo chose (never one a
 * request names); 404, with a hint on the page, while there is none. */
static void handle_compare(const char *file, const char *name, const struct http_request *req,
                           struct http_response *resp)
{
    struct stat st;
    int fd = open(file, O_RDONLY | O_CLOEXEC);
    if (fd == -1 || fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
        if (fd != -1)
            close(fd);
        if (strcmp(name, "report.html") != 0) {
            http_response_error(resp, req, HTTP_NOT_FOUND, NULL);
            return;
        }
        static const char none[] =
            "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>No comparison yet</title>"
            "</head>\n<body><h1>No comparison yet</h1><p>Run <code>netdemo compare</code>: its "
            "latest report is shown here.</p><p><a href=\"/\">Back to the hub</a></p></body>"
            "</html>\n";
        char *body = malloc(sizeof none - 1);
        if (body != NULL)
            memcpy(body, none, sizeof none - 1);
        http_response_page(resp, req, HTTP_NOT_FOUND, "text/html; charset=utf-8", body,
                           body ? sizeof none - 1 : 0);
        return;
    }
    send_file(req, name, fd, NULL, &st, resp);
}

/* POST /compare/run (start) and GET /compare/status: the hub's button, and
 * how its run goes, as JSON. */
static void handle_compare_job(const struct http_site *site, const struct http_request *req,
                               struct http_response *resp, bool start)
{
    char json[512];
    size_t len = site->compare_job->control(site->compare_job->ctx, start, json, sizeof json);
    char *body = len > 0 ? malloc(len) : NULL;
    if (body == NULL) {
        http_response_error(resp, req, HTTP_INTERNAL_ERROR, NULL);
        return;
    }
    memcpy(body, json, len);
    http_response_page(resp, req, start ? HTTP_ACCEPTED : HTTP_OK,
                       "application/json; charset=utf-8", body, len);
}

/* The demo endpoint that shows what was sent: /echo. */
static bool path_is_echo(const char *path, size_t len)
{
    return len == 5 && strncmp(path, "/echo", 5) == 0;
}

bool http_handle_reads_body(const struct http_request *req)
{
    size_t len;
    const char *path = target_path(req->target, &len);
    return method_is(req, "POST") && path_is_echo(path, len) && host_is_valid(req);
}

void http_handle(const struct http_site *site, const struct http_request *req,
                 struct http_response *resp)
{
    size_t len;
    const char *path = target_path(req->target, &len);
    bool get = method_is(req, "GET") || method_is(req, "HEAD");

    if (len == 0 || path[0] != '/' || !host_is_valid(req)) {
        http_response_error(resp, req, HTTP_BAD_REQUEST, NULL);
    } else if (path_is_echo(path, len)) {
        if (get || method_is(req, "POST"))
            handle_echo(site, req, resp);
        else
            http_response_error(resp, req, HTTP_METHOD_NOT_ALLOWED, "GET, HEAD, POST");
    } else if (len == 6 && strncmp(path, "/stats", 6) == 0) {
        if (get)
            handle_stats(req, resp);
        else
            http_response_error(resp, req, HTTP_METHOD_NOT_ALLOWED, "GET, HEAD");
    } else if (site->compare_job != NULL && path_is(path, len, "/compare/run")) {
        /* A run costs the machine a CPU for seconds: only the hub's own
         * script may start one. A form or a script on another site cannot
         * send this header without the browser asking first (a CORS
         * preflight, OPTIONS), and that gets a 405. */
        if (!method_is(req, "POST"))
            http_response_error(resp, req, HTTP_METHOD_NOT_ALLOWED, "POST");
        else if (http_request_header(req, COMPARE_RUN_HEADER) == NULL)
            http_response_error(resp, req, HTTP_FORBIDDEN, NULL);
        else
            handle_compare_job(site, req, resp, true);
    } else if (!get) {
        http_response_error(resp, req, HTTP_METHOD_NOT_ALLOWED, "GET, HEAD");
    } else if (site->compare_job != NULL && path_is(path, len, "/compare/status")) {
        handle_compare_job(site, req, resp, false);
    } else if (site->compare_job != NULL && path_is(path, len, "/compare/report.json")) {
        handle_compare(site->compare_job->report_json, "report.json", req, resp);
    } else if (site->events != NULL && path_is(path, len, "/events")) {
        handle_events(site, req, resp);
    } else if (site->about_json != NULL && path_is(path, len, "/netdemo.json")) {
        handle_about(site, req, resp);
    } else if (site->compare_page != NULL && path_is(path, len, "/compare")) {
        handle_compare(site->compare_page, "report.html", req, resp);
    } else if (site->home != NULL && path_is(path, len, "/")) {
        handle_static(site, req, site->home, strlen(site->home), resp);
    } else {
        handle_static(site, req, path, len, resp);
    }
}
