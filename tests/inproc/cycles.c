/*
 * cycles.c - each server started, used by a real client and stopped, 100
 * times over in one process: afterwards the process has exactly the
 * descriptors and threads it began with. With AddressSanitizer, no memory
 * is left behind either; with ThreadSanitizer, no race.
 *
 * Then all four at once, as netdemo runs them: clients keep talking to
 * UDP, HTTP and FTP from their own threads while the TCP server is
 * stopped and started again, RESTARTS times; none of them may see a
 * failure, and the restarted server must answer each time.
 *
 * A plain program, not Criterion: it also runs under ThreadSanitizer.
 * Exit 0 when every cycle passed, 1 with one line on stderr otherwise.
 */
#include "hear.h"
#include "net.h"
#include "serve.h"
#include "stop.h"

#include "ftp/ftp_server.h"
#include "http/http_server.h"
#include "tcp/tcp_server.h"
#include "udp/udp_server.h"

#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define CYCLES   100
#define RESTARTS 20

/* One kind of server: its own open with a test config, then its
 * operations table (serve, close, where it listens) as netdemo uses it. */
struct kind {
    const char *name;
    int (*open)(void *srv, struct stop *stop, char *err);
    const struct server_ops *ops;
    int (*talk)(uint16_t port, char *err); /* one real exchange */
};

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    if (d == NULL)
        return -1;
    while (readdir(d) != NULL)
        n++;
    closedir(d);
    return n;
}

/* A client socket to 127.0.0.1:port with a 5 s limit on every call. */
static int dial(int type, uint16_t port, char *err)
{
    struct net_endpoint ep;
    if (net_endpoint_from_host_port("127.0.0.1", port, &ep, err) == -1)
        return -1;
    int fd = type == SOCK_STREAM ? net_connect(&ep, 5000, err) : net_udp_connect(&ep, err);
    struct timeval tv = {.tv_sec = 5};
    if (fd != -1) {
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    }
    return fd;
}

/* Send request, read until want is in the reply (or the peer closes). */
static int exchange(int type, uint16_t port, const char *request, const char *want, char *err)
{
    char reply[4096];
    int fd = dial(type, port, err);
    if (fd == -1)
        return -1;
    if (request != NULL && send(fd, request, strlen(request), MSG_NOSIGNAL) == -1) {
        snprintf(err, NET_ERR_LEN, "send: failed");
        close(fd);
        return -1;
    }
    bool heard = hear_until(fd, reply, sizeof reply, want);
    close(fd);
    if (!heard) {
        snprintf(err, NET_ERR_LEN, "no '%s' in the reply: '%.60s'", want, reply);
        return -1;
    }
    return 0;
}

/* --- the four servers ------------------------------------------------------ */

static int tcp_open(void *srv, struct stop *stop, char *err)
{
    struct tcp_config c = {.model = TCP_MODEL_EPOLL, .mode = TCP_MODE_UPPER};
    net_endpoint_from_host_port("127.0.0.1", 0, &c.endpoint, err);
    return tcp_server_open(srv, &c, stop, err);
}

static int tcp_talk(uint16_t port, char *err)
{
    return exchange(SOCK_STREAM, port, "dream is handsome", "DREAM IS HANDSOME", err);
}

static int thread_model_open(void *srv, struct stop *stop, char *err)
{
    struct tcp_config c = {.model = TCP_MODEL_THREAD, .mode = TCP_MODE_UPPER};
    net_endpoint_from_host_port("127.0.0.1", 0, &c.endpoint, err);
    return tcp_server_open(srv, &c, stop, err);
}

static int udp_open(void *srv, struct stop *stop, char *err)
{
    struct udp_config c = {.mode = UDP_MODE_UPPER};
    net_endpoint_from_host_port("127.0.0.1", 0, &c.endpoint, err);
    return udp_server_open(srv, &c, stop, err);
}

static int udp_talk(uint16_t port, char *err)
{
    return exchange(SOCK_DGRAM, port, "dream is handsome", "DREAM IS HANDSOME", err);
}

static int http_open(void *srv, struct stop *stop, char *err)
{
    struct http_config c;
    http_config_defaults(&c);
    c.docroot = "/";
    c.workers = 2;
    net_endpoint_from_host_port("127.0.0.1", 0, &c.endpoint, err);
    return http_server_open(srv, &c, stop, err);
}

static int http_talk(uint16_t port, char *err)
{
    return exchange(SOCK_STREAM, port, "GET /stats HTTP/1.0\r\n\r\n", "\"conns_total\"", err);
}

static int ftp_open(void *srv, struct stop *stop, char *err)
{
    static struct ftp_config c; /* large: not on the stack */
    ftp_config_defaults(&c);
    c.anonymous = true;
    snprintf(c.root, sizeof c.root, "/");
    net_endpoint_from_host_port("127.0.0.1", 0, &c.endpoint, err);
    return ftp_server_open(srv, &c, stop, err);
}

static int ftp_talk(uint16_t port, char *err)
{
    return exchange(SOCK_STREAM, port, "QUIT\r\n", "221 ", err);
}

static const struct kind kinds[] = {
    {"tcp (epoll model)", tcp_open, &tcp_server_ops, tcp_talk},
    {"tcp (thread model)", thread_model_open, &tcp_server_ops, tcp_talk},
    {"udp", udp_open, &udp_server_ops, udp_talk},
    {"http", http_open, &http_server_ops, http_talk},
    {"ftp", ftp_open, &ftp_server_ops, ftp_talk},
};

/* --- one cycle --------------------------------------------------------------- */

struct running {
    const struct kind *kind;
    void *srv;
    int rc;
    char err[NET_ERR_LEN];
};

static void *serve_main(void *arg)
{
    struct running *r = arg;
    r->rc = r->kind->ops->serve(r->srv, r->err);
    return NULL;
}

/* Open, serve on a thread, talk, stop, join, close. */
static int cycle(const struct kind *k, void *srv, char *err)
{
    struct stop stop;
    struct running r = {.kind = k, .srv = srv};
    pthread_t t;

    if (stop_open(&stop, err) == -1)
        return -1;
    if (k->open(srv, &stop, err) == -1) {
        stop_close(&stop);
        return -1;
    }
    int rc = pthread_create(&t, NULL, serve_main, &r) == 0 ? 0 : -1;
    if (rc == 0) {
        rc = k->talk(server_port(k->ops, srv), err);
        stop_request(&stop);
        pthread_join(t, NULL);
        if (rc == 0 && r.rc != 0) {
            snprintf(err, NET_ERR_LEN, "serve: %.200s", r.err);
            rc = -1;
        }
    }
    k->ops->close(srv);
    stop_close(&stop);
    return rc;
}

/* --- all four at once ----------------------------------------------------- */

struct started {
    const struct kind *kind;
    void *srv;
    struct stop stop;
    struct running run;
    pthread_t thread;
};

static int start(struct started *s, const struct kind *k, char *err)
{
    s->kind = k;
    s->run = (struct running){.kind = k, .srv = s->srv};
    if (stop_open(&s->stop, err) == -1)
        return -1;
    if (k->open(s->srv, &s->stop, err) == -1 ||
        pthread_create(&s->thread, NULL, serve_main, &s->run) != 0) {
        stop_close(&s->stop);
        return -1;
    }
    return 0;
}

static int finish(struct started *s, char *err)
{
    stop_request(&s->stop);
    pthread_join(s->thread, NULL);
    s->kind->ops->close(s->srv);
    stop_close(&s->stop);
    if (s->run.rc == 0)
        return 0;
    snprintf(err, NET_ERR_LEN, "%s: serve: %.200s", s->kind->name, s->run.err);
    return -1;
}

/* A client thread: talk to one server until told to stop. */
struct talker {
    const struct kind *kind;
    uint16_t port;
    atomic_bool *done;
    int talks, failures;
    char err[NET_ERR_LEN];
};

static void *talk_main(void *arg)
{
    struct talker *t = arg;
    while (!atomic_load(t->done)) {
        if (t->kind->talk(t->port, t->err) == 0)
            t->talks++;
        else
            t->failures++;
    }
    return NULL;
}

/* UDP, HTTP and FTP serve their clients while TCP restarts. */
static int together(void *storage[4], char *err)
{
    const struct kind *four[4] = {&kinds[0], &kinds[2], &kinds[3], &kinds[4]};
    struct started s[4];
    struct talker talkers[3];
    pthread_t threads[3];
    atomic_bool done = false;
    int rc = 0, up = 0, talking = 0;

    for (; up < 4; up++) {
        s[up].srv = storage[up];
        if (start(&s[up], four[up], err) == -1) {
            rc = -1;
            break;
        }
    }
    while (rc == 0 && talking < 3) {
        struct talker *t = &talkers[talking];
        *t = (struct talker){.kind = four[talking + 1],
                             .port = server_port(four[talking + 1]->ops, s[talking + 1].srv),
                             .done = &done};
        if (pthread_create(&threads[talking], NULL, talk_main, t) != 0)
            rc = -1;
        else
            talking++;
    }
    bool tcp_up = up > 0;
    for (int n = 0; rc == 0 && n < RESTARTS; n++) {
        rc = finish(&s[0], err);
        tcp_up = rc == 0 && start(&s[0], four[0], err) == 0;
        if (!tcp_up || four[0]->talk(server_port(four[0]->ops, s[0].srv), err) == -1)
            rc = -1;
    }
    atomic_store(&done, true);
    for (int i = 0; i < talking; i++) {
        pthread_join(threads[i], NULL);
        if (rc == 0 && (talkers[i].failures > 0 || talkers[i].talks == 0)) {
            snprintf(err, NET_ERR_LEN, "%s: %d exchanges, %d failed while tcp restarted: %.120s",
                     talkers[i].kind->name, talkers[i].talks, talkers[i].failures, talkers[i].err);
            rc = -1;
        }
    }
    char ignored[NET_ERR_LEN]; /* the first failure is the one to report */
    for (int i = tcp_up ? 0 : 1; i < up; i++)
        if (finish(&s[i], rc == 0 ? err : ignored) == -1)
            rc = -1;
    if (rc == 0)
        printf("together: udp %d, http %d and ftp %d exchanges, none failed, while tcp "
               "restarted %d times\n",
               talkers[0].talks, talkers[1].talks, talkers[2].talks, RESTARTS);
    return rc;
}

/* Wait (bounded) for the counts to settle: a detached session thread may
 * still be on its last lines when serve() returns. */
static bool counts_back(int fds, int threads, int *fds_now, int *threads_now)
{
    for (int wait_ms = 0; wait_ms <= 2000; wait_ms += 10) {
        *fds_now = count_entries("/proc/self/fd");
        *threads_now = count_entries("/proc/self/task");
        if (*fds_now == fds && *threads_now == threads)
            return true;
        usleep(10 * 1000);
    }
    return false;
}

int main(void)
{
    char err[NET_ERR_LEN] = "";
    size_t size = sizeof(struct ftp_server) + sizeof(struct http_server) +
                  sizeof(struct tcp_server) + sizeof(struct udp_server);
    void *srv = malloc(size); /* room for any one of them */
    int rc = srv == NULL ? 1 : 0;

    /* One cycle first, uncounted: a sanitizer's runtime starts a thread of
     * its own the first time a thread is created, and keeps it. */
    if (rc == 0 && cycle(&kinds[0], srv, err) == -1) {
        fprintf(stderr, "cycles: %s, the first cycle: %s\n", kinds[0].name, err);
        rc = 1;
    }
    int fds = count_entries("/proc/self/fd"), threads = count_entries("/proc/self/task");

    for (size_t i = 0; rc == 0 && i < sizeof kinds / sizeof kinds[0]; i++) {
        for (int n = 0; rc == 0 && n < CYCLES; n++) {
            if (cycle(&kinds[i], srv, err) == -1) {
                fprintf(stderr, "cycles: %s, cycle %d: %s\n", kinds[i].name, n + 1, err);
                rc = 1;
            }
        }
        int fds_now = -1, threads_now = -1;
        if (rc == 0 && !counts_back(fds, threads, &fds_now, &threads_now)) {
            fprintf(stderr, "cycles: %s: %d fds and %d threads after, %d and %d before\n",
                    kinds[i].name, fds_now, threads_now, fds, threads);
            rc = 1;
        }
        if (rc == 0)
            printf("cycles: %s: %d starts and stops, fds %d and threads %d as before\n",
                   kinds[i].name, CYCLES, fds_now, threads_now);
    }
    void *four[4] = {malloc(sizeof(struct tcp_server)), malloc(sizeof(struct udp_server)),
                     malloc(sizeof(struct http_server)), malloc(sizeof(struct ftp_server))};
    if (rc == 0 && (four[0] == NULL || four[1] == NULL || four[2] == NULL || four[3] == NULL)) {
        fprintf(stderr, "cycles: out of memory\n");
        rc = 1;
    }
    if (rc == 0 && together(four, err) == -1) {
        fprintf(stderr, "cycles: all four at once: %s\n", err);
        rc = 1;
    }
    int fds_now = -1, threads_now = -1;
    if (rc == 0 && !counts_back(fds, threads, &fds_now, &threads_now)) {
        fprintf(stderr, "cycles: all four at once: %d fds and %d threads after, %d and %d before\n",
                fds_now, threads_now, fds, threads);
        rc = 1;
    }
    for (int i = 0; i < 4; i++)
        free(four[i]);
    free(srv);
    return rc;
}
