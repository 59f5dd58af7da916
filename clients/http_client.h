/*
 * http_client.h - `http-demo get`: the B of B/S, small enough to read.
 *
 * It sends one request and reads one response, whose body may be delimited
 * by Content-Length, by chunked encoding or by the server closing the
 * connection (llhttp tells which). With -v it shows what goes over the
 * wire: the request lines it sends ("> ") and the response head ("< ").
 */
#ifndef NETDEMO_HTTP_CLIENT_H
#define NETDEMO_HTTP_CLIENT_H

#include "net.h"

#include <llhttp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define HTTP_CLIENT_IO_MS       30000 /* give up on a server that stops sending */
#define HTTP_CLIENT_MAX_HEADERS 32    /* -H options */
#define HTTP_CLIENT_PATH_MAX    8192
#define HTTP_CLIENT_EXIT_FAIL   22 /* --fail and a status >= 400, as curl */
#define HTTP_CLIENT_LINE_MAX    8192

/* A parsed http:// URL. */
struct http_url {
    struct net_endpoint endpoint;
    char host_header[NET_HOST_LEN + 8]; /* "host" or "host:port" for Host */
    char path[HTTP_CLIENT_PATH_MAX];    /* "/..." with any query */
};

/* http_url_parse: split "http://host[:port][/path]" (host may be [v6]).
 * Returns 0, or -1 with the reason in err. No I/O. */
int http_url_parse(const char *url, struct http_url *out, char *err);

/* http_url_where: where url leads, "host:port" or "unix:/path", for
 * messages. Returns out. */
const char *http_url_where(const struct http_url *url, char *out, size_t outlen);

/* What `http-demo get` was asked to do. */
struct http_get_options {
    const char *url;
    bool verbose;                                 /* -v */
    bool head;                                    /* -I: HEAD, print the head */
    bool http10;                                  /* --http1.0 */
    bool fail;                                    /* --fail */
    const char *output;                           /* -o FILE, NULL for stdout */
    const char *unix_socket;                      /* --unix-socket PATH, or NULL */
    const char *headers[HTTP_CLIENT_MAX_HEADERS]; /* -H "Name: value" */
    size_t nheaders;
    int connect_timeout_ms; /* --connect-timeout (0: the kernel's own limit) */
};

/* The response being read: llhttp and what its callbacks gather. */
struct http_client_response {
    llhttp_t ll;
    const struct http_get_options *opts; /* -v, -I and --fail shape the output */
    FILE *out;                           /* the body goes here */
    char line[HTTP_CLIENT_LINE_MAX];     /* the head line being read */
    size_t line_len;
    int status;
    bool skip_body; /* --fail and an error status */
    bool done;
    bool write_failed;
    const char *error; /* why a callback stopped llhttp, or NULL */
    size_t received;   /* bytes fed so far */
};

/* http_client_response_init: ready r for the response to a request made with
 * opts; the body will be written to out. */
void http_client_response_init(struct http_client_response *r, const struct http_get_options *opts,
                               FILE *out);

/* http_client_response_feed: parse n more bytes of the response (n == 0: the
 * server closed the connection). It reads no socket: the body goes to
 * r->out, and with -v or -I the head lines to stderr or stdout. Interim
 * 1xx responses are read past. Returns 1 when the final response is
 * complete (r->status holds its status), 0 when more bytes are needed,
 * or -1 with the reason in err. */
int http_client_response_feed(struct http_client_response *r, const char *buf, size_t n, char *err);

/* http_client_get: fetch opts->url. Returns the HTTP status (> 0), or -1
 * with the reason in err. */
int http_client_get(const struct http_get_options *opts, char *err);

/* http_client_main: `http-demo get ...`; returns the exit code. */
int http_client_main(int argc, char *argv[]);

#endif
