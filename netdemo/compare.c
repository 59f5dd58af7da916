/*
 * compare.c - `netdemo compare`: the same small workloads over TCP, UDP,
 * HTTP and FTP, measured on this machine, as a table for the lecture.
 *
 * It starts its own four servers on free loopback ports (servers.c) and
 * drives them from this thread with plain socket calls and the project's
 * FTP client code, never by running its own programs. Each workload runs
 * --repeat times; the table shows the median of the runs and their range.
 *
 *   1. the first byte: one small request and its reply, from nothing (a
 *      new connection for TCP, HTTP/1.0 and FTP), or over a connection
 *      already open (HTTP/1.1 keep-alive), or with no connection (UDP);
 *   2. round trips: --count small requests one after another;
 *   3. bulk: --size bytes one way, over TCP (to a discard server), HTTP
 *      and FTP, with what the kernel saw of it (TCP_INFO);
 *   4. loss: --count datagrams through a UDP server that drops --drop
 *      percent, plain (what is lost) and with udp-demo ping's reliable
 *      mode (what getting everything there costs);
 *   5. message boundaries: udp-demo boundaries' three writes, as a row.
 *
 * The servers serve a folder it makes for the run, so the files it fetches
 * are there whatever the bundled site holds.
 */
#include "netdemo.h"
#include "chart.h"
#include "stats.h"
#include "tcpinfo.h"

#include "cli.h"
#include "io.h"
#include "net.h"

#include "clients/ftp_client.h"
#include "clients/udp_client.h"
#include "udp/udp_demo.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#define COMPARE_MESSAGE      "dream is handsome" /* the seed's words, 17 bytes */
#define COMPARE_TRIALS       21                  /* first-byte tries in one run: a median */
#define COMPARE_WAIT_MS      5000                /* any one answer */
#define COMPARE_HTTP_FILE    "/files/dream.txt"  /* a tiny file of the bundled site */
#define COMPARE_FTP_FILE     "readme.txt"        /* a tiny file of the bundled sample */
#define COMPARE_MAX_COUNT    1000000
#define COMPARE_MAX_REPEAT   100
#define COMPARE_RESPONSE_MAX 8192 /* a response to the tiny file, head and body */
#define COMPARE_BULK_FILE    "bulk.bin"
#define COMPARE_LOSS_WAIT_MS 20   /* a loss row's wait for a reply, and the first RTO */
#define COMPARE_LOSS_SIZE    56   /* bytes a datagram, as ping's */
#define COMPARE_LOSS_MAX     1000 /* datagrams in a loss run, at most: each lost one waits */
#define COMPARE_CHUNK        (256 * 1024)       /* one send() or recv() of the bulk */
#define COMPARE_SIZE_DEFAULT (64 * 1024 * 1024) /* --size */
#define COMPARE_SIZE_MAX     (16ULL << 30)

static const char compare_usage[] =
    "usage: netdemo compare [--size BYTES] [--count N] [--repeat R] [--drop PERCENT]\n"
    "                       [--only tcp,udp,http,ftp] [--out DIR] [--json]\n"
    "\n"
    "Run the same small workloads over TCP, UDP, HTTP and FTP, on this machine,\n"
    "with netdemo's own servers on free loopback ports, and print what each costs:\n"
    "  1. the first byte: one small request and its reply, from nothing;\n"
    "  2. round trips: N small requests, one after another;\n"
    "  3. bulk: BYTES one way over TCP, HTTP and FTP, and what the kernel saw;\n"
    "  4. loss: N datagrams (1000 at most) through a server that drops PERCENT of\n"
    "     them, plain and with the reliable mode (what TCP adds, made small);\n"
    "  5. message boundaries: three writes, and the reads TCP and UDP need.\n"
    "Each workload runs R times; the table shows the median and the range.\n"
    "\n"
    "      --size BYTES  the bulk transfer's size, K/M/G for KiB/MiB/GiB (default 64M)\n"
    "      --count N     requests in the round-trip workload (default 1000)\n"
    "      --repeat R    runs of each workload (default 5)\n"
    "      --drop PERCENT  the loss rows' server drops this share (default 10)\n"
    "      --only LIST   the protocols to run, of tcp, udp, http, ftp (default all)\n"
    "      --out DIR     also write DIR/report.json and DIR/report.html (charts, in\n"
    "                    English and Chinese, for a projector)\n"
    "      --json        print every figure, and the machine's facts, as JSON\n"
    "  -h, --help        show this help\n"
    "      --version     print the version and exit\n"
    "\n"
    "Exit: 0 ok, 1 a server or a measurement failed, 2 bad usage.\n";

enum { ONLY_TCP = 1, ONLY_UDP = 2, ONLY_HTTP = 4, ONLY_FTP = 8, ONLY_ALL = 15 };

struct compare_options {
    uint64_t size;
    long count, repeat, drop;
    unsigned only; /* ONLY_* bits */
    bool json;
    const char *out; /* --out DIR, or NULL */
};

/* The datagrams of a loss run: --count, up to COMPARE_LOSS_MAX (a plain
 * run waits COMPARE_LOSS_WAIT_MS on each lost one). */
static long loss_datagrams(const struct compare_options *o)
{
    return o->count < COMPARE_LOSS_MAX ? o->count : COMPARE_LOSS_MAX;
}

enum { OPT_COUNT = 3000, OPT_REPEAT, OPT_ONLY, OPT_JSON, OPT_SIZE, OPT_DROP, OPT_OUT };

/* "64M", "1048576", "2G": bytes, with K, M and G as powers of 1024. */
static int parse_size(const char *text, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    unsigned shift = *end == 'K' ? 10 : *end == 'M' ? 20 : *end == 'G' ? 30 : 0;
    if (shift != 0)
        end++;
    if (errno != 0 || end == text || *end != '\0' || text[0] == '-' || v == 0 ||
        v > (COMPARE_SIZE_MAX >> shift))
        return -1;
    *out = (uint64_t)v << shift;
    return 0;
}

static int compare_option(void *ctx, int ch, const char *arg, char *err)
{
    struct compare_options *o = ctx;
    switch (ch) {
    case OPT_COUNT:
        if (cli_parse_long(arg, 1, COMPARE_MAX_COUNT, &o->count) == -1)
            return cli_reason(err, "invalid --count '%s': a number from 1 to %d", arg,
                              COMPARE_MAX_COUNT);
        return 0;
    case OPT_REPEAT:
        if (cli_parse_long(arg, 1, COMPARE_MAX_REPEAT, &o->repeat) == -1)
            return cli_reason(err, "invalid --repeat '%s': a number from 1 to %d", arg,
                              COMPARE_MAX_REPEAT);
        return 0;
    case OPT_ONLY: {
        char list[64];
        snprintf(list, sizeof list, "%s", arg);
        o->only = 0;
        char *save = NULL;
        for (char *w = strtok_r(list, ",", &save); w != NULL; w = strtok_r(NULL, ",", &save)) {
            unsigned bit = strcmp(w, "tcp") == 0    ? ONLY_TCP
                           : strcmp(w, "udp") == 0  ? ONLY_UDP
                           : strcmp(w, "http") == 0 ? ONLY_HTTP
                           : strcmp(w, "ftp") == 0  ? ONLY_FTP
                                                    : 0;
            if (bit == 0)
                return cli_reason(err, "--only: unknown protocol '%s': use tcp, udp, http, ftp", w);
            o->only |= bit;
        }
        if (o->only == 0)
            return cli_reason(err, "--only: name at least one of tcp, udp, http, ftp");
        return 0;
    }
    case OPT_JSON:
        o->json = true;
        return 0;
    case OPT_OUT:
        o->out = arg;
        return 0;
    case OPT_DROP:
        if (cli_parse_long(arg, 1, 100, &o->drop) == -1)
            return cli_reason(err, "invalid --drop '%s': a percentage from 1 to 100", arg);
        return 0;
    case OPT_SIZE:
        if (parse_size(arg, &o->size) == -1)
            return cli_reason(err, "invalid --size '%s': bytes from 1 to 16G (K, M, G allowed)",
                              arg);
        return 0;
    default:
        return 0;
    }
}

/* --- measuring ---------------------------------------------------------------- */

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static double us_since(int64_t t0)
{
    return (double)(now_ns() - t0) / 1000.0;
}

/* Wait for fd to be readable, at most COMPARE_WAIT_MS. */
static int wait_readable(int fd, char *err)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int rc = io_poll(&p, 1, COMPARE_WAIT_MS);
    if (rc == 1)
        return 0;
    snprintf(err, NET_ERR_LEN, "%s", rc == 0 ? "no answer within 5 s" : strerror(errno));
    return -1;
}

/* Read exactly n bytes of an answer. */
static int read_answer(int fd, char *buf, size_t n, char *err)
{
    size_t got = 0;
    while (got < n) {
        if (wait_readable(fd, err) == -1)
            return -1;
        ssize_t r = io_read_some(fd, buf + got, n - got);
        if (r <= 0) {
            snprintf(err, NET_ERR_LEN, "recv: %s", r == 0 ? "the server hung up" : strerror(errno));
            return -1;
        }
        got += (size_t)r;
    }
    return 0;
}

/* Send the seed's message on fd and read the 17 bytes of its answer. */
static int say(int fd, char *err)
{
    char answer[sizeof COMPARE_MESSAGE];
    size_t len = sizeof COMPARE_MESSAGE - 1;
    if (send(fd, COMPARE_MESSAGE, len, MSG_NOSIGNAL) != (ssize_t)len) {
        snprintf(err, NET_ERR_LEN, "send: %s", strerror(errno));
        return -1;
    }
    return read_answer(fd, answer, len, err);
}

/* One HTTP response to a request for the tiny file: its head and its
 * Content-Length body (or, for HTTP/1.0, all until the server closes). */
static int http_exchange(int fd, bool keep_alive, char *err)
{
    const char *req = keep_alive ? "GET " COMPARE_HTTP_FILE " HTTP/1.1\r\nHost: netdemo\r\n\r\n"
                                 : "GET " COMPARE_HTTP_FILE " HTTP/1.0\r\n\r\n";
    char resp[COMPARE_RESPONSE_MAX];
    if (io_write_all(fd, req, strlen(req)) == -1) {
        snprintf(err, NET_ERR_LEN, "send: %s", strerror(errno));
        return -1;
    }
    size_t got = 0, want = SIZE_MAX;
    while (got < want) {
        if (wait_readable(fd, err) == -1)
            return -1;
        ssize_t r = io_read_some(fd, resp + got, sizeof resp - 1 - got);
        if (r == 0 && !keep_alive)
            break;
        if (r <= 0) {
            snprintf(err, NET_ERR_LEN, "recv: %s", r == 0 ? "the server hung up" : strerror(errno));
            return -1;
        }
        got += (size_t)r;
        resp[got] = '\0';
        const char *end = strstr(resp, "\r\n\r\n");
        const char *len = strstr(resp, "Content-Length: ");
        if (keep_alive && end != NULL && len != NULL && want == SIZE_MAX)
            want = (size_t)(end + 4 - resp) + strtoul(len + 16, NULL, 10);
    }
    if (strncmp(resp, "HTTP/1.1 200 ", 13) != 0) {
        snprintf(err, NET_ERR_LEN, "GET %s: %.40s", COMPARE_HTTP_FILE, resp);
        return -1;
    }
    return 0;
}

static int dial(uint16_t port, int type, char *err)
{
    struct net_endpoint ep;
    net_endpoint_from_host_port("127.0.0.1", port, &ep, err);
    return type == SOCK_DGRAM ? net_udp_connect(&ep, err) : net_connect(&ep, COMPARE_WAIT_MS, err);
}

/* --- 1. the first byte ----------------------------------------------------------- */

/* One way to get a first reply, and what it costs by construction. */
struct first_byte {
    const char *name;
    unsigned only;
    int round_trips; /* waits for the other side: handshakes, request/replies */
    int connections; /* opened for this one exchange */
    const char *what;
    /* one try; returns its time in µs, or -1 with err */
    double (*try)(struct netdemo *d, int *keep, char *err);
};

/* A new connection to port, one exchange on it, closed: the time to the
 * end of the answer, in µs, or -1. */
static double on_a_new_connection(uint16_t port, int (*exchange)(int fd, char *err), char *err)
{
    int64_t t0 = now_ns();
    int fd = dial(port, SOCK_STREAM, err);
    if (fd == -1)
        return -1;
    int rc = exchange(fd, err);
    double us = us_since(t0);
    close(fd);
    return rc == -1 ? -1 : us;
}

static double first_tcp(struct netdemo *d, int *keep, char *err)
{
    (void)keep;
    return on_a_new_connection(d->services[NETDEMO_TCP].port, say, err);
}

static double first_udp(struct netdemo *d, int *keep, char *err)
{
    if (*keep == -1 && (*keep = dial(d->services[NETDEMO_UDP].port, SOCK_DGRAM, err)) == -1)
        return -1;
    int64_t t0 = now_ns();
    return say(*keep, err) == -1 ? -1 : us_since(t0);
}

static int http10_exchange(int fd, char *err)
{
    return http_exchange(fd, false, err);
}

static double first_http10(struct netdemo *d, int *keep, char *err)
{
    (void)keep;
    return on_a_new_connection(d->services[NETDEMO_HTTP].port, http10_exchange, err);
}

static double first_http11(struct netdemo *d, int *keep, char *err)
{
    if (*keep == -1) { /* opened, and used once, before the clock starts */
        *keep = dial(d->services[NETDEMO_HTTP].port, SOCK_STREAM, err);
        if (*keep == -1 || http_exchange(*keep, true, err) == -1)
            return -1;
    }
    int64_t t0 = now_ns();
    return http_exchange(*keep, true, err) == -1 ? -1 : us_since(t0);
}

static double first_ftp(struct netdemo *d, int *keep, char *err)
{
    struct ftp_conn c;
    struct net_endpoint ep;
    if (*keep == -1 && (*keep = open("/dev/null", O_WRONLY | O_CLOEXEC)) == -1) {
        snprintf(err, NET_ERR_LEN, "/dev/null: %s", strerror(errno));
        return -1;
    }
    net_endpoint_from_host_port("127.0.0.1", d->services[NETDEMO_FTP].port, &ep, err);
    int64_t t0 = now_ns();
    if (ftp_conn_open(&c, &ep, FTP_CLIENT_TIMEOUT_MS, false, err) == -1)
        return -1;
    c.passive = true;
    int rc = ftp_conn_login(&c, NULL, NULL, err);
    if (rc == 0)
        rc = ftp_conn_retr(&c, COMPARE_FTP_FILE, *keep, 0, err);
    double us = us_since(t0);
    ftp_conn_close(&c);
    return rc == -1 ? -1 : us;
}

static const struct first_byte first_bytes[] = {
    {"TCP", ONLY_TCP, 2, 1, "connect, send, receive", first_tcp},
    {"UDP", ONLY_UDP, 1, 0, "send, receive", first_udp},
    {"HTTP/1.0", ONLY_HTTP, 2, 1, "a new connection per request", first_http10},
    {"HTTP/1.1", ONLY_HTTP, 1, 0, "a connection kept open", first_http11},
    {"FTP", ONLY_FTP, 7, 2, "login, EPSV, RETR of a tiny file", first_ftp},
};
#define FIRST_BYTES (sizeof first_bytes / sizeof first_bytes[0])

/* --- 2. round trips ---------------------------------------------------------- */

struct round_trip {
    const char *name;
    unsigned only;
    enum { RT_TCP, RT_UDP, RT_HTTP } kind;
};

static const struct round_trip round_trips[] = {
    {"TCP", ONLY_TCP, RT_TCP},
    {"UDP", ONLY_UDP, RT_UDP},
    {"HTTP/1.1", ONLY_HTTP, RT_HTTP},
};
#define ROUND_TRIPS (sizeof round_trips / sizeof round_trips[0])

/* One run: count request/replies on one socket; their RTTs (µs) into rtt,
 * the rate into *per_s. Returns 0 or -1. */
static int round_trip_run(struct netdemo *d, const struct round_trip *w, long count, double *rtt,
                          double *per_s, char *err)
{
    int service = w->kind == RT_TCP ? NETDEMO_TCP : w->kind == RT_UDP ? NETDEMO_UDP : NETDEMO_HTTP;
    int fd = dial(d->services[service].port, w->kind == RT_UDP ? SOCK_DGRAM : SOCK_STREAM, err);
    if (fd == -1)
        return -1;
    if (w->kind != RT_UDP)
        net_set_nodelay(fd, NULL);
    int rc = 0;
    int64_t start = now_ns();
    for (long i = 0; i < count && rc == 0; i++) {
        int64_t t0 = now_ns();
        rc = w->kind == RT_HTTP ? http_exchange(fd, true, err) : say(fd, err);
        rtt[i] = us_since(t0);
    }
    *per_s = (double)count / ((double)(now_ns() - start) / 1e9);
    close(fd);
    return rc;
}

/* --- 3. bulk -------------------------------------------------------------------- */

/* What a bulk or loss run needs besides netdemo's four servers. */
struct bulk_ctx {
    struct netdemo *d;
    uint16_t sink_port;  /* the discard server's */
    uint16_t lossy_port; /* the UDP server that drops --drop percent */
    uint64_t size;
    int devnull;
    char *chunk; /* COMPARE_CHUNK bytes */
};

/* One bulk run's result. */
struct bulk_run {
    double seconds;
    bool has_info; /* the kernel's view of the connection the data took */
    struct tcpinfo info;
};

/* Read until the peer closes, or until want bytes came (want 0: till
 * close). Returns the bytes read, or -1 with err. */
static int64_t drain(int fd, char *buf, uint64_t want, char *err)
{
    uint64_t got = 0;
    while (want == 0 || got < want) {
        if (wait_readable(fd, err) == -1)
            return -1;
        ssize_t r = io_read_some(fd, buf, COMPARE_CHUNK);
        if (r == 0)
            break;
        if (r == -1) {
            snprintf(err, NET_ERR_LEN, "recv: %s", strerror(errno));
            return -1;
        }
        got += (uint64_t)r;
    }
    return (int64_t)got;
}

/* A new connection to port, one transfer on it, timed from the connect
 * to the transfer's end, with the kernel's view of it. Returns 0 or -1. */
static int bulk_on_a_new_connection(struct bulk_ctx *c, uint16_t port,
                                    int (*transfer)(struct bulk_ctx *c, int fd, char *err),
                                    struct bulk_run *out, char *err)
{
    int64_t t0 = now_ns();
    int fd = dial(port, SOCK_STREAM, err);
    if (fd == -1)
        return -1;
    int rc = transfer(c, fd, err);
    out->seconds = (double)(now_ns() - t0) / 1e9;
    out->has_info = tcpinfo_read(fd, &out->info) == 0;
    close(fd);
    return rc;
}

/* TCP: size bytes to the discard server, then a half-close; the server's
 * close says it has read them all. */
static int tcp_send_all(struct bulk_ctx *c, int fd, char *err)
{
    for (uint64_t sent = 0; sent < c->size;) {
        size_t n = c->size - sent < COMPARE_CHUNK ? (size_t)(c->size - sent) : COMPARE_CHUNK;
        if (io_write_all(fd, c->chunk, n) == -1) {
            snprintf(err, NET_ERR_LEN, "send: %s", strerror(errno));
            return -1;
        }
        sent += n;
    }
    shutdown(fd, SHUT_WR);
    return drain(fd, c->chunk, 0, err) == -1 ? -1 : 0;
}

static int bulk_tcp(struct bulk_ctx *c, struct bulk_run *out, char *err)
{
    return bulk_on_a_new_connection(c, c->sink_port, tcp_send_all, out, err);
}

/* HTTP: GET the file, head and body. */
static int http_get_bulk(struct bulk_ctx *c, int fd, char *err)
{
    static const char req[] = "GET /" COMPARE_BULK_FILE " HTTP/1.1\r\nHost: netdemo\r\n\r\n";
    if (io_write_all(fd, req, sizeof req - 1) == -1) {
        snprintf(err, NET_ERR_LEN, "send: %s", strerror(errno));
        return -1;
    }
    /* the head, and whatever part of the body came with it */
    size_t got = 0;
    char *end = NULL;
    while (end == NULL) {
        if (got + 1 >= COMPARE_RESPONSE_MAX || wait_readable(fd, err) == -1)
            return -1;
        ssize_t r = io_read_some(fd, c->chunk + got, COMPARE_RESPONSE_MAX - 1 - got);
        if (r <= 0) {
            snprintf(err, NET_ERR_LEN, "recv: the server hung up in the head");
            return -1;
        }
        got += (size_t)r;
        c->chunk[got] = '\0';
        end = strstr(c->chunk, "\r\n\r\n");
    }
    uint64_t body = got - (size_t)(end + 4 - c->chunk);
    if (strncmp(c->chunk, "HTTP/1.1 200 ", 13) != 0) {
        snprintf(err, NET_ERR_LEN, "GET /%s: %.40s", COMPARE_BULK_FILE, c->chunk);
        return -1;
    }
    int64_t rest = body < c->size ? drain(fd, c->chunk, c->size - body, err) : 0;
    if (rest == -1)
        return -1;
    if (body + (uint64_t)rest != c->size) {
        snprintf(err, NET_ERR_LEN, "GET /%s: %llu bytes, not %llu", COMPARE_BULK_FILE,
                 (unsigned long long)(body + (uint64_t)rest), (unsigned long long)c->size);
        return -1;
    }
    return 0;
}

static int bulk_http(struct bulk_ctx *c, struct bulk_run *out, char *err)
{
    return bulk_on_a_new_connection(c, c->d->services[NETDEMO_HTTP].port, http_get_bulk, out, err);
}

/* FTP: RETR over an open, logged-in session; the clock runs from the
 * data connection's EPSV to the 226. */
static int bulk_ftp(struct bulk_ctx *c, struct bulk_run *out, char *err)
{
    struct ftp_conn fc;
    struct net_endpoint ep;
    net_endpoint_from_host_port("127.0.0.1", c->d->services[NETDEMO_FTP].port, &ep, err);
    if (ftp_conn_open(&fc, &ep, FTP_CLIENT_TIMEOUT_MS, false, err) == -1)
        return -1;
    fc.passive = true;
    int rc = ftp_conn_login(&fc, NULL, NULL, err);
    int64_t t0 = now_ns();
    if (rc == 0)
        rc = ftp_conn_retr(&fc, COMPARE_BULK_FILE, c->devnull, 0, err);
    out->seconds = (double)(now_ns() - t0) / 1e9;
    out->has_info = false; /* the data connection lives inside the FTP client */
    ftp_conn_close(&fc);
    return rc;
}

struct bulk {
    const char *name;
    unsigned only;
    int (*run)(struct bulk_ctx *c, struct bulk_run *out, char *err);
};

static const struct bulk bulks[] = {
    {"TCP", ONLY_TCP, bulk_tcp},
    {"HTTP", ONLY_HTTP, bulk_http},
    {"FTP", ONLY_FTP, bulk_ftp},
};
#define BULKS (sizeof bulks / sizeof bulks[0])

/* A server of its own for one workload, beside netdemo's four: the
 * discard sink of the TCP bulk row, the lossy UDP server of the loss rows. */
struct extra {
    const struct server_ops *ops;
    void *srv; /* ops->server_size bytes */
    struct stop stop;
    pthread_t thread;
    bool opened, started;
    int rc;
    char err[CLI_ERR_LEN];
};

static void *extra_serve(void *arg)
{
    struct extra *x = arg;
    x->rc = x->ops->serve(x->srv, x->err);
    return NULL;
}

/* Open a server with config (as ops->open takes it) and serve it in a
 * thread. Returns 0, or -1 with err; extra_end() cleans up either way. */
static int extra_start(struct extra *x, const struct server_ops *ops, const void *config, char *err)
{
    x->ops = ops;
    x->srv = calloc(1, ops->server_size);
    if (x->srv == NULL)
        return cli_reason(err, "out of memory");
    if (stop_open(&x->stop, err) == -1 || ops->open(x->srv, config, &x->stop, err) == -1)
        return -1;
    x->opened = true;
    x->started = pthread_create(&x->thread, NULL, extra_serve, x) == 0;
    return x->started ? 0 : cli_reason(err, "pthread_create: out of threads");
}

static void extra_end(struct extra *x)
{
    if (x->started) {
        stop_request(&x->stop);
        pthread_join(x->thread, NULL);
    }
    if (x->opened)
        x->ops->close(x->srv);
    stop_close(&x->stop);
    free(x->srv);
}

/* The discard server for the TCP bulk row: tcp-demo's, in discard mode
 * (RFC 863), so the figure is one way, as iperf3's is. */
static int sink_start(struct extra *x, char *err)
{
    struct tcp_config c;
    tcp_config_defaults(&c);
    c.mode = TCP_MODE_DISCARD;
    net_endpoint_from_host_port("127.0.0.1", 0, &c.endpoint, err);
    return extra_start(x, &tcp_server_ops, &c, err);
}

/* The UDP server of the loss rows: udp-demo's, losing --drop percent of
 * what it receives, with a fixed seed so that runs can be repeated. */
static int lossy_start(struct extra *x, unsigned drop, char *err)
{
    struct udp_config c;
    udp_config_defaults(&c);
    c.drop_percent = drop;
    c.seed = 1;
    net_endpoint_from_host_port("127.0.0.1", 0, &c.endpoint, err);
    return extra_start(x, &udp_server_ops, &c, err);
}

/* --- the folder the servers serve ---------------------------------------------- */

static int write_file(const char *dir, const char *name, const char *data, uint64_t size, char *err)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd == -1)
        return cli_reason(err, "%s: %s", path, strerror(errno));
    int rc = 0;
    for (uint64_t done = 0; done < size && rc != -1;) {
        size_t n = size - done < COMPARE_CHUNK ? (size_t)(size - done) : COMPARE_CHUNK;
        rc = io_write_all(fd, data, n) == -1 ? -1 : 0;
        done += n;
    }
    if (close(fd) == -1 || rc == -1)
        return cli_reason(err, "%s: %s", path, strerror(errno));
    return 0;
}

/* A folder for both servers: the tiny files of workload 1 and the bulk
 * file. Returns 0, or -1 with err. */
static int content_make(char *dir, uint64_t size, char *chunk, char *err)
{
    for (size_t i = 0; i < COMPARE_CHUNK; i++)
        chunk[i] = (char)('a' + i * 7 % 26); /* text, any bytes would do */
    char files[PATH_MAX];
    if (mkdtemp(dir) == NULL)
        return cli_reason(err, "mkdtemp: %s", strerror(errno));
    snprintf(files, sizeof files, "%s/files", dir);
    if (mkdir(files, 0755) == -1)
        return cli_reason(err, "%s: %s", files, strerror(errno));
    if (write_file(dir, "files/dream.txt", COMPARE_MESSAGE "\n", sizeof COMPARE_MESSAGE, err) ==
            -1 ||
        write_file(dir, COMPARE_FTP_FILE, COMPARE_MESSAGE "\n", sizeof COMPARE_MESSAGE, err) ==
            -1 ||
        write_file(dir, COMPARE_BULK_FILE, chunk, size, err) == -1)
        return -1;
    return 0;
}

static void content_remove(const char *dir)
{
    char path[PATH_MAX];
    static const char *const names[] = {"files/dream.txt", "files", COMPARE_FTP_FILE,
                                        COMPARE_BULK_FILE};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (unlink(path) == -1)
            rmdir(path);
    }
    rmdir(dir);
}

/* --- the report ----------------------------------------------------------------- */

struct results {
    struct stats_range first[FIRST_BYTES]; /* µs */
    bool first_ran[FIRST_BYTES];
    struct stats_range rate[ROUND_TRIPS], p50[ROUND_TRIPS], p99[ROUND_TRIPS];
    bool rt_ran[ROUND_TRIPS];
    struct stats_range mib_s[BULKS]; /* MiB a second */
    struct bulk_run last[BULKS];     /* the last run's kernel figures */
    bool bulk_ran[BULKS];
    struct udp_boundaries bounds; /* udp-demo boundaries' lesson */
    bool bounds_ran;
    /* loss: plain UDP (lost), reliable (retransmissions, seconds) */
    struct stats_range lost_pct, resent, plain_s, reliable_s;
    unsigned long delivered; /* in the last reliable run */
    bool loss_ran;
};

/* Bytes on the wire of a bulk run: the payload and every segment's headers,
 * both ways (the ACKs too). 0 when the kernel's view is not known. */
static uint64_t wire_bytes(const struct bulk_run *b, uint64_t payload)
{
    if (!b->has_info)
        return 0;
    return payload + ((uint64_t)b->info.segs_out + b->info.segs_in) * TCPINFO_HEADER_BYTES;
}

/* "64.0 MiB", "1.5 GiB", "512 KiB", "17 B" */
static const char *bytes_text(uint64_t n, char *buf, size_t len)
{
    if (n >= 1ULL << 30)
        snprintf(buf, len, "%.1f GiB", (double)n / (1ULL << 30));
    else if (n >= 1ULL << 20)
        snprintf(buf, len, "%.1f MiB", (double)n / (1ULL << 20));
    else if (n >= 1ULL << 10)
        snprintf(buf, len, "%.1f KiB", (double)n / (1ULL << 10));
    else
        snprintf(buf, len, "%llu B", (unsigned long long)n);
    return buf;
}

struct machine {
    char kernel[128], cpu[128], date[32];
    long cores;
};

static void machine_facts(struct machine *m)
{
    struct utsname u;
    snprintf(m->kernel, sizeof m->kernel, "%s", uname(&u) == 0 ? u.release : "unknown");
    snprintf(m->cpu, sizeof m->cpu, "unknown");
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[256];
    while (f != NULL && fgets(line, sizeof line, f) != NULL) {
        char *colon = strchr(line, ':');
        if (strncmp(line, "model name", 10) == 0 && colon != NULL) {
            snprintf(m->cpu, sizeof m->cpu, "%.*s", (int)strcspn(colon + 2, "\n"), colon + 2);
            break;
        }
    }
    if (f != NULL)
        fclose(f);
    m->cores = sysconf(_SC_NPROCESSORS_ONLN);
    time_t now = time(NULL);
    strftime(m->date, sizeof m->date, "%Y-%m-%d %H:%M UTC", gmtime(&now));
}

/* "61 us (58-70)", or in ms from 10 ms up. */
static const char *time_text(struct stats_range r, char *buf, size_t len)
{
    if (r.median >= 10000)
        snprintf(buf, len, "%.1f ms (%.1f-%.1f)", r.median / 1000, r.min / 1000, r.max / 1000);
    else
        snprintf(buf, len, "%.0f us (%.0f-%.0f)", r.median, r.min, r.max);
    return buf;
}

static void print_bulk(const struct compare_options *o, const struct results *r);
static void print_loss(const struct compare_options *o, const struct results *r);

static void print_table(const struct compare_options *o, const struct results *r,
                        const struct machine *m)
{
    char a[64], b[64], c[64];
    printf("netdemo compare: %s, Linux %s, %ld cores, %s\n", m->date, m->kernel, m->cores, m->cpu);
    printf("Each figure: the median of %ld run%s (lowest-highest), all on 127.0.0.1.\n\n",
           o->repeat, o->repeat == 1 ? "" : "s");

    printf("1. The first byte: one small request and its reply\n\n");
    printf("   %-9s %-24s %-12s %-12s %s\n", "protocol", "time", "round trips", "connections",
           "how");
    for (size_t i = 0; i < FIRST_BYTES; i++)
        if (r->first_ran[i])
            printf("   %-9s %-24s %-12d %-12d %s\n", first_bytes[i].name,
                   time_text(r->first[i], a, sizeof a), first_bytes[i].round_trips,
                   first_bytes[i].connections, first_bytes[i].what);
    printf("\n   A round trip is a wait for the other side: a TCP handshake, or a request\n"
           "   and its reply. UDP needs no connection; HTTP/1.1 reuses one; FTP opens two:\n"
           "   one for its commands, one for the file.\n\n");

    printf("2. Round trips: %ld small requests, one after another, on one socket\n\n", o->count);
    printf("   %-9s %-24s %-24s %s\n", "protocol", "requests/s", "RTT p50", "RTT p99");
    for (size_t i = 0; i < ROUND_TRIPS; i++) {
        if (!r->rt_ran[i])
            continue;
        snprintf(a, sizeof a, "%.0f (%.0f-%.0f)", r->rate[i].median, r->rate[i].min,
                 r->rate[i].max);
        printf("   %-9s %-24s %-24s %s\n", round_trips[i].name, a,
               time_text(r->p50[i], b, sizeof b), time_text(r->p99[i], c, sizeof c));
    }
    printf("\n   p50: half the requests were answered faster; p99: all but one in a hundred.\n"
           "   An HTTP request carries a head of some 40 bytes and its response some 300,\n"
           "   where the TCP and UDP ones carry the 17 bytes of the seed's message.\n");

    print_bulk(o, r);
    print_loss(o, r);
    if (r->bounds_ran)
        printf("\n5. Message boundaries: the seed's words in %d writes\n\n"
               "   %-9s %d read%-8s a byte stream: the writes run together\n"
               "   %-9s %d read%-8s datagrams: each write arrives on its own\n",
               r->bounds.writes, "TCP", r->bounds.tcp_reads, r->bounds.tcp_reads == 1 ? "" : "s",
               "UDP", r->bounds.udp_reads, r->bounds.udp_reads == 1 ? "" : "s");
}

/* Section 4 of the table, when the loss rows ran. */
static void print_loss(const struct compare_options *o, const struct results *r)
{
    char a[64], b[64];
    if (!r->loss_ran)
        return;
    printf("\n4. Loss: %ld datagrams through a server that drops %ld%% of them\n\n",
           loss_datagrams(o), o->drop);
    snprintf(a, sizeof a, "%.1f%% (%.1f-%.1f)", r->lost_pct.median, r->lost_pct.min,
             r->lost_pct.max);
    snprintf(b, sizeof b, "%.2f s (%.2f-%.2f)", r->plain_s.median, r->plain_s.min, r->plain_s.max);
    printf("   %-15s lost %-22s in %s\n", "UDP", a, b);
    snprintf(a, sizeof a, "%.0f (%.0f-%.0f)", r->resent.median, r->resent.min, r->resent.max);
    snprintf(b, sizeof b, "%.2f s (%.2f-%.2f)", r->reliable_s.median, r->reliable_s.min,
             r->reliable_s.max);
    printf("   %-15s none lost: %lu of %ld in order, %s resent, in %s\n", "UDP, reliable",
           r->delivered, o->count, a, b);
    printf("\n   Plain UDP says nothing of what it lost: the sender only sees no reply, and\n"
           "   waits %d ms for each before the next. The reliable mode numbers the datagrams,\n"
           "   keeps several in flight, and sends again what is not acknowledged in time,\n"
           "   as TCP does. TCP on loopback loses nothing (the bulk rows' 'resent').\n",
           COMPARE_LOSS_WAIT_MS);
}

/* Section 3 of the table, when a bulk row ran. */
static void print_bulk(const struct compare_options *o, const struct results *r)
{
    char a[64], c[64];
    bool any = false;
    for (size_t i = 0; i < BULKS; i++)
        any |= r->bulk_ran[i];
    if (!any)
        return;
    printf("\n3. Bulk: %s one way\n\n", bytes_text(o->size, a, sizeof a));
    printf("   %-9s %-24s %-16s %s\n", "protocol", "MiB/s", "on the wire", "the kernel's view");
    for (size_t i = 0; i < BULKS; i++) {
        if (!r->bulk_ran[i])
            continue;
        const struct bulk_run *run = &r->last[i];
        uint64_t wire = wire_bytes(run, o->size);
        snprintf(a, sizeof a, "%.0f (%.0f-%.0f)", r->mib_s[i].median, r->mib_s[i].min,
                 r->mib_s[i].max);
        char w[32];
        if (wire > 0)
            snprintf(c, sizeof c, "%s +%.2f%%", bytes_text(wire, w, sizeof w),
                     100.0 * (double)(wire - o->size) / (double)o->size);
        printf("   %-9s %-24s %-16s ", bulks[i].name, a, wire > 0 ? c : "-");
        if (run->has_info)
            printf("rtt %u us, cwnd %u, %u resent\n", run->info.rtt_us, run->info.cwnd,
                   run->info.retransmits);
        else
            printf("(inside the FTP client)\n");
    }
    printf("\n   On the wire: the payload and the IP and TCP headers of every segment, both\n"
           "   ways (%d bytes each, ACKs included), from the kernel's segment counts. On\n"
           "   loopback a segment carries up to 64 KiB, so the headers cost little; on\n"
           "   Ethernet one carries 1448 bytes. TCP on loopback loses nothing: 0 resent.\n",
           TCPINFO_HEADER_BYTES);
}

static void json_range(FILE *f, const char *name, struct stats_range r, const char *sep)
{
    fprintf(f, "\"%s\":{\"median\":%.3f,\"min\":%.3f,\"max\":%.3f}%s", name, r.median, r.min, r.max,
            sep);
}

/* The JSON of one workload's row i. */
typedef void json_row_fn(FILE *f, const struct compare_options *o, const struct results *r,
                         size_t i);

static void json_first_byte(FILE *f, const struct compare_options *o, const struct results *r,
                            size_t i)
{
    (void)o;
    fprintf(f, "{\"protocol\":\"%s\",\"round_trips\":%d,\"connections\":%d,", first_bytes[i].name,
            first_bytes[i].round_trips, first_bytes[i].connections);
    json_range(f, "time_us", r->first[i], "}");
}

static void json_round_trip(FILE *f, const struct compare_options *o, const struct results *r,
                            size_t i)
{
    fprintf(f, "{\"protocol\":\"%s\",\"requests\":%ld,", round_trips[i].name, o->count);
    json_range(f, "per_second", r->rate[i], ",");
    json_range(f, "rtt_p50_us", r->p50[i], ",");
    json_range(f, "rtt_p99_us", r->p99[i], "}");
}

static void json_bulk(FILE *f, const struct compare_options *o, const struct results *r, size_t i)
{
    const struct bulk_run *b = &r->last[i];
    fprintf(f, "{\"protocol\":\"%s\",\"payload_bytes\":%llu,", bulks[i].name,
            (unsigned long long)o->size);
    json_range(f, "mib_per_second", r->mib_s[i], ",");
    if (b->has_info)
        fprintf(f,
                "\"wire_bytes\":%llu,\"kernel\":{\"segs_out\":%u,\"segs_in\":%u,"
                "\"rtt_us\":%u,\"retransmits\":%u,\"cwnd\":%u}}",
                (unsigned long long)wire_bytes(b, o->size), b->info.segs_out, b->info.segs_in,
                b->info.rtt_us, b->info.retransmits, b->info.cwnd);
    else
        fprintf(f, "\"wire_bytes\":null,\"kernel\":null}");
}

/* "name":[the rows that ran], then after. */
static void json_rows(FILE *f, const char *name, size_t n, const bool *ran, json_row_fn *row,
                      const struct compare_options *o, const struct results *r, const char *after)
{
    fprintf(f, "\"%s\":[", name);
    const char *sep = "";
    for (size_t i = 0; i < n; i++) {
        if (ran[i]) {
            fputs(sep, f);
            row(f, o, r, i);
            sep = ",";
        }
    }
    fprintf(f, "]%s", after);
}

static void print_json(FILE *f, const struct compare_options *o, const struct results *r,
                       const struct machine *m)
{
    fprintf(f, "{\"machine\":{\"kernel\":\"%s\",\"cpu\":\"%s\",\"cores\":%ld,\"date\":\"%s\"},",
            m->kernel, m->cpu, m->cores, m->date);
    fprintf(f, "\"options\":{\"size\":%llu,\"count\":%ld,\"repeat\":%ld,\"drop\":%ld},",
            (unsigned long long)o->size, o->count, o->repeat, o->drop);
    json_rows(f, "first_byte", FIRST_BYTES, r->first_ran, json_first_byte, o, r, ",");
    json_rows(f, "round_trips", ROUND_TRIPS, r->rt_ran, json_round_trip, o, r, ",");
    json_rows(f, "bulk", BULKS, r->bulk_ran, json_bulk, o, r, "");
    if (r->loss_ran) {
        fprintf(f, ",\"loss\":{\"drop_percent\":%ld,\"datagrams\":%ld,", o->drop,
                loss_datagrams(o));
        json_range(f, "plain_lost_percent", r->lost_pct, ",");
        json_range(f, "plain_seconds", r->plain_s, ",");
        fprintf(f, "\"reliable_delivered\":%lu,", r->delivered);
        json_range(f, "reliable_retransmissions", r->resent, ",");
        json_range(f, "reliable_seconds", r->reliable_s, "}");
    }
    if (r->bounds_ran)
        fprintf(f, ",\"boundaries\":{\"writes\":%d,\"tcp_reads\":%d,\"udp_reads\":%d}",
                r->bounds.writes, r->bounds.tcp_reads, r->bounds.udp_reads);
    fprintf(f, "}\n");
}

/* --- the HTML report ---------------------------------------------------------- */

static const char report_css[] =
    "body{font:20px/1.45 system-ui,sans-serif;margin:2em auto;max-width:60em;padding:0 1em;"
    "background:#0d1117;color:#e6edf3}"
    "h1{color:#f6c945}h2{border-bottom:1px solid #30363d;padding-bottom:.2em;margin-top:1.6em}"
    ".zh{color:#9da7b3}table{border-collapse:collapse;margin:.6em 0}"
    "td,th{padding:.25em .9em;text-align:left;border-bottom:1px solid #30363d}"
    "th{color:#9da7b3;font-weight:normal}"
    ".chart{width:100%;max-width:40em;display:block;margin:.6em 0}"
    ".chart .bar{fill:#58a6ff}.chart text{fill:#e6edf3;font-size:15px}"
    ".note{color:#c9d1d9}";

/* A section's heading in both languages, a line saying what ran (or
 * NULL), and its table's head: columns, the cells of its first row. */
static void html_section(FILE *f, const char *en, const char *zh, const char *what,
                         const char *columns)
{
    fputs("<h2>", f);
    chart_escape(f, en);
    fputs(" <span class=\"zh\">", f);
    chart_escape(f, zh);
    fputs("</span></h2>\n", f);
    if (what != NULL)
        fprintf(f, "<p>%s</p>\n", what);
    fprintf(f, "<table><tr>%s</tr>\n", columns);
}

/* A note under a table, in both languages. */
static void html_note(FILE *f, const char *en, const char *zh)
{
    fputs("<p class=\"note\">", f);
    chart_escape(f, en);
    fputs("<br><span class=\"zh\">", f);
    chart_escape(f, zh);
    fputs("</span></p>\n", f);
}

/* The start of a table row for the protocol name, when it ran. */
static bool html_row(FILE *f, bool ran, const char *name)
{
    if (ran)
        fprintf(f, "<tr><td>%s</td>", name);
    return ran;
}

static void html_range_cell(FILE *f, struct stats_range r, const char *unit, int decimals)
{
    fprintf(f, "<td>%.*f %s (%.*f&ndash;%.*f)</td>", decimals, r.median, unit, decimals, r.min,
            decimals, r.max);
}

static void html_first_byte(FILE *f, const struct results *r)
{
    struct chart_bar bars[FIRST_BYTES];
    size_t n = 0;
    html_section(f, "1. The first byte", "1. 第一个字节", NULL,
                 "<th>protocol</th><th>time</th><th>round trips</th><th>connections</th>");
    for (size_t i = 0; i < FIRST_BYTES; i++) {
        if (!html_row(f, r->first_ran[i], first_bytes[i].name))
            continue;
        html_range_cell(f, r->first[i], "&micro;s", 0);
        fprintf(f, "<td>%d</td><td>%d</td></tr>\n", first_bytes[i].round_trips,
                first_bytes[i].connections);
        bars[n++] = (struct chart_bar){first_bytes[i].name, r->first[i].median};
    }
    fputs("</table>\n", f);
    chart_svg(f, "time to the first reply, microseconds", "%.0f us", bars, n);
    html_note(f,
              "A round trip is a wait for the other side: a TCP handshake, or a request and its "
              "reply. UDP needs no connection, HTTP/1.1 reuses one, FTP opens two.",
              "一次往返就是等对方一次：TCP 握手，或一个请求及其应答。UDP 不需要连接，HTTP/1.1 "
              "重用连接，FTP 要开两个连接。");
}

static void html_round_trips(FILE *f, const struct compare_options *o, const struct results *r)
{
    struct chart_bar bars[ROUND_TRIPS];
    size_t n = 0;
    char what[96];
    snprintf(what, sizeof what, "%ld small requests, one after another, on one socket.", o->count);
    html_section(f, "2. Round trips", "2. 往返", what,
                 "<th>protocol</th><th>requests a second</th><th>RTT p50</th><th>RTT p99</th>");
    for (size_t i = 0; i < ROUND_TRIPS; i++) {
        if (!html_row(f, r->rt_ran[i], round_trips[i].name))
            continue;
        html_range_cell(f, r->rate[i], "", 0);
        html_range_cell(f, r->p50[i], "&micro;s", 0);
        html_range_cell(f, r->p99[i], "&micro;s", 0);
        fputs("</tr>\n", f);
        bars[n++] = (struct chart_bar){round_trips[i].name, r->rate[i].median};
    }
    fputs("</table>\n", f);
    chart_svg(f, "requests a second", "%.0f /s", bars, n);
    html_note(f, "p50: half the requests were answered faster; p99: all but one in a hundred.",
              "p50：一半的请求比它快；p99：一百个里只有一个比它慢。");
}

static void html_bulk(FILE *f, const struct compare_options *o, const struct results *r)
{
    struct chart_bar bars[BULKS];
    size_t n = 0;
    char size[32], what[64];
    snprintf(what, sizeof what, "%s one way.", bytes_text(o->size, size, sizeof size));
    html_section(f, "3. Bulk transfer", "3. 大量传输", what,
                 "<th>protocol</th><th>MiB a second</th><th>bytes on the wire</th>"
                 "<th>overhead</th>");
    for (size_t i = 0; i < BULKS; i++) {
        if (!html_row(f, r->bulk_ran[i], bulks[i].name))
            continue;
        uint64_t wire = wire_bytes(&r->last[i], o->size);
        html_range_cell(f, r->mib_s[i], "", 0);
        if (wire > 0)
            fprintf(f, "<td>%llu</td><td>%.2f%%</td></tr>\n", (unsigned long long)wire,
                    100.0 * (double)(wire - o->size) / (double)o->size);
        else
            fputs("<td>&ndash;</td><td>&ndash;</td></tr>\n", f);
        bars[n++] = (struct chart_bar){bulks[i].name, r->mib_s[i].median};
    }
    fputs("</table>\n", f);
    chart_svg(f, "MiB a second", "%.0f MiB/s", bars, n);
    html_note(
        f,
        "Overhead: the IP and TCP headers of every segment, both ways, beside the payload. "
        "On loopback a segment carries up to 64 KiB; on Ethernet, 1448 bytes.",
        "开销：每个报文段的 IP 和 TCP 头（两个方向）相对于有效载荷的比例。回环接口上一个报文段"
        "最多带 64 KiB；以太网上是 1448 字节。");
}

static void html_loss(FILE *f, const struct compare_options *o, const struct results *r)
{
    char what[96];
    snprintf(what, sizeof what, "%ld datagrams through a server that drops %ld%% of them.",
             loss_datagrams(o), o->drop);
    html_section(f, "4. Loss", "4. 丢包", what,
                 "<th></th><th>lost</th><th>sent again</th><th>time</th>");
    fputs("<tr><td>UDP</td>", f);
    html_range_cell(f, r->lost_pct, "%", 1);
    fputs("<td>&ndash;</td>", f);
    html_range_cell(f, r->plain_s, "s", 2);
    fputs("</tr>\n<tr><td>UDP, reliable</td><td>0%</td>", f);
    html_range_cell(f, r->resent, "", 0);
    html_range_cell(f, r->reliable_s, "s", 2);
    fputs("</tr></table>\n", f);
    const struct chart_bar bars[] = {{"UDP", r->lost_pct.median}, {"UDP, reliable", 0}};
    chart_svg(f, "datagrams lost, percent", "%.1f%% lost", bars, 2);
    html_note(f,
              "Plain UDP says nothing of what it lost. The reliable mode numbers the datagrams "
              "and sends again what is not acknowledged in time, as TCP does.",
              "普通的 UDP 不会告诉你丢了什么。可靠模式给数据报编号，没有及时确认的就重发，就像 TCP "
              "那样。");
}

static void html_boundaries(FILE *f, const struct results *r)
{
    char what[64];
    snprintf(what, sizeof what, "The seed's words in %d writes.", r->bounds.writes);
    html_section(f, "5. Message boundaries", "5. 消息边界", what,
                 "<th>protocol</th><th>reads</th>");
    fprintf(f, "<tr><td>TCP</td><td>%d</td></tr>\n<tr><td>UDP</td><td>%d</td></tr></table>\n",
            r->bounds.tcp_reads, r->bounds.udp_reads);
    const struct chart_bar bars[] = {{"TCP", r->bounds.tcp_reads}, {"UDP", r->bounds.udp_reads}};
    chart_svg(f, "reads for the same writes", "%.0f reads", bars, 2);
    html_note(f, "TCP is a byte stream: the writes run together. Each UDP datagram arrives alone.",
              "TCP 是字节流：几次写入连在一起。UDP 的每个数据报单独到达。");
}

static void print_html(FILE *f, const struct compare_options *o, const struct results *r,
                       const struct machine *m)
{
    fprintf(f,
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            "<title>netdemo compare</title><style>%s</style></head><body>\n"
            "<h1>netdemo compare <span class=\"zh\">协议比较</span></h1>\n<p>",
            report_css);
    chart_escape(f, m->date);
    fputs(", Linux ", f);
    chart_escape(f, m->kernel);
    fprintf(f, ", %ld cores, ", m->cores);
    chart_escape(f, m->cpu);
    fprintf(f,
            ". Each figure is the median of %ld runs (lowest&ndash;highest), on 127.0.0.1.</p>\n",
            o->repeat);
    if (memchr(r->first_ran, true, FIRST_BYTES) != NULL)
        html_first_byte(f, r);
    if (memchr(r->rt_ran, true, ROUND_TRIPS) != NULL)
        html_round_trips(f, o, r);
    if (memchr(r->bulk_ran, true, BULKS) != NULL)
        html_bulk(f, o, r);
    if (r->loss_ran)
        html_loss(f, o, r);
    if (r->bounds_ran)
        html_boundaries(f, r);
    fputs("</body></html>\n", f);
}

/* mkdir -p dir (a path of at most PATH_MAX). Returns 0 or -1 (errno). */
static int make_dirs(const char *dir)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s", dir);
    for (char *slash = strchr(path + 1, '/'); slash != NULL; slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        if (mkdir(path, 0755) == -1 && errno != EEXIST)
            return -1;
        *slash = '/';
    }
    return mkdir(path, 0755) == -1 && errno != EEXIST ? -1 : 0;
}

/* --out DIR exists (made if need be) and can be written, before a run
 * that takes a while. Returns 0, or -1 with err. */
static int out_ready(const char *dir, char *err)
{
    if (make_dirs(dir) == -1)
        return cli_reason(err, "%s: %s", dir, strerror(errno));
    if (access(dir, W_OK) == -1)
        return cli_reason(err, "%s: %s", dir, strerror(errno));
    return 0;
}

/* --out DIR: report.json and report.html. Returns 0, or -1 with err. */
static int write_reports(const char *dir, const struct compare_options *o, const struct results *r,
                         const struct machine *m, char *err)
{
    char path[PATH_MAX];
    for (int html = 0; html < 2; html++) {
        snprintf(path, sizeof path, "%s/report.%s", dir, html ? "html" : "json");
        FILE *f = fopen(path, "w");
        if (f == NULL)
            return cli_reason(err, "%s: %s", path, strerror(errno));
        if (html)
            print_html(f, o, r, m);
        else
            print_json(f, o, r, m);
        if (fclose(f) == EOF)
            return cli_reason(err, "%s: %s", path, strerror(errno));
    }
    return 0;
}

/* --- running it all ------------------------------------------------------------- */

static void progress(const char *what, long run, long runs)
{
    if (isatty(STDERR_FILENO))
        fprintf(stderr, "\r\033[Kmeasuring %s, run %ld of %ld ...", what, run, runs);
}

/* Workload 1 for one protocol: repeat runs of COMPARE_TRIALS tries, the
 * median try of each run into runs[]. Returns 0, or -1 with err. */
static int first_byte_runs(struct netdemo *d, const struct first_byte *w, long repeat, double *runs,
                           char *err)
{
    double trials[COMPARE_TRIALS];
    int keep = -1; /* what the tries share: a socket, /dev/null */
    int rc = 0;
    for (long run = 0; run < repeat && rc == 0; run++) {
        progress(w->name, run + 1, repeat);
        for (int t = 0; t < COMPARE_TRIALS && rc == 0; t++)
            rc = (trials[t] = w->try(d, &keep, err)) < 0 ? -1 : 0;
        runs[run] = stats_range_of(trials, COMPARE_TRIALS).median;
    }
    if (keep != -1)
        close(keep);
    return rc;
}

/* One loss run: --count datagrams through the lossy server, plain or
 * reliable, with udp-demo ping's own code. Returns 0, or -1 with err. */
static int loss_run(const struct bulk_ctx *c, const struct compare_options *o, bool reliable,
                    struct udp_ping_result *res, char *err)
{
    struct udp_ping_config pc = {.count = (unsigned long)loss_datagrams(o),
                                 .size = COMPARE_LOSS_SIZE,
                                 .timeout_ms = COMPARE_LOSS_WAIT_MS,
                                 .reliable = reliable,
                                 .quiet = true,
                                 .result = res};
    net_endpoint_from_host_port("127.0.0.1", c->lossy_port, &pc.endpoint, err);
    int rc = udp_ping_run(&pc);
    if (reliable && rc != 0)
        return cli_reason(err, "not every message was delivered (%lu of %ld)", res->received,
                          loss_datagrams(o));
    return 0;
}

/* Workload 4: plain and reliable, --repeat times each. */
static int loss_runs(const struct bulk_ctx *c, const struct compare_options *o, struct results *r,
                     double *runs, char *err)
{
    double *lost = runs, *resent = runs + o->repeat, *secs = runs + 2 * o->repeat;
    struct udp_ping_result res;
    for (long run = 0; run < o->repeat; run++) {
        progress("loss, plain UDP", run + 1, o->repeat);
        if (loss_run(c, o, false, &res, err) == -1)
            return -1;
        lost[run] = 100.0 * (double)(res.sent - res.received) / (double)res.sent;
        secs[run] = res.seconds;
    }
    r->lost_pct = stats_range_of(lost, (size_t)o->repeat);
    r->plain_s = stats_range_of(secs, (size_t)o->repeat);
    for (long run = 0; run < o->repeat; run++) {
        progress("loss, reliable UDP", run + 1, o->repeat);
        if (loss_run(c, o, true, &res, err) == -1)
            return -1;
        resent[run] = (double)res.retransmissions;
        secs[run] = res.seconds;
        r->delivered = res.received;
    }
    r->resent = stats_range_of(resent, (size_t)o->repeat);
    r->reliable_s = stats_range_of(secs, (size_t)o->repeat);
    r->loss_ran = true;
    return 0;
}

/* Say in err which measurement failed. Returns -1. */
static int failed_at(char *err, const char *workload, const char *name)
{
    size_t n = strlen(err);
    snprintf(err + n, CLI_ERR_LEN - n, " (%s, %s)", workload, name);
    return -1;
}

/* Every workload --only allows, into r; runs holds 3 * repeat figures,
 * rtt count. err: CLI_ERR_LEN bytes. */
static int measure_all(struct netdemo *d, struct bulk_ctx *bulk, const struct compare_options *o,
                       struct results *r, double *runs, double *rtt, char *err)
{
    double *rate = runs, *p50 = runs + o->repeat, *p99 = runs + 2 * o->repeat;
    size_t repeat = (size_t)o->repeat;
    for (size_t w = 0; w < FIRST_BYTES; w++) {
        if (!(o->only & first_bytes[w].only))
            continue;
        if (first_byte_runs(d, &first_bytes[w], o->repeat, runs, err) == -1)
            return failed_at(err, "the first byte", first_bytes[w].name);
        r->first[w] = stats_range_of(runs, repeat);
        r->first_ran[w] = true;
    }
    for (size_t w = 0; w < ROUND_TRIPS; w++) {
        for (long run = 0; run < o->repeat && (o->only & round_trips[w].only); run++) {
            progress(round_trips[w].name, run + 1, o->repeat);
            if (round_trip_run(d, &round_trips[w], o->count, rtt, &rate[run], err) == -1)
                return failed_at(err, "round trips", round_trips[w].name);
            p50[run] = stats_percentile(rtt, (size_t)o->count, 50);
            p99[run] = stats_percentile(rtt, (size_t)o->count, 99);
            r->rt_ran[w] = true;
        }
        r->rate[w] = stats_range_of(rate, repeat);
        r->p50[w] = stats_range_of(p50, repeat);
        r->p99[w] = stats_range_of(p99, repeat);
    }
    for (size_t w = 0; w < BULKS; w++) {
        for (long run = 0; run < o->repeat && (o->only & bulks[w].only); run++) {
            progress(bulks[w].name, run + 1, o->repeat);
            if (bulks[w].run(bulk, &r->last[w], err) == -1)
                return failed_at(err, "bulk", bulks[w].name);
            rate[run] = (double)o->size / (1 << 20) / r->last[w].seconds;
            r->bulk_ran[w] = true;
        }
        r->mib_s[w] = stats_range_of(rate, repeat);
    }
    if ((o->only & ONLY_UDP) && loss_runs(bulk, o, r, runs, err) == -1)
        return failed_at(err, "loss", "UDP");
    if (o->only & (ONLY_TCP | ONLY_UDP)) {
        if (udp_boundaries_measure(&r->bounds, NULL, err) == -1)
            return failed_at(err, "message boundaries", "TCP and UDP");
        r->bounds_ran = true;
    }
    return 0;
}

/* measure_all, with its scratch arrays. */
static int measure(struct netdemo *d, struct bulk_ctx *bulk, const struct compare_options *o,
                   struct results *r, char *err)
{
    double *runs = calloc((size_t)o->repeat * 3, sizeof *runs);
    double *rtt = calloc((size_t)o->count, sizeof *rtt);
    int rc = runs == NULL || rtt == NULL ? cli_reason(err, "out of memory")
                                         : measure_all(d, bulk, o, r, runs, rtt, err);
    if (isatty(STDERR_FILENO))
        fputs("\r\033[K", stderr);
    free(runs);
    free(rtt);
    return rc;
}

/* Everything one comparison holds, for one way out. */
struct compare_run {
    struct netdemo *d;
    struct results *r;
    struct extra sink, lossy; /* the discard server, the lossy UDP server */
    struct bulk_ctx bulk;
    char dir[64]; /* the served folder, "" until made */
};

/* The servers up, serving the run's folder, and the discard sink. */
static int compare_start(struct compare_run *c, const struct compare_options *o, char *err)
{
    struct cli_common quiet = {.host = "127.0.0.1"}; /* no --trace: silent */
    if (content_make(c->dir, o->size, c->bulk.chunk, err) == -1)
        return -1;
    for (int i = 0; i < NETDEMO_SERVICES; i++)
        c->d->services[i].port = 0; /* free loopback ports */
    c->d->host = quiet.host;
    c->d->www = c->d->ftp_root = c->dir;
    if (netdemo_configure(c->d, &quiet, err) != CLI_EXIT_OK || netdemo_open(c->d, err) == -1 ||
        netdemo_start_threads(c->d, err) == -1 || sink_start(&c->sink, err) == -1 ||
        lossy_start(&c->lossy, (unsigned)o->drop, err) == -1)
        return -1;
    c->bulk.d = c->d;
    c->bulk.size = o->size;
    c->bulk.sink_port = server_port(&tcp_server_ops, c->sink.srv);
    c->bulk.lossy_port = server_port(&udp_server_ops, c->lossy.srv);
    c->bulk.devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
    return c->bulk.devnull == -1 ? cli_reason(err, "/dev/null: %s", strerror(errno)) : 0;
}

/* Stop and free all of it; returns netdemo_join's exit code. */
static int compare_end(struct compare_run *c)
{
    int rc = CLI_EXIT_OK;
    extra_end(&c->sink);
    extra_end(&c->lossy);
    if (c->d != NULL) {
        netdemo_stop(c->d);
        rc = netdemo_join(c->d);
        netdemo_close(c->d);
        netdemo_free(c->d);
    }
    if (c->bulk.devnull > 0)
        close(c->bulk.devnull);
    if (c->dir[0] != '\0' && strstr(c->dir, "XXXXXX") == NULL)
        content_remove(c->dir);
    free(c->bulk.chunk);
    free(c->r);
    return rc;
}

int netdemo_compare_main(int argc, char *argv[])
{
    static const struct option options[] = {
        {"size", required_argument, NULL, OPT_SIZE},
        {"drop", required_argument, NULL, OPT_DROP},
        {"count", required_argument, NULL, OPT_COUNT},
        {"repeat", required_argument, NULL, OPT_REPEAT},
        {"only", required_argument, NULL, OPT_ONLY},
        {"json", no_argument, NULL, OPT_JSON},
        {"out", required_argument, NULL, OPT_OUT},
        {NULL, 0, NULL, 0},
    };
    static const struct cli_syntax syntax = {
        .prog = "netdemo compare",
        .version_prog = "netdemo",
        .usage = compare_usage,
        .takes = 0,
        .options = options,
        .short_options = "",
        .option = compare_option,
    };
    struct compare_options o = {
        .size = COMPARE_SIZE_DEFAULT, .count = 1000, .repeat = 5, .drop = 10, .only = ONLY_ALL};
    struct cli_common common;
    char err[CLI_ERR_LEN];

    int rc = cli_parse(&syntax, &o, argc, argv, &common);
    if (rc != -1)
        return rc;
    if (o.out != NULL && out_ready(o.out, err) == -1)
        return cli_error(syntax.prog, CLI_EXIT_FAILURE, "%s", err);
    struct compare_run c = {.d = netdemo_new(),
                            .r = calloc(1, sizeof *c.r),
                            .sink = {.stop = {.pipe = {-1, -1}}},
                            .lossy = {.stop = {.pipe = {-1, -1}}},
                            .bulk = {.chunk = malloc(COMPARE_CHUNK + 1), .devnull = -1},
                            .dir = "/tmp/netdemo-compare-XXXXXX"};
    if (c.d == NULL || c.r == NULL || c.bulk.chunk == NULL) {
        compare_end(&c);
        return cli_error(syntax.prog, CLI_EXIT_FAILURE, "malloc: out of memory");
    }
    if (compare_start(&c, &o, err) == -1 || measure(c.d, &c.bulk, &o, c.r, err) == -1) {
        compare_end(&c);
        return cli_error(syntax.prog, CLI_EXIT_FAILURE, "%s", err);
    }
    struct machine m;
    machine_facts(&m);
    if (o.json)
        print_json(stdout, &o, c.r, &m);
    else
        print_table(&o, c.r, &m);
    fflush(stdout);
    if (o.out != NULL && write_reports(o.out, &o, c.r, &m, err) == -1) {
        compare_end(&c);
        return cli_error(syntax.prog, CLI_EXIT_FAILURE, "%s", err);
    }
    /* The latest report, for netdemo's /compare too; a home that cannot
     * hold it costs only that page. */
    char latest[PATH_MAX];
    if (netdemo_report_path("", latest, sizeof latest) != NULL && make_dirs(latest) == 0)
        write_reports(latest, &o, c.r, &m, err);
    return compare_end(&c);
}
