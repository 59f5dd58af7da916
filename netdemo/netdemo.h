/*
 * netdemo.h - the four servers of the lesson in one process (main.c).
 */
#ifndef NETDEMO_NETDEMO_H
#define NETDEMO_NETDEMO_H

#include "cli.h"
#include "serve.h"
#include "stop.h"

#include "ftp/ftp_server.h"
#include "comparejob.h"
#include "http/http_handler.h"
#include "http/http_server.h"
#include "tcp/tcp_server.h"
#include "udp/udp_server.h"

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#define NETDEMO_HUB_PAGE      "/hub/index.html" /* served for "/" when the site has it */
#define NETDEMO_RING_SLOTS    4096              /* trace events kept for the hub (~4 MiB) */
#define NETDEMO_MAX_ADDRESSES 8                 /* of this machine, shown for -H 0.0.0.0 */
#define NETDEMO_ADDR_LEN      64
/* The hub shows bytes any peer sent: it may run only its own files. */
#define NETDEMO_CSP                                                                                \
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "              \
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"

enum { NETDEMO_TCP, NETDEMO_UDP, NETDEMO_HTTP, NETDEMO_FTP, NETDEMO_SERVICES };

struct netdemo;

/* One of the four servers, as netdemo runs it. */
struct netdemo_service {
    const char *label; /* "HTTP": how its lines and errors name it */
    const char *flag;  /* "--http": the flag that moves its port */
    uint16_t port;     /* asked for, then (after open) the one it has */
    const struct server_ops *ops;
    int (*open)(void *srv, struct netdemo *d, struct stop *stop, char *err);
    void *srv; /* ops->server_size bytes */
    struct stop stop;
    bool opened, started;
    pthread_t thread;
    int rc; /* what serve returned */
    char err[CLI_ERR_LEN];
};

struct netdemo {
    const char *host;
    struct netdemo_service services[NETDEMO_SERVICES];
    const char *www, *ftp_root; /* --www, --ftp-root, or NULL */
    struct tcp_config tcp;
    struct udp_config udp;
    struct http_config http;
    struct ftp_config ftp;
    char site[PATH_MAX];        /* the bundled site, when no --www */
    struct ring *ring;          /* every server's trace events, for GET /events */
    char about[2048];           /* GET /netdemo.json */
    char report[PATH_MAX];      /* netdemo compare's latest report, for GET /compare */
    char report_json[PATH_MAX]; /* and its figures, for the hub's button */
    struct compare_job job;     /* the hub's button: a small comparison */
    struct http_compare_job job_http;
    char addresses[NETDEMO_MAX_ADDRESSES][NETDEMO_ADDR_LEN];
    int naddresses;
};

/* netdemo_new: the four services with their defaults (netdemo_free). */
struct netdemo *netdemo_new(void);
void netdemo_free(struct netdemo *d);

/* netdemo_configure: every server's config from common (-H, --trace) and
 * what the options set in d (ports, --www, ...). Returns CLI_EXIT_OK, or
 * the exit code with the reason in err (CLI_ERR_LEN bytes). */
int netdemo_configure(struct netdemo *d, const struct cli_common *common, char *err);

/* netdemo_open: open all four, or none: a port in use gets a line naming
 * the flag that moves it. Then each service's port is the one it has.
 * Returns 0, or -1 with the reason in err. */
int netdemo_open(struct netdemo *d, char *err);

/* netdemo_start_threads: serve each open server in a thread of its own.
 * Returns 0, or -1 with the reason in err (any started are stopped). */
int netdemo_start_threads(struct netdemo *d, char *err);

/* netdemo_stop: ask every server to stop (as Ctrl-C does). */
void netdemo_stop(struct netdemo *d);

/* netdemo_join: wait until every server thread has ended; one that
 * failed gets a line on stderr. Returns the exit code. */
int netdemo_join(struct netdemo *d);

/* netdemo_close: close what netdemo_open opened. */
void netdemo_close(struct netdemo *d);

/* netdemo_report_path: where `netdemo compare` keeps its latest report,
 * and `netdemo` serves it at /compare: $XDG_STATE_HOME/netdemo/compare,
 * or ~/.local/state/netdemo/compare, with name ("report.html") after it.
 * Returns buf, or NULL when neither variable is set. */
char *netdemo_report_path(const char *name, char *buf, size_t len);

/* netdemo_run: `netdemo ...` (argv[0] is the command name); returns the
 * exit code. */
int netdemo_run(int argc, char *argv[]);

/* netdemo_compare_main: `netdemo compare ...` (compare.c). */
int netdemo_compare_main(int argc, char *argv[]);

#endif
