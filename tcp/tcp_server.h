/*
 * tcp_server.h - the TCP upper-case/echo server of the seed's phone call, in
 * four concurrency models.
 *
 *   iterative  one caller at a time: the seed's inf_loop / comm_loop
 *   fork       a process per caller (processes do not share memory)
 *   thread     a thread per caller (threads share the process's memory)
 *   epoll      one thread, one event loop, many callers
 */
#ifndef NETDEMO_TCP_SERVER_H
#define NETDEMO_TCP_SERVER_H

#include "counters.h"
#include "net.h"
#include "serve.h"
#include "stop.h"
#include "trace.h"

#include <stddef.h>

#define TCP_DEFAULT_HOST    "127.0.0.1"
#define TCP_DEFAULT_PORT    9000        /* the seed's ip_port */
#define TCP_BUFSIZE         (64 * 1024) /* the seed uses 1024; bigger is faster */
#define TCP_ACCEPT_PAUSE_MS 100         /* wait before accepting again when out of fds */
/* the models */
#define TCP_THREAD_STACK_SIZE (256 * 1024) /* comm_loop needs TCP_BUFSIZE and a little */
#define TCP_FORK_MAX_CHILDREN 4096         /* callers served at once */
#define TCP_FORK_REAP_MS      500          /* how often the parent looks for dead children */
#define TCP_FORK_GRACE_MS     2000         /* how long children get to finish at shutdown */
#define TCP_EPOLL_BUFSIZE     (256 * 1024) /* one shared buffer for every caller */
#define TCP_EPOLL_FDS         1024         /* initial handler table; it grows */

enum tcp_model { TCP_MODEL_ITERATIVE, TCP_MODEL_FORK, TCP_MODEL_THREAD, TCP_MODEL_EPOLL };
/* What the server answers: the bytes upper-cased, the bytes unchanged, or
 * nothing at all (RFC 863's discard: a sink that measures one direction). */
enum tcp_mode { TCP_MODE_UPPER, TCP_MODE_ECHO, TCP_MODE_DISCARD };

struct tcp_config {
    struct net_endpoint endpoint;
    enum tcp_model model;
    enum tcp_mode mode;
    enum trace_depth trace; /* --trace: narrate on stderr, at this depth */
};

struct tcp_server {
    struct tcp_config config;
    int listen_fd;
    struct counters *stats;
    struct stop *stop;    /* the caller's: ends serve() when requested */
    struct tracer tracer; /* where its trace events go */
};

/* tcp_server_open: socket, bind and listen (the phone gets its number).
 * stop (open, owned by the caller) is what ends tcp_server_serve().
 * Returns 0, or -1 with the reason in err. */
int tcp_server_open(struct tcp_server *srv, const struct tcp_config *config, struct stop *stop,
                    char *err);

/* tcp_server_serve: answer callers with the configured model until the
 * server's stop handle is requested (SIGINT, SIGTERM, stop_request()). Every open
 * connection is closed before it returns. Returns 0, or -1 on a failure that
 * stops the whole server (the reason in err). */
int tcp_server_serve(struct tcp_server *srv, char *err);

/* tcp_server_close: close the listening socket and free the counters. */
void tcp_server_close(struct tcp_server *srv);

/* The four models, each in its own file. */
int tcp_serve_iterative(struct tcp_server *srv, char *err);
int tcp_serve_fork(struct tcp_server *srv, char *err);
int tcp_serve_thread(struct tcp_server *srv, char *err);
int tcp_serve_epoll(struct tcp_server *srv, char *err);

/* Shared by the blocking models (iterative, fork, thread). */

/* tcp_accept_call: wait for a caller or for the stop; accept and count it.
 * Returns the connection fd, or -1 (check stop_requested()). When
 * timeout_ms passes first it returns -1 with errno EAGAIN. */
int tcp_accept_call(struct tcp_server *srv, int timeout_ms);

/* tcp_comm_loop: the seed's comm_loop: recv, answer, until the caller hangs
 * up. Counts bytes and errors. */
void tcp_comm_loop(struct tcp_server *srv, int conn);

/* tcp_answer_call: tcp_answer for the len bytes a caller on conn sent,
 * and at its first message (*heard false; then set) the lecture line,
 * who called, what they said, and the answer (lecture.h). Returns the
 * reply's length, as tcp_answer. */
size_t tcp_answer_call(struct tcp_server *srv, int conn, char *buf, size_t len, bool *heard);

/* tcp_tell_silent: the lecture line for a caller on conn that hangs up
 * without having said anything (heard false). */
void tcp_tell_silent(int conn, bool heard);

/* tcp_hang_up: close a connection and count it closed (conn.close()). */
void tcp_hang_up(struct tcp_server *srv, int conn);

/* tcp_answer: turn received bytes into the reply, in place. Upper mode
 * upper-cases ASCII letters and passes every other byte through. Returns
 * the reply's length: len, or 0 in discard mode (nothing to send). */
size_t tcp_answer(enum tcp_mode mode, char *buf, size_t len);

/* tcp_model_name / tcp_mode_name / tcp_parse_model / tcp_parse_mode:
 * text forms. */
const char *tcp_model_name(enum tcp_model model);
const char *tcp_mode_name(enum tcp_mode mode);
int tcp_parse_model(const char *text, enum tcp_model *out);
int tcp_parse_mode(const char *text, enum tcp_mode *out);

/* tcp_config_defaults: the documented defaults (the epoll model, upper
 * mode, no trace). The endpoint is left empty: -H and -p give it. */
void tcp_config_defaults(struct tcp_config *config);

/* tcp_server_ops: `tcp-demo server` as server_main() runs it. */
extern const struct server_ops tcp_server_ops;

/* tcp_server_main: `tcp-demo server ...`; returns the exit code. */
int tcp_server_main(int argc, char *argv[]);

/* tcp_demo_main: `tcp-demo` alone, the seed's exchange; the exit code. */
int tcp_demo_main(void);

#endif
