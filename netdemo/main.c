/*
 * main.c - `netdemo`: the four servers in one process, and the hub.
 *
 * A lecturer types one command and TCP, UDP, HTTP and FTP are all up,
 * each on its usual port, each in its own thread. Their trace events go
 * to one ring in memory, and the HTTP server streams that ring to the hub
 * page (GET /events), which draws every socket call as it happens.
 *
 * Each server keeps its own stop handle: Ctrl-C or SIGTERM asks all four
 * to stop, and one that fails stops alone, with a line saying why.
 */
#include "netdemo.h"

#include "cli.h"
#include "content.h"
#include "lecture.h"
#include "ring.h"
#include "i18n.h"
#include "trace.h"

#include "ftp/ftp_server.h"
#include "http/http_server.h"
#include "tcp/tcp_server.h"
#include "udp/udp_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char netdemo_usage[] =
    N_("usage: netdemo [-H HOST] [--tcp PORT] [--udp PORT] [--http PORT] [--ftp PORT]\n"
       "               [--www DIR] [--ftp-root DIR] [--model MODEL] [--drop PERCENT]\n"
       "               [--workers N] [--quiet] [--trace[=detail]] [--version]\n"
       "       netdemo compare [--size BYTES] [--count N] [--repeat R] [--drop PERCENT]\n"
       "                       [--only LIST] [--netem[=PERCENT]] [--out DIR] [--json]\n"
       "\n"
       "Start the four servers of the lesson in one process, and a live page (the\n"
       "hub) that draws every socket call they make as it happens.\n"
       "\n"
       "  -H, --host HOST     address all four listen on (default 127.0.0.1; 0.0.0.0\n"
       "                      lets the students' machines in: think twice)\n"
       "      --tcp PORT      the TCP upper-case server (default 9000)\n"
       "      --udp PORT      the UDP upper-case server (default 9001)\n"
       "      --http PORT     the web server and the hub (default 8080)\n"
       "      --ftp PORT      the FTP server, anonymous and read-only (default 2121)\n"
       "                      (0 for any of the four picks a free port)\n"
       "      --www DIR       the site the web server serves (default: the bundled one)\n"
       "      --ftp-root DIR  the folder FTP serves (default: the bundled sample)\n"
       "      --model M       the TCP server's concurrency: iterative, fork, thread or\n"
       "                      epoll (default)\n"
       "      --drop PERCENT  the UDP server loses this share of datagrams on purpose\n"
       "      --workers N     the web server's event loops (default: one per core)\n"
       "      --quiet         no line per caller (who called and what they said)\n"
       "      --trace         print every socket call on stderr instead\n"
       "                      =detail: socket options, batches, sendfile too\n"
       "  -h, --help          show this help\n"
       "      --version       print the version and exit\n"
       "\n"
       "It prints one line per server, with a command to try, then the hub's address,\n"
       "then a line per caller, labelled with its server (at most 10 a second).\n"
       "'netdemo compare' measures the same workloads over all four protocols instead\n"
       "(netdemo compare --help).\n"
       "Ctrl-C stops every server cleanly. Exit: 0 ok, 1 cannot start (a port in use),\n"
       "2 bad usage.\n");

enum {
    OPT_TCP = 2000,
    OPT_UDP,
    OPT_HTTP,
    OPT_FTP,
    OPT_WWW,
    OPT_FTP_ROOT,
    OPT_MODEL,
    OPT_DROP,
    OPT_WORKERS,
};

static const struct option netdemo_options[] = {
    {"tcp", required_argument, NULL, OPT_TCP},
    {"udp", required_argument, NULL, OPT_UDP},
    {"http", required_argument, NULL, OPT_HTTP},
    {"ftp", required_argument, NULL, OPT_FTP},
    {"www", required_argument, NULL, OPT_WWW},
    {"ftp-root", required_argument, NULL, OPT_FTP_ROOT},
    {"model", required_argument, NULL, OPT_MODEL},
    {"drop", required_argument, NULL, OPT_DROP},
    {"workers", required_argument, NULL, OPT_WORKERS},
    {NULL, 0, NULL, 0},
};

/* --tcp, --udp, ...: which service a port flag belongs to. */
static int service_of_option(int ch)
{
    return ch - OPT_TCP; /* NETDEMO_TCP .. NETDEMO_FTP, in the same order */
}

static int netdemo_option(void *ctx, int ch, const char *arg, char *err)
{
    struct netdemo *d = ctx;
    long v;

    switch (ch) {
    case OPT_TCP:
    case OPT_UDP:
    case OPT_HTTP:
    case OPT_FTP: {
        struct netdemo_service *s = &d->services[service_of_option(ch)];
        if (cli_parse_long(arg, 0, 65535, &v) == -1)
            return cli_reason(err, _("invalid %s '%s': expected a port from 0 to 65535"), s->flag,
                              arg);
        s->port = (uint16_t)v;
        return 0;
    }
    case OPT_WWW:
        d->www = arg;
        return 0;
    case OPT_FTP_ROOT:
        d->ftp_root = arg;
        return 0;
    case OPT_MODEL:
        if (tcp_parse_model(arg, &d->tcp.model) == -1)
            return cli_reason(err, _("unknown model '%s': use iterative, fork, thread or epoll"),
                              arg);
        return 0;
    case OPT_DROP:
        if (cli_parse_long(arg, 0, 100, &v) == -1)
            return cli_reason(err, _("invalid --drop '%s': a percentage from 0 to 100"), arg);
        d->udp.drop_percent = (unsigned)v;
        return 0;
    case OPT_WORKERS:
        if (cli_parse_long(arg, 1, HTTP_MAX_WORKERS, &v) == -1)
            return cli_reason(err, _("invalid --workers '%s': a number from 1 to %d"), arg,
                              HTTP_MAX_WORKERS);
        d->http.workers = (int)v;
        return 0;
    default:
        return 0;
    }
}

/* --- the machine's addresses, for -H 0.0.0.0 -------------------------------- */

static bool host_is_any(const char *host)
{
    return strcmp(host, "0.0.0.0") == 0 || strcmp(host, "::") == 0 || strcmp(host, "[::]") == 0;
}

/* The addresses students can use: every up, non-loopback interface's
 * IPv4 address (and IPv6 ones when listening on "::"). */
static void netdemo_find_addresses(struct netdemo *d, bool v6)
{
    struct ifaddrs *list = NULL;
    d->naddresses = 0;
    if (getifaddrs(&list) == -1)
        return;
    for (struct ifaddrs *i = list; i != NULL && d->naddresses < NETDEMO_MAX_ADDRESSES;
         i = i->ifa_next) {
        if (i->ifa_addr == NULL || !(i->ifa_flags & IFF_UP) || (i->ifa_flags & IFF_LOOPBACK))
            continue;
        char *out = d->addresses[d->naddresses];
        if (i->ifa_addr->sa_family == AF_INET)
            inet_ntop(AF_INET, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, out,
                      NETDEMO_ADDR_LEN);
        else if (v6 && i->ifa_addr->sa_family == AF_INET6 &&
                 !IN6_IS_ADDR_LINKLOCAL(&((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr))
            inet_ntop(AF_INET6, &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr, out,
                      NETDEMO_ADDR_LEN);
        else
            continue;
        d->naddresses++;
    }
    freeifaddrs(list);
}

/* --- open, announce, serve, close ------------------------------------------- */

/* The address to print in URLs: the one given, or for 0.0.0.0 the first
 * a student can use. */
static const char *netdemo_shown_host(const struct netdemo *d, char *buf, size_t len)
{
    const char *host = d->host;
    if (host_is_any(host))
        host = d->naddresses > 0 ? d->addresses[0] : "127.0.0.1";
    snprintf(buf, len, strchr(host, ':') ? "[%s]" : "%s", host);
    return buf;
}

/* /netdemo.json: what the hub shows in its diagram and "try it" box. */
static void netdemo_about(struct netdemo *d)
{
    char shown[NETDEMO_ADDR_LEN + 2];
    size_t n = 0;
#define ABOUT(...)                                                                                 \
    n += (size_t)snprintf(d->about + n, n < sizeof d->about ? sizeof d->about - n : 0, __VA_ARGS__)
    ABOUT("{\"version\":\"%s\",\"host\":\"%s\",\"addresses\":[", cli_version_text(),
          netdemo_shown_host(d, shown, sizeof shown));
    if (host_is_any(d->host)) {
        for (int i = 0; i < d->naddresses; i++)
            ABOUT("%s\"%s\"", i ? "," : "", d->addresses[i]);
    } else {
        ABOUT("\"%s\"", d->host);
    }
    ABOUT("],\"services\":{\"tcp\":{\"port\":%u,\"model\":\"%s\",\"mode\":\"upper\"},"
          "\"udp\":{\"port\":%u,\"drop\":%u},\"http\":{\"port\":%u},\"ftp\":{\"port\":%u}}}",
          d->services[NETDEMO_TCP].port, tcp_model_name(d->tcp.model),
          d->services[NETDEMO_UDP].port, d->udp.drop_percent, d->services[NETDEMO_HTTP].port,
          d->services[NETDEMO_FTP].port);
#undef ABOUT
}

/* One line per server, a command to try on each, then the hub. */
static void netdemo_announce(const struct netdemo *d)
{
    char host[NETDEMO_ADDR_LEN + 2], url[NETDEMO_ADDR_LEN + 32];
    const char *h = netdemo_shown_host(d, host, sizeof host);
    const struct netdemo_service *sv = d->services;
    const char *bare = host_is_any(d->host) && d->naddresses == 0 ? "127.0.0.1" : h;

    if (host_is_any(d->host)) {
        fprintf(stderr,
                _("netdemo: warning: listening on every address of this machine (-H %s): anyone "
                  "on its networks can reach the four servers, read the FTP folder and watch the "
                  "hub\n"),
                d->host);
        printf("%s", _("Students can reach this machine at:"));
        for (int i = 0; i < d->naddresses; i++)
            printf(" %s", d->addresses[i]);
        printf("%s\n", d->naddresses == 0 ? _(" (no network address found)") : "");
    }
    snprintf(url, sizeof url, "tcp://%s:%u", h, sv[NETDEMO_TCP].port);
    printf(_("%-6s%s  tcp-demo client -H %s -p %u -m 'dream is handsome' (C/S, %s model)\n"), "TCP",
           url, bare, sv[NETDEMO_TCP].port, tcp_model_name(d->tcp.model));
    snprintf(url, sizeof url, "udp://%s:%u", h, sv[NETDEMO_UDP].port);
    printf("%-6s%s  udp-demo client -H %s -p %u -m 'dream is handsome'", "UDP", url, bare,
           sv[NETDEMO_UDP].port);
    if (d->udp.drop_percent > 0)
        printf(_(" (C/S, %u%% dropped)\n"), d->udp.drop_percent);
    else
        printf("%s\n", _(" (C/S)"));
    printf(_("%-6shttp://%s:%u/  open in a browser (B/S)\n"), "HTTP", h, sv[NETDEMO_HTTP].port);
    printf(_("%-6sftp://%s:%u/  ftp-demo client %s -p %u (C/S)\n"), "FTP", h, sv[NETDEMO_FTP].port,
           bare, sv[NETDEMO_FTP].port);
    if (d->http.home != NULL)
        printf(_("Hub   http://%s:%u/  every socket call above, drawn live\n"), h,
               sv[NETDEMO_HTTP].port);
    else
        printf(_("Hub   none: %s has no %s\n"), d->http.docroot, NETDEMO_HUB_PAGE);
    printf("%s", _("Ctrl-C stops them all.\n"));
    fflush(stdout);
}

/* --- main --------------------------------------------------------------------- */

static int netdemo_start(struct netdemo *d, int argc, char *argv[])
{
    const struct cli_syntax syntax = {
        .prog = "netdemo",
        .version_prog = "netdemo",
        .usage = netdemo_usage,
        .takes = CLI_TAKES_HOST | CLI_TAKES_QUIET,
        .default_host = "127.0.0.1",
        .options = netdemo_options,
        .short_options = "",
        .option = netdemo_option,
    };
    struct cli_common common;
    char err[CLI_ERR_LEN];

    for (int i = 0; i < NETDEMO_SERVICES; i++)
        if (d->services[i].srv == NULL)
            return cli_error("netdemo", CLI_EXIT_FAILURE, "%s", _("malloc: out of memory"));
    int rc = cli_parse(&syntax, d, argc, argv, &common);
    if (rc != -1)
        return rc;
    d->host = common.host;
    d->ring = ring_create(NETDEMO_RING_SLOTS, TRACE_RING_RECORD_SIZE, err);
    if (d->ring == NULL)
        return cli_error("netdemo", CLI_EXIT_FAILURE, "%s", err);
    rc = netdemo_configure(d, &common, err);
    if (rc != CLI_EXIT_OK)
        return cli_error("netdemo", rc, "%s", err);
    /* the hub's button needs a place for the report it makes */
    if (netdemo_report_path("report.json", d->report_json, sizeof d->report_json) != NULL) {
        d->job_http = (struct http_compare_job){compare_job_control, &d->job, d->report_json};
        d->http.compare_job = &d->job_http;
    }
    if (host_is_any(d->host))
        netdemo_find_addresses(d, strchr(d->host, ':') != NULL);
    if (stop_watch_signals(err) == -1)
        return cli_error("netdemo", CLI_EXIT_FAILURE, "%s", err);
    /* Before any server binds its tracer: they all write to this ring. */
    trace_attach_ring(d->ring);
    if (netdemo_open(d, err) == -1)
        return cli_error("netdemo", CLI_EXIT_FAILURE, "%s", err);
    netdemo_about(d);
    netdemo_announce(d);
    /* each server's line per caller, after the announcement; not with
     * --trace, which narrates every call already */
    if (!common.quiet && !common.trace)
        lecture_start(true);
    rc = netdemo_start_threads(d, err) == -1 ? cli_error("netdemo", CLI_EXIT_FAILURE, "%s", err)
                                             : CLI_EXIT_OK;
    int joined = netdemo_join(d);
    lecture_end();
    netdemo_close(d);
    return rc != CLI_EXIT_OK ? rc : joined;
}

int netdemo_run(int argc, char *argv[])
{
    struct netdemo *d = netdemo_new();
    if (d == NULL)
        return cli_error("netdemo", CLI_EXIT_FAILURE, "%s", _("malloc: out of memory"));
    compare_job_init(&d->job);
    int rc = netdemo_start(d, argc, argv);
    compare_job_end(&d->job); /* a comparison the button started, if still going */
    trace_attach_ring(NULL);
    ring_destroy(d->ring);
    netdemo_free(d);
    return rc;
}

int main(int argc, char *argv[])
{
    i18n_init(); /* before any thread: the language, and text previews on a UTF-8 terminal */
    if (argc > 1 && strcmp(argv[1], "compare") == 0)
        return netdemo_compare_main(argc - 1, argv + 1);
    return netdemo_run(argc, argv);
}
