/*
 * events.c - the trace event stream, as a live viewer reads it: the four
 * servers in one process, none printing (--trace off), the process ring
 * attached, and real clients talking to them. Each connection's calls
 * must arrive in order under one id, with the peer's address and a
 * preview of the bytes; an FTP data connection must name its session as
 * its parent; a UDP peer keeps one id for all its datagrams.
 *
 * A plain program, not Criterion: it also runs under ThreadSanitizer.
 * Exit 0 when every check passed, 1 with one line on stderr otherwise.
 */
#include "hear.h"
#include "net.h"
#include "ring.h"
#include "stop.h"
#include "trace.h"

#include "ftp/ftp_server.h"
#include "http/http_server.h"
#include "tcp/tcp_server.h"
#include "udp/udp_server.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define RING_SLOTS 8192
#define EVENTS_MAX 4096

static struct ring *ring;
static struct trace_event events[EVENTS_MAX];
static size_t nevents;

static void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("events: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond))                                                                               \
            fail(__VA_ARGS__);                                                                     \
    } while (0)

/* --- a client's side -------------------------------------------------------- */

static int dial(int type, uint16_t port)
{
    char err[NET_ERR_LEN];
    struct net_endpoint ep;
    net_endpoint_from_host_port("127.0.0.1", port, &ep, err);
    int fd = type == SOCK_STREAM ? net_connect(&ep, 5000, err) : net_udp_connect(&ep, err);
    CHECK(fd != -1, "connect to port %u: %s", port, err);
    struct timeval tv = {.tv_sec = 5};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    return fd;
}

static void local_text(int fd, char *out, size_t outlen)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    getsockname(fd, (struct sockaddr *)&ss, &len);
    net_format_addr((struct sockaddr *)&ss, len, out, outlen);
}

static void say(int fd, const char *text)
{
    CHECK(send(fd, text, strlen(text), MSG_NOSIGNAL) == (ssize_t)strlen(text), "send failed");
}

/* Read until want has arrived (or the peer closed); returns what came. */
static const char *hear(int fd, const char *want)
{
    static char got[8192];
    CHECK(hear_until(fd, got, sizeof got, want), "no '%s' in '%.80s'", want, got);
    return got;
}

static void drain(struct ring_reader *rd);

/* --- running a server in a thread ------------------------------------------ */

struct running {
    int (*serve)(void *srv, char *err);
    void *srv;
    pthread_t thread;
    int rc;
    char err[NET_ERR_LEN];
};

static void *serve_thread(void *arg)
{
    struct running *r = arg;
    r->rc = r->serve(r->srv, r->err);
    return NULL;
}

/* Serve srv on a thread, with rd reading the ring from now on. */
static void start(struct running *r, int (*serve)(void *, char *), void *srv,
                  struct ring_reader *rd)
{
    nevents = 0;
    ring_reader_init(rd, ring, 0);
    *r = (struct running){.serve = serve, .srv = srv};
    CHECK(pthread_create(&r->thread, NULL, serve_thread, r) == 0, "pthread_create failed");
}

static void finish(struct running *r, struct stop *stop)
{
    stop_request(stop);
    pthread_join(r->thread, NULL);
    CHECK(r->rc == 0, "serve: %s", r->err);
}

/* Let the server finish its side (its close comes after the client's),
 * stop it, close it, and read what it traced. open_conns: its count of
 * open connections, or NULL for a datagram server. */
static void stop_and_read(struct running *r, struct stop *stop, const atomic_llong *open_conns,
                          void (*close_server)(void *), struct ring_reader *rd)
{
    for (int i = 0; open_conns != NULL && i < 500 && atomic_load(open_conns) != 0; i++)
        usleep(10000);
    finish(r, stop);
    close_server(r->srv);
    stop_close(stop);
    drain(rd);
}

static int tcp_serve(void *srv, char *err)
{
    return tcp_server_serve(srv, err);
}

static int udp_serve(void *srv, char *err)
{
    return udp_server_serve(srv, err);
}

static int http_serve(void *srv, char *err)
{
    return http_server_serve(srv, err);
}

static int ftp_serve(void *srv, char *err)
{
    return ftp_server_serve(srv, err);
}

static void tcp_close(void *srv)
{
    tcp_server_close(srv);
}

static void udp_close(void *srv)
{
    udp_server_close(srv);
}

static void http_close(void *srv)
{
    http_server_close(srv);
}

static void ftp_close(void *srv)
{
    ftp_server_close(srv);
}

static uint16_t port_of(int fd)
{
    uint16_t port = 0;
    net_local_port(fd, &port, NULL);
    return port;
}

/* --- reading the stream ----------------------------------------------------- */

static void drain(struct ring_reader *rd)
{
    uint64_t missed = 0;
    while (nevents < EVENTS_MAX && ring_read(rd, &events[nevents], &missed) == 1)
        nevents++;
    CHECK(missed == 0, "the reader missed %llu events", (unsigned long long)missed);
}

/* The first event from index from on that matches; returns its index. */
static size_t find(size_t from, const char *server, const char *call, uint64_t conn,
                   const char *text_start)
{
    for (size_t i = from; i < nevents; i++) {
        const struct trace_event *e = &events[i];
        if (strcmp(e->server, server) != 0 || strcmp(e->call, call) != 0)
            continue;
        if (conn != 0 && e->conn != conn)
            continue;
        if (text_start != NULL && strncmp(e->text, text_start, strlen(text_start)) != 0)
            continue;
        return i;
    }
    for (size_t i = 0; i < nevents; i++) /* what did arrive, to see why */
        fprintf(stderr, "  %s #%llu %s: %s\n", events[i].server, (unsigned long long)events[i].conn,
                events[i].call, events[i].text);
    fail("no %s event '%s' for connection %llu (text '%s') among %zu", server, call,
         (unsigned long long)conn, text_start ? text_start : "", nevents);
    return 0;
}

static bool preview_is(const struct trace_event *e, const char *want)
{
    return e->preview_len == strlen(want) && memcmp(e->preview, want, e->preview_len) == 0;
}

/* --- TCP: the seed's phone call, one lifeline ------------------------------- */

static void check_tcp(enum tcp_model model)
{
    struct tcp_config c = {.model = model, .mode = TCP_MODE_UPPER};
    struct tcp_server srv;
    struct stop stop;
    struct running r;
    struct ring_reader rd;
    char err[NET_ERR_LEN], me[NET_ADDRSTR_LEN];

    net_endpoint_from_host_port("127.0.0.1", 0, &c.endpoint, err);
    CHECK(stop_open(&stop, err) == 0 && tcp_server_open(&srv, &c, &stop, err) == 0, "tcp: %s", err);
    start(&r, tcp_serve, &srv, &rd);
    int fd = dial(SOCK_STREAM, port_of(srv.listen_fd));
    local_text(fd, me, sizeof me);
    say(fd, "dream is handsome");
    hear(fd, "DREAM IS HANDSOME");
    close(fd);
    /* A forked child's count stays in the child: there, the stop waits
     * for the children instead. */
    stop_and_read(&r, &stop, model == TCP_MODEL_FORK ? NULL : &srv.stats->conns_open, tcp_close,
                  &rd);

    size_t a = find(0, "tcp", "accept", 0, NULL);
    uint64_t id = events[a].conn;
    CHECK(id != 0, "tcp %s: the accept has no connection id", tcp_model_name(model));
    CHECK(strcmp(events[a].peer, me) == 0, "tcp: accept's peer '%s', not '%s'", events[a].peer, me);
    size_t in = find(a, "tcp", "recv", id, NULL);
    CHECK(events[in].bytes == 17 && events[in].result == 17 &&
              preview_is(&events[in], "dream is handsome"),
          "tcp %s: recv event %llu bytes", tcp_model_name(model),
          (unsigned long long)events[in].bytes);
    CHECK(strcmp(events[in].peer, me) == 0 && events[in].local[0] != '\0',
          "tcp: recv's addresses '%s' '%s'", events[in].local, events[in].peer);
    size_t out = find(in, "tcp", "send", id, NULL);
    CHECK(preview_is(&events[out], "DREAM IS HANDSOME"), "tcp: send's preview");
    find(out, "tcp", "close", id, "close(fd");
    CHECK(strstr(events[in].text, "recv(fd ") == events[in].text, "tcp: the line is '%s'",
          events[in].text);
}

/* --- UDP: one id per peer ---------------------------------------------------- */

static void check_udp(void)
{
    struct udp_config c = {.mode = UDP_MODE_UPPER};
    struct udp_server srv;
    struct stop stop;
    struct running r;
    struct ring_reader rd;
    char err[NET_ERR_LEN], a_addr[NET_ADDRSTR_LEN], b_addr[NET_ADDRSTR_LEN];

    net_endpoint_from_host_port("127.0.0.1", 0, &c.endpoint, err);
    CHECK(stop_open(&stop, err) == 0 && udp_server_open(&srv, &c, &stop, err) == 0, "udp: %s", err);
    start(&r, udp_serve, &srv, &rd);
    uint16_t port = port_of(srv.fd);
    int a = dial(SOCK_DGRAM, port), b = dial(SOCK_DGRAM, port);
    local_text(a, a_addr, sizeof a_addr);
    local_text(b, b_addr, sizeof b_addr);
    say(a, "one");
    hear(a, "ONE");
    say(b, "two");
    hear(b, "TWO");
    say(a, "three");
    hear(a, "THREE");
    close(a);
    close(b);
    stop_and_read(&r, &stop, NULL, udp_close, &rd);

    size_t i1 = find(0, "udp", "recvfrom", 0, NULL);
    size_t i2 = find(i1 + 1, "udp", "recvfrom", 0, NULL);
    size_t i3 = find(i2 + 1, "udp", "recvfrom", 0, NULL);
    CHECK(preview_is(&events[i1], "one") && preview_is(&events[i2], "two") &&
              preview_is(&events[i3], "three"),
          "udp: the datagrams' previews");
    CHECK(events[i1].conn != 0 && events[i1].conn == events[i3].conn, "udp: a peer changed id");
    CHECK(events[i2].conn != events[i1].conn, "udp: two peers share an id");
    CHECK(strcmp(events[i1].peer, a_addr) == 0 && strcmp(events[i2].peer, b_addr) == 0,
          "udp: peers '%s' '%s'", events[i1].peer, events[i2].peer);
    size_t reply = find(i1, "udp", "sendto", events[i1].conn, NULL);
    CHECK(preview_is(&events[reply], "ONE"), "udp: the reply's preview");
}

/* --- HTTP: accept, request, response, close ---------------------------------- */

static void check_http(void)
{
    struct http_config c;
    struct http_server srv;
    struct stop stop;
    struct running r;
    struct ring_reader rd;
    char err[NET_ERR_LEN], me[NET_ADDRSTR_LEN];

    http_config_defaults(&c);
    c.docroot = "/";
    c.workers = 1;
    net_endpoint_from_host_port("127.0.0.1", 0, &c.endpoint, err);
    CHECK(stop_open(&stop, err) == 0 && http_server_open(&srv, &c, &stop, err) == 0, "http: %s",
          err);
    start(&r, http_serve, &srv, &rd);
    int fd = dial(SOCK_STREAM, srv.config.endpoint.port);
    local_text(fd, me, sizeof me);
    say(fd, "GET /stats HTTP/1.0\r\n\r\n");
    hear(fd, "\"conns_total\"");
    close(fd);
    stop_and_read(&r, &stop, &srv.stats->conns_open, http_close, &rd);

    size_t a = find(0, "http", "accept", 0, NULL);
    uint64_t id = events[a].conn;
    CHECK(id != 0 && strcmp(events[a].peer, me) == 0, "http: accept's peer '%s'", events[a].peer);
    size_t in = find(a, "http", "recv", id, NULL);
    CHECK(events[in].result > 0, "http: recv's result");
    find(in, "http", "close", id, "close(fd");
}

/* --- FTP: a session, and a data connection linked to it --------------------- */

static void check_ftp(void)
{
    static struct ftp_config c; /* large: not on the stack */
    static struct ftp_server srv;
    struct stop stop;
    struct running r;
    struct ring_reader rd;
    char err[NET_ERR_LEN];

    ftp_config_defaults(&c);
    c.anonymous = true;
    snprintf(c.root, sizeof c.root, "/");
    net_endpoint_from_host_port("127.0.0.1", 0, &c.endpoint, err);
    CHECK(stop_open(&stop, err) == 0 && ftp_server_open(&srv, &c, &stop, err) == 0, "ftp: %s", err);
    start(&r, ftp_serve, &srv, &rd);
    int ctl = dial(SOCK_STREAM, port_of(srv.listen_fd));
    hear(ctl, "220 ");
    say(ctl, "USER anonymous\r\n");
    hear(ctl, "331 ");
    say(ctl, "PASS secret@example\r\n");
    hear(ctl, "230 ");
    say(ctl, "EPSV\r\n");
    const char *reply = strstr(hear(ctl, "|)"), "(|||");
    CHECK(reply != NULL, "ftp: no EPSV port");
    int data = dial(SOCK_STREAM, (uint16_t)atoi(reply + 4));
    say(ctl, "NLST\r\n");
    /* 150 and 226 may come in one read */
    bool done = strstr(hear(ctl, "150 "), "226 ") != NULL;
    while (recv(data, (char[512]){0}, 512, 0) > 0)
        ;
    close(data);
    if (!done)
        hear(ctl, "226 ");
    say(ctl, "QUIT\r\n");
    hear(ctl, "221 ");
    close(ctl);
    stop_and_read(&r, &stop, &srv.stats->conns_open, ftp_close, &rd);

    size_t a = find(0, "ftp", "accept", 0, NULL);
    uint64_t session = events[a].conn;
    CHECK(session != 0, "ftp: the session has no id");
    size_t user = find(a, "ftp", "recv", session, "C> USER");
    CHECK(preview_is(&events[user], "USER anonymous"), "ftp: USER's preview");
    size_t pass = find(user, "ftp", "recv", session, "C> PASS <hidden>");
    CHECK(events[pass].preview_len == 0, "ftp: the password reached the event stream");
    find(pass, "ftp", "send", session, "S> 230");
    size_t open = find(user, "ftp", "", 0, "data: connection open");
    uint64_t data_id = events[open].conn;
    CHECK(data_id != 0 && data_id != session && events[open].parent == session,
          "ftp: data connection %llu, parent %llu, session %llu", (unsigned long long)data_id,
          (unsigned long long)events[open].parent, (unsigned long long)session);
    size_t data_accept = find(user, "ftp", "accept", data_id, NULL);
    CHECK(events[data_accept].parent == session, "ftp: the data accept's parent");
    find(open, "ftp", "close", data_id, "data: connection closed");
    find(open, "ftp", "send", session, "S> 226");
}

int main(void)
{
    char err[NET_ERR_LEN];
    ring = ring_create(RING_SLOTS, TRACE_RING_RECORD_SIZE, err);
    CHECK(ring != NULL, "%s", err);
    trace_attach_ring(ring);
    trace_ring_follow(true); /* this test reads the ring: events flow only while one does */
    check_tcp(TCP_MODEL_EPOLL);
    check_tcp(TCP_MODEL_THREAD);
    check_tcp(TCP_MODEL_ITERATIVE);
#ifndef __SANITIZE_THREAD__    /* ThreadSanitizer does not follow a fork() among threads */
    check_tcp(TCP_MODEL_FORK); /* the child's events reach the parent's ring */
#endif
    check_udp();
    check_http();
    check_ftp();
    trace_ring_follow(false);
    trace_attach_ring(NULL);
    ring_destroy(ring);
    puts("events: every server's events arrived, in order, on their lifelines");
    return 0;
}
