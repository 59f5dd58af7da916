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
 *   3. bulk: --size bytes one way, over TCP (to a discard server), UDP
 *      (plain: what is lost; and with the reliable mode), HTTP
 *      and FTP, with what the kernel saw of it (TCP_INFO);
 *   4. loss: --count datagrams through a UDP server that drops --drop
 *      percent, plain (what is lost) and with udp-demo ping's reliable
 *      mode (what getting everything there costs);
 *   5. message boundaries: udp-demo boundaries' three writes, as a row.
 *
 * The servers serve a folder it makes for the run, so the files it fetches
 * are there whatever the bundled site holds. report.c prints the results.
 */
#include "netdemo.h"
#include "compare.h"
#include "lossylink.h"

#include "cli.h"
#include "i18n.h"
#include "io.h"
#include "net.h"

#include "clients/ftp_client.h"
#include "clients/udp_client.h"
#include "udp/udp_demo.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define COMPARE_MESSAGE       "dream is handsome" /* the seed's words, 17 bytes */
#define COMPARE_TRIALS        21                  /* first-byte tries in one run: a median */
#define COMPARE_WAIT_MS       5000                /* any one answer */
#define COMPARE_HTTP_FILE     "/files/dream.txt"  /* a tiny file of the bundled site */
#define COMPARE_FTP_FILE      "readme.txt"        /* a tiny file of the bundled sample */
#define COMPARE_MAX_COUNT     1000000
#define COMPARE_MAX_REPEAT    100
#define COMPARE_RESPONSE_MAX  8192 /* a response to the tiny file, head and body */
#define COMPARE_BULK_FILE     "bulk.bin"
#define COMPARE_LOSS_SIZE     56                 /* bytes a datagram, as ping's */
#define COMPARE_CHUNK         (256 * 1024)       /* one send() or recv() of the bulk */
#define COMPARE_SIZE_DEFAULT  (64 * 1024 * 1024) /* --size */
#define COMPARE_SIZE_MAX      (16ULL << 30)
#define COMPARE_UDP_SETTLE_MS 50 /* the server's count still this long: it has them all */
#define COMPARE_NETEM_SIZE    (8 * 1024 * 1024) /* the lossy rows' bulk, at most */
#define COMPARE_NETEM_LOSS    1                 /* --netem's percent, by default */

static const char compare_usage[] =
    N_("usage: netdemo compare [--size BYTES] [--count N] [--repeat R] [--drop PERCENT]\n"
       "                       [--only tcp,udp,http,ftp] [--netem[=PERCENT]] [--out DIR]\n"
       "                       [--json]\n"
       "\n"
       "Run the same small workloads over TCP, UDP, HTTP and FTP, on this machine,\n"
       "with netdemo's own servers on free loopback ports, and print what each costs:\n"
       "  1. the first byte: one small request and its reply, from nothing;\n"
       "  2. round trips: N small requests, one after another;\n"
       "  3. bulk: BYTES one way over TCP, UDP (plain, and reliable), HTTP and FTP,\n"
       "     with the bytes on the wire, what was lost and what the kernel saw;\n"
       "  4. loss: N datagrams (1000 at most) through a server that drops PERCENT of\n"
       "     them, plain and with the reliable mode (what TCP adds, made small);\n"
       "  5. message boundaries: three writes, and the reads TCP and UDP need.\n"
       "Each workload runs R times; the table shows the median and the range.\n"
       "\n"
       "      --size BYTES  bulk transfer size, K/M/G for KiB/MiB/GiB (default 64M)\n"
       "      --count N     requests in the round-trip workload (default 1000)\n"
       "      --repeat R    runs of each workload (default 5)\n"
       "      --drop PERCENT  the loss rows' server drops this share (default 10)\n"
       "      --only LIST   the protocols to run, of tcp, udp, http, ftp (default all)\n"
       "      --netem[=PERCENT]  also run the TCP and HTTP bulk rows (8M at most) over a\n"
       "                    link that loses PERCENT (default 1) of the packets each way:\n"
       "                    a veth pair between two network namespaces, with tc netem\n"
       "                    (root only; without it, says why and skips those rows)\n"
       "      --out DIR     also write DIR/report.json and DIR/report.html (charts, in\n"
       "                    English and Chinese, for a projector)\n"
       "      --json        print every figure, and the machine's facts, as JSON\n"
       "  -h, --help        show this help\n"
       "      --version     print the version and exit\n"
       "\n"
       "Exit: 0 ok, 1 a server or a measurement failed, 2 bad usage.\n");

long compare_loss_datagrams(const struct compare_options *o)
{
    return o->count < COMPARE_LOSS_MAX ? o->count : COMPARE_LOSS_MAX;
}

enum { OPT_COUNT = 3000, OPT_REPEAT, OPT_ONLY, OPT_JSON, OPT_SIZE, OPT_DROP, OPT_OUT, OPT_NETEM };

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
            return cli_reason(err, _("invalid --count '%s': a number from 1 to %d"), arg,
                              COMPARE_MAX_COUNT);
        return 0;
    case OPT_REPEAT:
        if (cli_parse_long(arg, 1, COMPARE_MAX_REPEAT, &o->repeat) == -1)
            return cli_reason(err, _("invalid --repeat '%s': a number from 1 to %d"), arg,
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
                return cli_reason(err, _("--only: unknown protocol '%s': use tcp, udp, http, ftp"),
                                  w);
            o->only |= bit;
        }
        if (o->only == 0)
            return cli_reason(err, _("--only: name at least one of tcp, udp, http, ftp"));
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
            return cli_reason(err, _("invalid --drop '%s': a percentage from 1 to 100"), arg);
        return 0;
    case OPT_NETEM:
        o->netem = COMPARE_NETEM_LOSS;
        if (arg != NULL && cli_parse_long(arg, 1, 50, &o->netem) == -1)
            return cli_reason(err, _("invalid --netem '%s': a loss percentage from 1 to 50"), arg);
        return 0;
    case OPT_SIZE:
        if (parse_size(arg, &o->size) == -1)
            return cli_reason(err, _("invalid --size '%s': bytes from 1 to 16G (K, M, G allowed)"),
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
    if (rc == 0)
        snprintf(err, NET_ERR_LEN, _("no answer within %d s"), COMPARE_WAIT_MS / 1000);
    else
        snprintf(err, NET_ERR_LEN, "%s", strerror(errno));
    return -1;
}

/* One read of an answer on a socket from dial(), which bounds it: a read
 * that waits, as sockperf's does, and no poll() before it, whose extra
 * system call would lengthen every round trip. Returns as read(), with
 * err said on -1. */
static ssize_t read_reply(int fd, char *buf, size_t n, char *err)
{
    ssize_t r = io_read_some(fd, buf, n);
    if (r == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
        snprintf(err, NET_ERR_LEN, _("no answer within %d s"), COMPARE_WAIT_MS / 1000);
    else if (r == -1)
        snprintf(err, NET_ERR_LEN, "%s", strerror(errno));
    return r;
}

/* Read exactly n bytes of an answer. */
static int read_answer(int fd, char *buf, size_t n, char *err)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = read_reply(fd, buf + got, n - got, err);
        if (r <= 0) {
            if (r == 0)
                snprintf(err, NET_ERR_LEN, "%s", _("recv: the server hung up"));
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
        ssize_t r = read_reply(fd, resp + got, sizeof resp - 1 - got, err);
        if (r == 0 && !keep_alive)
            break;
        if (r <= 0) {
            if (r == 0)
                snprintf(err, NET_ERR_LEN, "%s", _("recv: the server hung up"));
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

/* A socket to one of the servers, whose reads give up after
 * COMPARE_WAIT_MS (SO_RCVTIMEO: read_reply needs no poll()). */
static int dial(uint16_t port, int type, char *err)
{
    struct net_endpoint ep;
    net_endpoint_from_host_port("127.0.0.1", port, &ep, err);
    int fd =
        type == SOCK_DGRAM ? net_udp_connect(&ep, err) : net_connect(&ep, COMPARE_WAIT_MS, err);
    struct timeval wait = {.tv_sec = COMPARE_WAIT_MS / 1000,
                           .tv_usec = COMPARE_WAIT_MS % 1000 * 1000};
    if (fd != -1 && setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait) == -1) {
        snprintf(err, NET_ERR_LEN, "setsockopt(SO_RCVTIMEO): %s", strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

/* --- 1. the first byte ----------------------------------------------------------- */

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
    if (ftp_conn_open(&c, &ep, COMPARE_WAIT_MS, false, err) == -1)
        return -1;
    c.passive = true;
    int rc = ftp_conn_login(&c, NULL, NULL, err);
    if (rc == 0)
        rc = ftp_conn_retr(&c, COMPARE_FTP_FILE, *keep, 0, err);
    double us = us_since(t0);
    ftp_conn_close(&c);
    return rc == -1 ? -1 : us;
}

const struct first_byte compare_first_bytes[FIRST_BYTES] = {
    {"TCP", ONLY_TCP, 2, 1, N_("connect, send, receive"), first_tcp},
    {"UDP", ONLY_UDP, 1, 0, N_("send, receive"), first_udp},
    {"HTTP/1.0", ONLY_HTTP, 2, 1, N_("a new connection per request"), first_http10},
    {"HTTP/1.1", ONLY_HTTP, 1, 0, N_("a connection kept open"), first_http11},
    {"FTP", ONLY_FTP, 7, 2, N_("login, EPSV, RETR of a tiny file"), first_ftp},
};

/* --- 2. round trips ---------------------------------------------------------- */

const struct round_trip compare_round_trips[ROUND_TRIPS] = {
    {"TCP", ONLY_TCP, RT_TCP},
    {"UDP", ONLY_UDP, RT_UDP},
    {"HTTP/1.1", ONLY_HTTP, RT_HTTP},
};

/* One run: count request/replies on one socket; their RTTs (µs) into rtt,
 * the rate into *per_s. Returns 0 or -1. */
/* Connections a server has accepted so far, from its counters (as /stats
 * shows them): the UDP server accepts none, and counts none. */
static long long accepted(const struct netdemo *d, int service)
{
    const struct netdemo_service *s = &d->services[service];
    return atomic_load_explicit(&s->ops->counters(s->srv)->conns_total, memory_order_relaxed);
}

/* count request/replies on one socket: each one's time into rtt[], the
 * rate into *per_s, and the connections the server accepted meanwhile
 * (as its counters saw them) into *conns. Returns 0, or -1 with err. */
static int round_trip_run(struct netdemo *d, const struct round_trip *w, long count, double *rtt,
                          double *per_s, long long *conns, char *err)
{
    int service = w->kind == RT_TCP ? NETDEMO_TCP : w->kind == RT_UDP ? NETDEMO_UDP : NETDEMO_HTTP;
    long long before = accepted(d, service);
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
    *conns = accepted(d, service) - before; /* accepted before the first reply came */
    close(fd);
    return rc;
}

/* --- 3. bulk -------------------------------------------------------------------- */

/* What a bulk or loss run needs besides netdemo's four servers. */
struct bulk_ctx {
    struct netdemo *d;
    uint16_t sink_port;  /* the discard server's */
    uint16_t http_port;  /* the web server's */
    uint16_t lossy_port; /* the UDP server that drops --drop percent */
    /* NULL on loopback; else the servers are across the lossy link, and
     * the client's sockets are made in its client namespace */
    const struct lossy_link *link;
    uint64_t size;
    int devnull;
    char *chunk; /* COMPARE_CHUNK bytes */
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

/* A TCP connection to port: on loopback, or from the client end of the
 * lossy link to its server end. */
static int bulk_dial(const struct bulk_ctx *c, uint16_t port, char *err)
{
    if (c->link == NULL)
        return dial(port, SOCK_STREAM, err);
    struct net_endpoint ep;
    net_endpoint_from_host_port(LOSSY_SERVER_ADDR, port, &ep, err);
    if (lossy_link_enter(c->link->client) == -1)
        return cli_reason(err, "setns: %s", strerror(errno));
    int fd = net_connect(&ep, COMPARE_WAIT_MS, err);
    lossy_link_enter(c->link->home); /* back where this thread came from */
    return fd;
}

/* A new connection to port, one transfer on it, timed from the connect
 * to the transfer's end, with the kernel's view of it. Returns 0 or -1. */
static int bulk_on_a_new_connection(struct bulk_ctx *c, uint16_t port,
                                    int (*transfer)(struct bulk_ctx *c, int fd, char *err),
                                    struct bulk_run *out, char *err)
{
    int64_t t0 = now_ns();
    int fd = bulk_dial(c, port, err);
    if (fd == -1)
        return -1;
    int rc = transfer(c, fd, err);
    out->seconds = (double)(now_ns() - t0) / 1e9;
    out->arrived = c->size; /* TCP delivers all, or the transfer failed */
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
            snprintf(err, NET_ERR_LEN, "%s", _("recv: the server hung up in the head"));
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
        snprintf(err, NET_ERR_LEN, _("GET /%s: %llu bytes, not %llu"), COMPARE_BULK_FILE,
                 (unsigned long long)(body + (uint64_t)rest), (unsigned long long)c->size);
        return -1;
    }
    return 0;
}

static int bulk_http(struct bulk_ctx *c, struct bulk_run *out, char *err)
{
    return bulk_on_a_new_connection(c, c->http_port, http_get_bulk, out, err);
}

/* FTP: RETR over an open, logged-in session; the clock runs from the
 * data connection's EPSV to the 226. */
static int bulk_ftp(struct bulk_ctx *c, struct bulk_run *out, char *err)
{
    struct ftp_conn fc;
    struct net_endpoint ep;
    net_endpoint_from_host_port("127.0.0.1", c->d->services[NETDEMO_FTP].port, &ep, err);
    if (ftp_conn_open(&fc, &ep, COMPARE_WAIT_MS, false, err) == -1)
        return -1;
    fc.passive = true;
    int rc = ftp_conn_login(&fc, NULL, NULL, err);
    int64_t t0 = now_ns();
    if (rc == 0)
        rc = ftp_conn_retr(&fc, COMPARE_BULK_FILE, c->devnull, 0, err);
    out->seconds = (double)(now_ns() - t0) / 1e9;
    out->arrived = c->size;
    out->has_info = false; /* the data connection lives inside the FTP client */
    ftp_conn_close(&fc);
    return rc;
}

/* The UDP server's counters: what it received and sent, as /stats has it. */
static const struct counters *udp_counters(const struct netdemo *d)
{
    const struct netdemo_service *s = &d->services[NETDEMO_UDP];
    return s->ops->counters(s->srv);
}

static long long counter(const atomic_llong *field)
{
    return atomic_load_explicit(field, memory_order_relaxed);
}

/* Plain UDP: size bytes in datagrams of COMPARE_DATAGRAM, as fast as send()
 * takes them; nothing waits for the server, so what its socket buffer
 * cannot hold is lost. The clock stops when the server's count of
 * datagrams stops moving: it has taken all that will ever arrive. */
static int bulk_udp(struct bulk_ctx *c, struct bulk_run *out, char *err)
{
    const struct counters *k = udp_counters(c->d);
    long long in0 = counter(&k->bytes_in), n0 = counter(&k->requests);
    long long out0 = counter(&k->bytes_out);
    int fd = dial(c->d->services[NETDEMO_UDP].port, SOCK_DGRAM, err);
    if (fd == -1)
        return -1;
    int64_t t0 = now_ns();
    unsigned long sent = 0;
    for (uint64_t done = 0; done < c->size; sent++) {
        size_t n = c->size - done < COMPARE_DATAGRAM ? (size_t)(c->size - done) : COMPARE_DATAGRAM;
        /* a refused send only reports an earlier datagram's ICMP: go on */
        if (send(fd, c->chunk, n, 0) == -1 && errno != ECONNREFUSED && errno != ENOBUFS) {
            snprintf(err, NET_ERR_LEN, "send: %s", strerror(errno));
            close(fd);
            return -1;
        }
        done += n;
    }
    long long seen = -1;
    int64_t moved = now_ns();
    for (int64_t now = moved; now - moved < COMPARE_UDP_SETTLE_MS * 1000000LL &&
                              now - t0 < (int64_t)COMPARE_WAIT_MS * 1000000;
         now = now_ns()) {
        long long n = counter(&k->requests);
        if (n != seen) {
            seen = n;
            moved = now;
        }
        usleep(1000);
    }
    close(fd);
    long long replies_bytes = counter(&k->bytes_out) - out0;
    out->seconds = (double)(moved - t0) / 1e9;
    out->udp = true;
    out->datagrams = sent;
    out->datagrams_arrived = (unsigned long)(seen - n0);
    out->arrived = (uint64_t)(counter(&k->bytes_in) - in0);
    out->wire = c->size + (uint64_t)replies_bytes +
                (sent + (uint64_t)replies_bytes / COMPARE_DATAGRAM) * COMPARE_UDP_HEADERS;
    return 0;
}

/* UDP with the reliable mode: udp-demo ping --reliable's own code, size
 * bytes in datagrams of COMPARE_DATAGRAM, each acknowledged; all arrive. */
static int bulk_udp_reliable(struct bulk_ctx *c, struct bulk_run *out, char *err)
{
    const struct counters *k = udp_counters(c->d);
    long long out0 = counter(&k->bytes_out);
    struct udp_ping_result res;
    struct udp_ping_config pc = {
        .count = (unsigned long)((c->size + COMPARE_DATAGRAM - 1) / COMPARE_DATAGRAM),
        .size = COMPARE_DATAGRAM,
        .timeout_ms = COMPARE_LOSS_WAIT_MS,
        .reliable = true,
        .quiet = true,
        .result = &res};
    net_endpoint_from_host_port("127.0.0.1", c->d->services[NETDEMO_UDP].port, &pc.endpoint, err);
    if (udp_ping_run(&pc) != 0)
        return cli_reason(err, _("not every message was delivered (%lu of %ld)"), res.received,
                          (long)pc.count);
    long long acks_bytes = counter(&k->bytes_out) - out0; /* an ACK is the datagram, reflected */
    out->seconds = res.seconds;
    out->udp = out->reliable = true;
    out->datagrams = pc.count;
    out->datagrams_arrived = res.received;
    out->resent = res.retransmissions;
    out->arrived = (uint64_t)res.received * COMPARE_DATAGRAM;
    out->wire = (uint64_t)res.sent * COMPARE_DATAGRAM + (uint64_t)acks_bytes +
                (res.sent + (uint64_t)acks_bytes / COMPARE_DATAGRAM) * COMPARE_UDP_HEADERS;
    return 0;
}

const struct bulk compare_bulks[BULKS] = {
    {"TCP", ONLY_TCP, bulk_tcp},
    {"UDP", ONLY_UDP, bulk_udp},
    {N_("UDP, reliable"), ONLY_UDP, bulk_udp_reliable},
    {"HTTP", ONLY_HTTP, bulk_http},
    {"FTP", ONLY_FTP, bulk_ftp},
};

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
        return cli_reason(err, "%s", _("out of memory"));
    if (stop_open(&x->stop, err) == -1 || ops->open(x->srv, config, &x->stop, err) == -1)
        return -1;
    x->opened = true;
    x->started = pthread_create(&x->thread, NULL, extra_serve, x) == 0;
    return x->started ? 0 : cli_reason(err, "%s", _("pthread_create: out of threads"));
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
 * (RFC 863), so the figure is one way, as iperf3's is. The thread model
 * reads into 64 KiB, which stays in the CPU's cache beside the kernel's
 * copy of the data; the epoll model's 256 KiB buffer does not, and made
 * the receiving copy three times as dear (perf: _copy_to_iter). */
static int sink_start(struct extra *x, char *err)
{
    struct tcp_config c;
    tcp_config_defaults(&c);
    c.mode = TCP_MODE_DISCARD;
    c.model = TCP_MODEL_THREAD;
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
    /* on the disk before anything is timed: else the kernel writes it
     * back while a bulk row runs, and takes CPU and time from it */
    if (rc == 0)
        rc = fdatasync(fd);
    if (close(fd) == -1 || rc == -1)
        return cli_reason(err, "%s: %s", path, strerror(errno));
    return 0;
}

/* The folder's paths, deepest first, written once it exists: then a
 * signal handler can remove it with unlink() and rmdir() alone (both safe
 * there), so that Ctrl-C leaves no 64 MiB file in /tmp. */
static const char *const content_names[] = {"files/dream.txt", "files", COMPARE_FTP_FILE,
                                            COMPARE_BULK_FILE, "."};
#define CONTENT_PATHS (sizeof content_names / sizeof content_names[0])
static char content_paths[CONTENT_PATHS][PATH_MAX];
static volatile sig_atomic_t content_made;

static void content_note(const char *dir)
{
    for (size_t i = 0; i < CONTENT_PATHS; i++)
        snprintf(content_paths[i], PATH_MAX, "%s/%s", dir, content_names[i]);
    snprintf(content_paths[CONTENT_PATHS - 1], PATH_MAX, "%s", dir); /* the folder, last */
    content_made = 1;
}

static void content_remove(void)
{
    if (!content_made)
        return;
    for (size_t i = 0; i < CONTENT_PATHS; i++)
        if (unlink(content_paths[i]) == -1)
            rmdir(content_paths[i]);
    content_made = 0;
}

/* SIGINT, SIGTERM, SIGHUP: the folder gone, then the signal's own end. */
static void remove_and_end(int sig)
{
    content_remove();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void remove_on_signals(void)
{
    struct sigaction sa = {.sa_handler = remove_and_end};
    sigemptyset(&sa.sa_mask);
    int signals[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++)
        sigaction(signals[i], &sa, NULL);
}

/* A folder for both servers: the tiny files of workload 1 and, when a row
 * reads it (bulk_size > 0), the bulk file. Returns 0, or -1 with err. */
static int content_make(char *dir, uint64_t bulk_size, char *chunk, char *err)
{
    for (size_t i = 0; i < COMPARE_CHUNK; i++)
        chunk[i] = (char)('a' + i * 7 % 26); /* text, any bytes would do */
    char files[PATH_MAX];
    if (mkdtemp(dir) == NULL)
        return cli_reason(err, "mkdtemp: %s", strerror(errno));
    content_note(dir);
    snprintf(files, sizeof files, "%s/files", dir);
    if (mkdir(files, 0755) == -1)
        return cli_reason(err, "%s: %s", files, strerror(errno));
    if (write_file(dir, "files/dream.txt", COMPARE_MESSAGE "\n", sizeof COMPARE_MESSAGE, err) ==
            -1 ||
        write_file(dir, COMPARE_FTP_FILE, COMPARE_MESSAGE "\n", sizeof COMPARE_MESSAGE, err) ==
            -1 ||
        (bulk_size > 0 && write_file(dir, COMPARE_BULK_FILE, chunk, bulk_size, err) == -1))
        return -1;
    return 0;
}

/* --- running it all ------------------------------------------------------------- */

static void progress(const char *what, long run, long runs)
{
    if (isatty(STDERR_FILENO)) {
        fprintf(stderr, "\r\033[K");
        fprintf(stderr, _("measuring %s, run %ld of %ld ..."), what, run, runs);
    }
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
    struct udp_ping_config pc = {.count = (unsigned long)compare_loss_datagrams(o),
                                 .size = COMPARE_LOSS_SIZE,
                                 .timeout_ms = COMPARE_LOSS_WAIT_MS,
                                 .reliable = reliable,
                                 .quiet = true,
                                 .result = res};
    net_endpoint_from_host_port("127.0.0.1", c->lossy_port, &pc.endpoint, err);
    int rc = udp_ping_run(&pc);
    if (reliable && rc != 0)
        return cli_reason(err, _("not every message was delivered (%lu of %ld)"), res->received,
                          compare_loss_datagrams(o));
    return 0;
}

/* Workload 4: plain and reliable, --repeat times each. */
static int loss_runs(const struct bulk_ctx *c, const struct compare_options *o, struct results *r,
                     double *runs, char *err)
{
    double *lost = runs, *resent = runs + o->repeat, *secs = runs + 2 * o->repeat;
    struct udp_ping_result res;
    for (long run = 0; run < o->repeat; run++) {
        progress(_("loss, plain UDP"), run + 1, o->repeat);
        if (loss_run(c, o, false, &res, err) == -1)
            return -1;
        lost[run] = 100.0 * (double)(res.sent - res.received) / (double)res.sent;
        secs[run] = res.seconds;
    }
    r->lost_pct = stats_range_of(lost, (size_t)o->repeat);
    r->plain_s = stats_range_of(secs, (size_t)o->repeat);
    for (long run = 0; run < o->repeat; run++) {
        progress(_("loss, reliable UDP"), run + 1, o->repeat);
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

/* Say in err which measurement failed: add " (workload, name)", made
 * of fmt and its name. Returns -1. */
static int failed_at(char *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int failed_at(char *err, const char *fmt, ...)
{
    size_t n = strlen(err);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err + n, CLI_ERR_LEN - n, fmt, ap);
    va_end(ap);
    return -1;
}

/* Workload 3, over c's servers, for the protocols in only: --repeat runs
 * of each, their rates in rate[]. Returns 0, or -1 with err. */
static int bulk_runs(struct bulk_ctx *c, const struct compare_options *o, unsigned only,
                     double *rate, struct stats_range *mib_s, struct bulk_run *last, bool *ran,
                     char *err)
{
    for (size_t w = 0; w < BULKS; w++) {
        for (long run = 0; run < o->repeat && (only & compare_bulks[w].only); run++) {
            progress(_(compare_bulks[w].name), run + 1, o->repeat);
            if (compare_bulks[w].run(c, &last[w], err) == -1)
                return failed_at(err, _(" (bulk, %s)"), _(compare_bulks[w].name));
            rate[run] = (double)last[w].arrived / (1 << 20) / last[w].seconds;
            ran[w] = true;
        }
        mib_s[w] = stats_range_of(rate, (size_t)o->repeat);
    }
    return 0;
}

/* Every workload --only allows, into r; runs holds 3 * repeat figures,
 * rtt count. err: CLI_ERR_LEN bytes. */
static int measure_all(struct netdemo *d, struct bulk_ctx *bulk, struct bulk_ctx *netem,
                       const struct compare_options *o, struct results *r, double *runs,
                       double *rtt, char *err)
{
    double *rate = runs, *p50 = runs + o->repeat, *p99 = runs + 2 * o->repeat;
    size_t repeat = (size_t)o->repeat;
    for (size_t w = 0; w < FIRST_BYTES; w++) {
        if (!(o->only & compare_first_bytes[w].only))
            continue;
        if (first_byte_runs(d, &compare_first_bytes[w], o->repeat, runs, err) == -1)
            return failed_at(err, _(" (the first byte, %s)"), compare_first_bytes[w].name);
        r->first[w] = stats_range_of(runs, repeat);
        r->first_ran[w] = true;
    }
    for (size_t w = 0; w < ROUND_TRIPS; w++) {
        for (long run = 0; run < o->repeat && (o->only & compare_round_trips[w].only); run++) {
            progress(compare_round_trips[w].name, run + 1, o->repeat);
            if (round_trip_run(d, &compare_round_trips[w], o->count, rtt, &rate[run],
                               &r->rt_conns[w], err) == -1)
                return failed_at(err, _(" (round trips, %s)"), compare_round_trips[w].name);
            p50[run] = stats_percentile(rtt, (size_t)o->count, 50);
            p99[run] = stats_percentile(rtt, (size_t)o->count, 99);
            r->rt_ran[w] = true;
        }
        r->rate[w] = stats_range_of(rate, repeat);
        r->p50[w] = stats_range_of(p50, repeat);
        r->p99[w] = stats_range_of(p99, repeat);
    }
    if (bulk_runs(bulk, o, o->only, rate, r->mib_s, r->last, r->bulk_ran, err) == -1)
        return -1;
    if (netem != NULL && bulk_runs(netem, o, o->only & (ONLY_TCP | ONLY_HTTP), rate, r->netem_mib_s,
                                   r->netem_last, r->netem_ran, err) == -1)
        return failed_at(err, _(" (bulk, %s)"), _("the lossy link"));
    if ((o->only & ONLY_UDP) && loss_runs(bulk, o, r, runs, err) == -1)
        return failed_at(err, _(" (loss, %s)"), "UDP");
    if (o->only & (ONLY_TCP | ONLY_UDP)) {
        if (udp_boundaries_measure(&r->bounds, NULL, err) == -1)
            return failed_at(err, _(" (message boundaries, %s)"), _("TCP and UDP"));
        r->bounds_ran = true;
    }
    return 0;
}

/* measure_all, with its scratch arrays. */
static int measure(struct netdemo *d, struct bulk_ctx *bulk, struct bulk_ctx *netem,
                   const struct compare_options *o, struct results *r, char *err)
{
    double *runs = calloc((size_t)o->repeat * 3, sizeof *runs);
    double *rtt = calloc((size_t)o->count, sizeof *rtt);
    int rc = runs == NULL || rtt == NULL ? cli_reason(err, "%s", _("out of memory"))
                                         : measure_all(d, bulk, netem, o, r, runs, rtt, err);
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
    char dir[PATH_MAX - 64]; /* the served folder, in $TMPDIR or /tmp; room for its files */
    /* --netem: the link, a discard and a web server at its far end */
    struct lossy_link link;
    struct extra far_sink, far_http;
    struct bulk_ctx netem;
};

/* --netem: the lossy link, and a discard server and a web server in its
 * server namespace (their threads start there, and stay). Returns 0, or
 * -1 with why in r->netem_how: the rows are then skipped, not failed. */
static int netem_start(struct compare_run *c, const struct compare_options *o)
{
    char *why = c->r->netem_how;
    if (lossy_link_open(&c->link, (unsigned)o->netem, why) == -1)
        return -1;
    c->r->netem_up = true;
    struct tcp_config sink;
    tcp_config_defaults(&sink);
    sink.mode = TCP_MODE_DISCARD;
    net_endpoint_from_host_port(LOSSY_SERVER_ADDR, 0, &sink.endpoint, why);
    struct http_config web = c->d->http;
    net_endpoint_from_host_port(LOSSY_SERVER_ADDR, 0, &web.endpoint, why);
    web.events = NULL;
    web.workers = 1;
    int rc = -1;
    if (lossy_link_enter(c->link.server) == 0) {
        rc = extra_start(&c->far_sink, &tcp_server_ops, &sink, why) == -1 ||
                     extra_start(&c->far_http, &http_server_ops, &web, why) == -1
                 ? -1
                 : 0;
        lossy_link_enter(c->link.home);
    }
    if (rc == -1)
        return -1;
    snprintf(why, CLI_ERR_LEN, "%s", c->link.how);
    c->netem = c->bulk;
    c->netem.link = &c->link;
    c->netem.sink_port = server_port(&tcp_server_ops, c->far_sink.srv);
    c->netem.http_port = server_port(&http_server_ops, c->far_http.srv);
    c->netem.size = o->size < COMPARE_NETEM_SIZE ? o->size : COMPARE_NETEM_SIZE;
    c->r->netem_size = c->netem.size;
    return 0;
}

/* The servers up, serving the run's folder, and the discard sink. */
static int compare_start(struct compare_run *c, const struct compare_options *o, char *err)
{
    struct cli_common quiet = {.host = "127.0.0.1"}; /* no --trace: silent */
    const char *tmp = getenv("TMPDIR");
    int n =
        snprintf(c->dir, sizeof c->dir, "%s/netdemo-compare-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (n < 0 || (size_t)n >= sizeof c->dir) {
        c->dir[0] = '\0';
        return cli_reason(err, "%s", _("TMPDIR is too long a path"));
    }
    bool read_by_a_row = o->only & (ONLY_HTTP | ONLY_FTP);
    if (content_make(c->dir, read_by_a_row ? o->size : 0, c->bulk.chunk, err) == -1)
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
    c->bulk.http_port = c->d->services[NETDEMO_HTTP].port;
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
    extra_end(&c->far_sink);
    extra_end(&c->far_http);
    lossy_link_close(&c->link);
    if (c->d != NULL) {
        netdemo_stop(c->d);
        rc = netdemo_join(c->d);
        netdemo_close(c->d);
        netdemo_free(c->d);
    }
    if (c->bulk.devnull > 0)
        close(c->bulk.devnull);
    content_remove();
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
        {"netem", optional_argument, NULL, OPT_NETEM},
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
    if (o.out != NULL && compare_out_ready(o.out, err) == -1)
        return cli_error(syntax.prog, CLI_EXIT_FAILURE, "%s", err);
    struct compare_run c = {.d = netdemo_new(),
                            .r = calloc(1, sizeof *c.r),
                            .sink = {.stop = {.pipe = {-1, -1}}},
                            .lossy = {.stop = {.pipe = {-1, -1}}},
                            .far_sink = {.stop = {.pipe = {-1, -1}}},
                            .far_http = {.stop = {.pipe = {-1, -1}}},
                            .link = {.home = -1, .server = -1, .client = -1},
                            .bulk = {.chunk = malloc(COMPARE_CHUNK + 1), .devnull = -1},
                            .dir = ""};
    if (c.d == NULL || c.r == NULL || c.bulk.chunk == NULL) {
        compare_end(&c);
        return cli_error(syntax.prog, CLI_EXIT_FAILURE, "%s", _("malloc: out of memory"));
    }
    remove_on_signals();
    bool started = compare_start(&c, &o, err) == 0;
    bool netem = started && o.netem > 0 && (o.only & (ONLY_TCP | ONLY_HTTP)) &&
                 netem_start(&c, &o) == 0; /* if not, the report says why */
    if (!started || measure(c.d, &c.bulk, netem ? &c.netem : NULL, &o, c.r, err) == -1) {
        compare_end(&c);
        return cli_error(syntax.prog, CLI_EXIT_FAILURE, "%s", err);
    }
    struct machine m;
    compare_machine_facts(&m);
    if (o.json)
        compare_print_json(stdout, &o, c.r, &m);
    else
        compare_print_table(&o, c.r, &m);
    fflush(stdout);
    if (o.out != NULL && compare_write_reports(o.out, &o, c.r, &m, err) == -1) {
        compare_end(&c);
        return cli_error(syntax.prog, CLI_EXIT_FAILURE, "%s", err);
    }
    /* The latest report, for netdemo's /compare too; a home that cannot
     * hold it costs only that page. */
    char latest[PATH_MAX];
    if (netdemo_report_path("", latest, sizeof latest) != NULL && compare_make_dirs(latest) == 0)
        compare_write_reports(latest, &o, c.r, &m, err);
    return compare_end(&c);
}
