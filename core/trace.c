/*
 * trace.c - the shared --trace narrator: events, and the sinks they go to.
 */
#include "trace.h"

#include "net.h"
#include "ring.h"
#include "trace_text.h"
#include "i18n.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

struct tracer trace_program = {.server = "netdemo"};
_Thread_local struct trace_thread trace_here;

static pthread_mutex_t trace_lock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic(struct ring *) trace_ring;
atomic_int trace_ring_followers;
static atomic_uint_fast64_t trace_ring_skips;
static atomic_uint_fast64_t trace_last_id;

/* The id the accept event gave each new connection, by fd, until
 * trace_conn_begin() takes it, on whichever thread (or forked child)
 * serves it. A connection on a higher fd gets a fresh id there. */
static atomic_uint_fast64_t trace_pending[TRACE_PENDING_FDS];

/* A forked child of a threaded process keeps only the forking thread: if
 * another held the lock then, the child would wait on it for ever. Take it
 * around fork(), as the fork model's children trace too. */
static pthread_once_t trace_fork_once = PTHREAD_ONCE_INIT;

static void trace_lock_take(void)
{
    pthread_mutex_lock(&trace_lock);
}

static void trace_lock_give(void)
{
    pthread_mutex_unlock(&trace_lock);
}

static void trace_arm_fork(void)
{
    pthread_atfork(trace_lock_take, trace_lock_give, trace_lock_give);
}

void tracer_init(struct tracer *t, const char *server, enum trace_depth depth, unsigned rate)
{
    pthread_once(&trace_fork_once, trace_arm_fork);
    *t = (struct tracer){.server = server, .rate = rate};
    trace_set_depth(t, depth);
    atomic_init(&t->ring_window, 0);
    atomic_init(&t->ring_in_window, 0);
}

void trace_set_depth(struct tracer *t, enum trace_depth depth)
{
    t->to_stderr = depth != TRACE_OFF;
    t->detail = depth == TRACE_DETAIL;
}

int trace_parse_depth(const char *value, enum trace_depth *out)
{
    if (value == NULL)
        *out = TRACE_LESSON;
    else if (strcmp(value, "detail") == 0)
        *out = TRACE_DETAIL;
    else
        return -1;
    return 0;
}

void trace_bind(struct tracer *t, const char *role)
{
    trace_here.tracer = t;
    trace_here.role = role;
    trace_here.conn = NULL;
    trace_here.on = t != NULL && (t->to_stderr || atomic_load(&trace_ring) != NULL);
}

struct trace_thread trace_bind_for(struct tracer *t, const char *role)
{
    struct trace_thread was = trace_here;
    trace_bind(t, role);
    return was;
}

void trace_restore(struct trace_thread was)
{
    trace_here = was;
}

void trace_set_role(const char *role)
{
    trace_bind(trace_here.tracer ? trace_here.tracer : &trace_program, role);
}

void trace_attach_ring(struct ring *r)
{
    atomic_store(&trace_ring, r);
}

void trace_ring_follow(bool start)
{
    atomic_fetch_add(&trace_ring_followers, start ? 1 : -1);
}

uint64_t trace_conn_next_id(void)
{
    return atomic_fetch_add(&trace_last_id, 1) + 1;
}

void trace_conn_begin(struct trace_conn *c, int fd, uint64_t parent)
{
    c->parent = parent;
    c->id = 0;
    if (fd >= 0 && fd < TRACE_PENDING_FDS)
        c->id = atomic_exchange(&trace_pending[fd], 0);
    if (c->id == 0)
        c->id = trace_conn_next_id();
    c->local[0] = c->peer[0] = '\0';
    if (!trace_on()) /* the addresses cost two system calls: only when wanted */
        return;
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0)
        net_format_addr((struct sockaddr *)&ss, len, c->local, sizeof c->local);
    len = sizeof ss;
    if (getpeername(fd, (struct sockaddr *)&ss, &len) == 0)
        net_format_addr((struct sockaddr *)&ss, len, c->peer, sizeof c->peer);
}

void trace_conn_here(int fd, uint64_t parent)
{
    static _Thread_local struct trace_conn mine;
    trace_conn_begin(&mine, fd, parent);
    trace_conn_enter(&mine);
}

void trace_conn_enter(const struct trace_conn *c)
{
    trace_here.conn = c;
}

void trace_conn_leave(void)
{
    trace_here.conn = NULL;
}

/* Decide under the lock whether a line may go to stderr; returns the count
 * of earlier suppressed lines to report first (or 0). */
static bool trace_admit(struct tracer *t, unsigned long *dropped_before)
{
    *dropped_before = 0;
    if (t->rate == 0)
        return true;
    time_t now = time(NULL);
    if (now != t->window) {
        t->window = now;
        t->in_window = 0;
        *dropped_before = t->dropped;
        t->dropped = 0;
    }
    if (t->in_window >= t->rate) {
        t->dropped++;
        return false;
    }
    t->in_window++;
    return true;
}

/* Where the stderr sink writes, and whether in colour (-1: as
 * trace_wants_colour says). */
static int trace_out = STDERR_FILENO;
static int trace_colour = -1;

/* Colour only for a person at a terminal: never in a pipe or a file (tests
 * compare those byte for byte), nor when NO_COLOR is set (no-color.org)
 * or the terminal is dumb. */
static bool trace_wants_colour(void)
{
    const char *no_colour = getenv("NO_COLOR");
    const char *term = getenv("TERM");
    return isatty(STDERR_FILENO) && (no_colour == NULL || no_colour[0] == '\0') &&
           (term == NULL || strcmp(term, "dumb") != 0);
}

/* Each role's colour, by a word in its label, so that the class tells the
 * sides apart at a glance; the first match wins. */
static const struct {
    const char *word;
    const char *colour;
} trace_role_colours[] = {
    {"child", "\033[33m"},   /* yellow: a fork model's child */
    {"thread", "\033[35m"},  /* magenta: a thread model's thread */
    {"session", "\033[34m"}, /* blue: an FTP session */
    {"server", "\033[32m"},  /* green: a server */
};
#define TRACE_CLIENT_COLOUR "\033[36m" /* cyan: clients, ping, multicast, boundaries */

static const char *trace_role_colour(const char *role)
{
    for (size_t i = 0; i < sizeof trace_role_colours / sizeof trace_role_colours[0]; i++)
        if (strstr(role, trace_role_colours[i].word) != NULL)
            return trace_role_colours[i].colour;
    return TRACE_CLIENT_COLOUR;
}

void trace_redirect(int fd, bool colour)
{
    trace_out = fd;
    trace_colour = colour;
}

bool trace_relay(int fd)
{
    char buf[4096];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n == -1 && errno == EINTR)
            continue;
        if (n <= 0)
            return n == -1 && errno == EAGAIN;
        ssize_t rc = write(STDERR_FILENO, buf, (size_t)n);
        (void)rc; /* as trace_write */
    }
}

pid_t trace_fork_relayed(int *lines)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) == -1)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        trace_redirect(fds[1], trace_wants_colour());
        return 0;
    }
    close(fds[1]);
    if (pid == -1) {
        close(fds[0]);
        return -1;
    }
    fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
    *lines = fds[0];
    return pid;
}

static void trace_write(char *line, int len)
{
    if (len < 0)
        return;
    if ((size_t)len >= TRACE_LINE_LEN) { /* truncated by snprintf: keep the newline */
        len = TRACE_LINE_LEN - 1;
        line[len - 1] = '\n';
    }
    ssize_t rc = write(trace_out, line, (size_t)len);
    (void)rc; /* nowhere left to report a failed trace */
}

/* The stderr sink: today's line, byte for byte. */
static void trace_to_stderr(struct tracer *t, const char *role, const char *text)
{
    char line[TRACE_LINE_LEN];
    bool colour = trace_colour == -1 ? trace_wants_colour() : trace_colour;
    const char *on = colour ? trace_role_colour(role) : "";
    const char *off = colour ? "\033[0m" : "";

    pthread_mutex_lock(&trace_lock);
    unsigned long dropped;
    bool admit = trace_admit(t, &dropped);
    pthread_mutex_unlock(&trace_lock);
    /* One write() per line: lines from other processes (a forked server,
     * its children) never interleave mid-line. */
    if (dropped > 0) {
        char note[128];
        snprintf(note, sizeof note,
                 ngettext("(%lu trace line suppressed)", "(%lu trace lines suppressed)", dropped),
                 dropped);
        trace_write(line, snprintf(line, sizeof line, "%s[%s]%s %s\n", on, role, off, note));
    }
    if (admit)
        trace_write(line, snprintf(line, sizeof line, "%s[%s]%s %s\n", on, role, off, text));
}

/* Copy as much of in as fits; events keep fixed-size fields. */
static void copy_text(char *out, size_t outlen, const char *in)
{
    size_t n = strnlen(in, outlen - 1);
    memcpy(out, in, n);
    out[n] = '\0';
}

/* The ring sink: the whole event. */
static void trace_to_ring(struct ring *r, const char *call, int64_t result, const void *data,
                          size_t len, const char *text)
{
    struct trace_event ev;
    struct timeval tv;
    const struct trace_conn *c = trace_here.conn;

    memset(&ev, 0, sizeof ev);
    gettimeofday(&tv, NULL);
    ev.time_us = (uint64_t)tv.tv_sec * 1000000u + (uint64_t)tv.tv_usec;
    ev.result = result;
    /* recv, recvfrom, send, sendto, sendmsg, sendfile: the result is a
     * count of bytes; recvmmsg's and sendmmsg's is of datagrams, whose
     * bytes their recvfrom and sendto events carry */
    if (result > 0 && (strncmp(call, "recv", 4) == 0 || strncmp(call, "send", 4) == 0) &&
        strstr(call, "mmsg") == NULL)
        ev.bytes = (uint64_t)result;
    if (c != NULL) {
        ev.conn = c->id;
        ev.parent = c->parent;
        copy_text(ev.local, sizeof ev.local, c->local);
        copy_text(ev.peer, sizeof ev.peer, c->peer);
    }
    copy_text(ev.server, sizeof ev.server, trace_here.tracer->server);
    copy_text(ev.role, sizeof ev.role, trace_here.role ? trace_here.role : "");
    copy_text(ev.call, sizeof ev.call, call);
    if (data != NULL) {
        ev.preview_len = (uint32_t)trace_text_whole(data, len, TRACE_PREVIEW_LEN);
        memcpy(ev.preview, data, ev.preview_len);
    }
    copy_text(ev.text, sizeof ev.text, text);
    ring_write(r, &ev);
}

/* May t put one more event in the ring this second? Threads race only
 * over which of them starts the next second's count: a few events more or
 * less, never a wait. */
static bool trace_ring_budget(struct tracer *t)
{
    long long now = (long long)time(NULL);
    long long window = atomic_load_explicit(&t->ring_window, memory_order_relaxed);
    if (window != now &&
        atomic_compare_exchange_strong_explicit(&t->ring_window, &window, now, memory_order_relaxed,
                                                memory_order_relaxed))
        atomic_store_explicit(&t->ring_in_window, 0, memory_order_relaxed);
    if (atomic_fetch_add_explicit(&t->ring_in_window, 1, memory_order_relaxed) <
        TRACE_RING_PER_SECOND)
        return true;
    atomic_fetch_add_explicit(&trace_ring_skips, 1, memory_order_relaxed);
    return false;
}

uint64_t trace_ring_skipped(void)
{
    return atomic_load_explicit(&trace_ring_skips, memory_order_relaxed);
}

/* show: end the line with a preview of the data (TRACE_DATA). */
static void trace_emit(const char *call, int64_t result, const void *data, size_t len, bool show,
                       const char *fmt, va_list ap)
{
    struct tracer *t = trace_here.tracer;
    struct ring *r = atomic_load_explicit(&trace_ring, memory_order_relaxed);
    bool to_ring = r != NULL &&
                   atomic_load_explicit(&trace_ring_followers, memory_order_relaxed) > 0 &&
                   trace_ring_budget(t);
    if (!t->to_stderr && !to_ring)
        return; /* over the ring's budget: not even formatted */
    /* A trace point sits between a call and the code that reads its
     * errno: the line's own writes must leave errno as the call did. */
    int saved_errno = errno;
    char text[1024];
    /* The format is translated here, once the event is sure to be made:
     * trace points mark theirs N_(), so one over the ring's budget costs
     * no lookup (gettext() takes a process-wide lock). */
    int n = vsnprintf(text, sizeof text, gettext(fmt), ap);
    if (show && n >= 0 && (size_t)n + 2 < sizeof text) {
        text[n++] = ' ';
        trace_preview(data, len, text + n, sizeof text - (size_t)n);
    }
    char safe[sizeof text];
    trace_text_safe(text, safe, sizeof safe);
    const char *role = trace_here.role ? trace_here.role : t->server;
    if (t->to_stderr)
        trace_to_stderr(t, role, safe);
    if (to_ring)
        trace_to_ring(r, call, result, data, len, safe);
    errno = saved_errno;
}

void trace_log(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    trace_emit("", 0, NULL, 0, false, fmt, ap);
    va_end(ap);
}

void trace_call_log(const char *call, int64_t result, const void *data, size_t len, const char *fmt,
                    ...)
{
    va_list ap;
    va_start(ap, fmt);
    trace_emit(call, result, data, len, false, fmt, ap);
    va_end(ap);
}

void trace_data_log(const char *call, int64_t result, const void *data, size_t len, const char *fmt,
                    ...)
{
    va_list ap;
    va_start(ap, fmt);
    trace_emit(call, result, data, len, true, fmt, ap);
    va_end(ap);
}

void trace_not_accepted(int fd)
{
    if (fd >= 0 && fd < TRACE_PENDING_FDS)
        atomic_store_explicit(&trace_pending[fd], 0, memory_order_relaxed);
}

void trace_accepted(int listen_fd, int fd, const char *peer)
{
    /* The accept belongs to the new connection's lifeline: name it now. */
    /* A connection accepted while serving another (an FTP data
     * connection, by its session) is that one's child. */
    const struct trace_conn *was = trace_here.conn;
    struct trace_conn c = {.id = trace_conn_next_id(), .parent = was != NULL ? was->id : 0};
    if (fd >= 0 && fd < TRACE_PENDING_FDS)
        atomic_store(&trace_pending[fd], c.id);
    copy_text(c.peer, sizeof c.peer, peer);
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0)
        net_format_addr((struct sockaddr *)&ss, len, c.local, sizeof c.local);
    trace_here.conn = &c;
    trace_call_log("accept", fd, NULL, 0, N_("accept(fd %d) -> fd %d, peer %s"), listen_fd, fd,
                   peer);
    /* Once a process: "[::ffff:127.0.0.1]" puzzles a class the first time. */
    static atomic_bool mapped_told;
    if (strncmp(peer, "[::ffff:", 8) == 0 && !atomic_exchange(&mapped_told, true))
        trace_log(N_("  (%s is an IPv4 caller on an IPv6 socket: its address, mapped into "
                     "IPv6's ::ffff:0:0/96)"),
                  peer);
    trace_here.conn = was;
}
