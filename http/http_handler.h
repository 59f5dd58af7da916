/*
 * http_handler.h - from a parsed request to a response: the demo endpoints
 * (/echo, /stats) and static files, with their directory listings.
 */
#ifndef NETDEMO_HTTP_HANDLER_H
#define NETDEMO_HTTP_HANDLER_H

#include "http_filecache.h"
#include "http_pages.h"
#include "http_request.h"
#include "http_response.h"

#include <stdatomic.h>

/* netdemo's hub button: POST /compare/run starts a small comparison, GET
 * /compare/status says how it goes, GET /compare/report.json is the latest
 * report's figures. The POST must carry the header below (any value), as
 * the hub's script sends it: without it, 403. */
#define COMPARE_RUN_HEADER "X-Netdemo-Run"

struct http_compare_job {
    /* start a run unless one is going (start); write the state as JSON into
     * json (len bytes) and return its length, 0 if it did not fit */
    size_t (*control)(void *ctx, bool start, char *json, size_t len);
    void *ctx;
    const char *report_json; /* the file served for /compare/report.json */
};

/* What a handler needs to know of the server and the connection. */
struct http_site {
    const char *root;             /* the document root, resolved (realpath) */
    int root_fd;                  /* the document root, open (O_PATH) */
    const char *peer;             /* the client, "127.0.0.1:53122" */
    struct http_filecache *cache; /* the worker's open files, or NULL */
    int64_t now_ms;               /* loop_now_ms(), for the cache */
    /* netdemo's additions (NULL / 0 in http-demo) */
    const char *home;         /* the file served for "/" */
    const char *about_json;   /* the body of /netdemo.json */
    const char *compare_page; /* the file served for /compare */
    const struct http_compare_job *compare_job;
    atomic_int *events; /* /events places taken, or NULL: no /events */
    int events_max;     /* places there are */
};

/* http_handle: answer req into resp (which the caller has initialised).
 * Opens the file to send, if any; resp owns it. Never fails: a problem
 * becomes an error status. A response that opens an /events stream
 * (resp->stream) has taken one of site->events' places: the connection
 * gives it back when it closes. */
void http_handle(const struct http_site *site, const struct http_request *req,
                 struct http_response *resp);

/* http_handle_reads_body: whether answering req needs its body. Only
 * POST /echo reads one; any other request is answered from its head, so a
 * body it announces need not be waited for (nor invited with 100
 * Continue). */
bool http_handle_reads_body(const struct http_request *req);

#endif
