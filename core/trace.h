/*
 * trace.h - narrate each socket call as it happens (--trace), as events.
 *
 * Every trace point makes one event: the time, the server, the connection,
 * the call and its result, the bytes moved, the two addresses, a preview
 * of the payload, and the text line --trace prints. Every program shares
 * that line's format, so a lecturer can put a server and a client side by
 * side:
 *
 *     [tcp server] accept(fd 3) -> fd 5, peer 127.0.0.1:53122
 *
 * Events go to two sinks:
 *   - stderr, for a tracer made with --trace: the line above, its label
 *     coloured by role (clients cyan, servers green, a fork model's children
 *     yellow, a thread model's threads magenta, FTP sessions blue) only when
 *     stderr is a terminal, NO_COLOR is unset and TERM is not dumb;
 *     written with one call so that lines from several threads (or forked
 *     children) never interleave, and at most the tracer's rate a second;
 *   - the process's ring (trace_attach_ring), which live viewers follow.
 *
 * A trace point leaves errno as it found it, so code after one can still
 * read the errno of the call it traced.
 *
 * Trace points come at two depths. The lesson's (TRACE, TRACE_CALL,
 * TRACE_DATA) are the seed tutorial's calls and their results in plain
 * words: socket, bind, listen, accept, connect, send/recv, sendto/recvfrom,
 * shutdown, close, and each model's own lesson (fork, pthread_create,
 * epoll_wait). The engineering's (TRACE_DETAIL, TRACE_DETAIL_CALL) are
 * the rest: socket options, O_NONBLOCK, recvmmsg batches, MSG_MORE,
 * sendfile, epoll_ctl, timers. --trace shows the lesson; --trace=detail
 * both. A tracer's depth holds for both sinks: a live page sees the
 * engineering only from a server traced with --trace=detail.
 *
 * Each server has its own tracer, so tracing is switched per server. A
 * thread works for one tracer at a time (trace_bind). With neither sink,
 * a trace point costs one branch. An attached ring takes events only while
 * someone follows it (trace_ring_follow): with no page open, a server in
 * netdemo pays one more load per trace point, nothing else.
 *
 * The ring is shared with forked children (ring.h), so the TCP fork
 * model's children add their events to the ring their parent reads.
 */
#ifndef NETDEMO_TRACE_H
#define NETDEMO_TRACE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

struct ring;

#define TRACE_PREVIEW_LEN 40   /* bytes of payload shown in a trace line */
#define TRACE_ADDR_LEN    64   /* an address in an event (longer ones are cut) */
#define TRACE_TEXT_LEN    640  /* the line in an event (longer ones are cut) */
#define TRACE_LINE_LEN    1200 /* a line on stderr, role and colours included */
#define TRACE_PENDING_FDS 1024 /* fds whose accept id can wait for trace_conn_begin() */
/* Events one tracer puts in the ring a second. A page can draw a few
 * thousand a second at most, and a stream sends about as many (http.h),
 * so under a load test the rest are not even formatted: they are counted,
 * and readers are told of them as missed. */
#define TRACE_RING_PER_SECOND 2000

/* How deep a tracer narrates: --trace, --trace=detail. */
enum trace_depth {
    TRACE_OFF,    /* no --trace: events only for a live page, lesson ones */
    TRACE_LESSON, /* --trace: the seed's calls */
    TRACE_DETAIL, /* --trace=detail: the engineering too */
};

/* One server's tracing, or one program's. */
struct tracer {
    const char *server; /* "tcp", "udp", "http", "ftp", or the program's name */
    bool to_stderr;     /* --trace, at either depth */
    bool detail;        /* --trace=detail: TRACE_DETAIL* points too, in both sinks */
    unsigned rate;      /* stderr lines a second; 0: no limit */
    /* the rate limit's state, under trace.c's lock */
    time_t window;         /* the second being counted */
    unsigned in_window;    /* lines printed in that second */
    unsigned long dropped; /* lines suppressed since the last report */
    /* the ring's budget: events in the current second, lock-free */
    atomic_llong ring_window;
    atomic_uint ring_in_window;
};

/* The program's own tracer, for clients and demos (server "netdemo"
 * until tracer_init gives it another). */
extern struct tracer trace_program;

/* One connection, as its events name it. */
struct trace_conn {
    uint64_t id;     /* unique in the process, from 1 */
    uint64_t parent; /* an FTP data connection's session, or 0 */
    char local[TRACE_ADDR_LEN], peer[TRACE_ADDR_LEN];
};

/* What one trace point records: the record the ring holds. */
struct trace_event {
    uint64_t time_us; /* wall clock, microseconds since the epoch */
    uint64_t conn;    /* the connection's id, 0 when none */
    uint64_t parent;  /* its session's id, for an FTP data connection */
    int64_t result;   /* what the call returned */
    uint64_t bytes;   /* bytes moved: the result of recv*, send* (sendfile too) */
    char server[8];
    char role[24]; /* "tcp server", "ftp session", ... */
    char call[16]; /* "accept", "recv", "send", "close", ...; "" for narration */
    char local[TRACE_ADDR_LEN], peer[TRACE_ADDR_LEN];
    char preview[TRACE_PREVIEW_LEN]; /* the payload's first bytes, raw, no character cut */
    uint32_t preview_len;
    char text[TRACE_TEXT_LEN]; /* the --trace line, without "[role] " and newline */
};

/* This thread's place: whose events it makes, and for which connection. */
struct trace_thread {
    bool on; /* a sink wants this tracer's events */
    struct tracer *tracer;
    const char *role;
    const struct trace_conn *conn;
};
extern _Thread_local struct trace_thread trace_here;

/* How many readers follow the ring now (trace_ring_follow). */
extern atomic_int trace_ring_followers;

/* trace_on: would a trace point here make an event? Also for work done
 * only to build one. */
static inline bool trace_on(void)
{
    return trace_here.on && (trace_here.tracer->to_stderr ||
                             atomic_load_explicit(&trace_ring_followers, memory_order_relaxed) > 0);
}

/* trace_detail_on: trace_on for an engineering trace point. Its first
 * test is trace_on's, so it too costs one branch when off. */
static inline bool trace_detail_on(void)
{
    return trace_here.on && trace_here.tracer->detail &&
           (trace_here.tracer->to_stderr ||
            atomic_load_explicit(&trace_ring_followers, memory_order_relaxed) > 0);
}

/* The formats below are looked up in the translations (i18n.h) when the
 * line is made: mark words a student reads N_("..."), not _("...").
 * A format that is only the call's own syntax ("bind(fd %d, %s) -> 0")
 * needs no mark. */

/* TRACE(fmt, ...): a narration line, no call. One branch when off. */
#define TRACE(...)                                                                                 \
    do {                                                                                           \
        if (trace_on())                                                                            \
            trace_log(__VA_ARGS__);                                                                \
    } while (0)

/* TRACE_CALL(call, result, data, len, fmt, ...): a socket call that
 * returned result; the len bytes at data (NULL, 0 if none) are the start
 * of what it moved, for the preview. */
#define TRACE_CALL(call, result, data, len, ...)                                                   \
    do {                                                                                           \
        if (trace_on())                                                                            \
            trace_call_log(call, (int64_t)(result), data, len, __VA_ARGS__);                       \
    } while (0)

/* TRACE_DATA(call, result, data, len, fmt, ...): TRACE_CALL for a call
 * that moved a message: the line ends with trace_preview() of the len
 * bytes at data, so every program shows a message's text the same way. */
#define TRACE_DATA(call, result, data, len, ...)                                                   \
    do {                                                                                           \
        if (trace_on())                                                                            \
            trace_data_log(call, (int64_t)(result), data, len, __VA_ARGS__);                       \
    } while (0)

/* TRACE_DETAIL(fmt, ...), TRACE_DETAIL_CALL(call, result, data, len,
 * fmt, ...): TRACE and TRACE_CALL for the engineering, made only at
 * --trace=detail. */
#define TRACE_DETAIL(...)                                                                          \
    do {                                                                                           \
        if (trace_detail_on())                                                                     \
            trace_log(__VA_ARGS__);                                                                \
    } while (0)

#define TRACE_DETAIL_CALL(call, result, data, len, ...)                                            \
    do {                                                                                           \
        if (trace_detail_on())                                                                     \
            trace_call_log(call, (int64_t)(result), data, len, __VA_ARGS__);                       \
    } while (0)

/* tracer_init: a tracer for server (a string that outlives it), printing
 * on stderr at depth (TRACE_OFF: not at all), at most rate lines a second
 * there (0: no limit). */
void tracer_init(struct tracer *t, const char *server, enum trace_depth depth, unsigned rate);

/* trace_set_depth: t prints on stderr at depth from now on (a program's
 * tracer, after its options are parsed). */
void trace_set_depth(struct tracer *t, enum trace_depth depth);

/* trace_parse_depth: what --trace's value asks for: none (NULL) the
 * lesson, "detail" the engineering too. Returns 0, or -1 for any other. */
int trace_parse_depth(const char *value, enum trace_depth *out);

/* trace_bind: this thread's events go to t from now on, labelled role (a
 * string that outlives the thread). Call at the start of every thread
 * that works for a server, and in a forked child. */
void trace_bind(struct tracer *t, const char *role);

/* trace_bind_for: trace_bind for a while, returning the binding to put
 * back with trace_restore: a server's open runs in its caller's thread. */
struct trace_thread trace_bind_for(struct tracer *t, const char *role);
void trace_restore(struct trace_thread was);

/* trace_set_role: relabel this thread's events, keeping its tracer. */
void trace_set_role(const char *role);

/* trace_redirect: the stderr sink writes to fd instead, in colour or not
 * as the terminal it stands for: a demo's forked server sends its lines
 * to the demo, which prints them in the story's order (trace_relay). */
void trace_redirect(int fd, bool colour);

/* trace_relay: copy what waits in fd (non-blocking: a child's
 * trace_redirect pipe) to stderr, without waiting. Returns false once the
 * writer has closed it. */
bool trace_relay(int fd);

/* trace_fork_relayed: fork a child whose trace lines come to the parent
 * through a pipe, to print where they belong (trace_relay). In the child
 * it returns 0; in the parent the child's pid, with *lines the pipe's
 * non-blocking read end; -1 (errno set) when either call fails. */
pid_t trace_fork_relayed(int *lines);

/* trace_attach_ring: every tracer bound from now on also writes its events
 * to r, which any number of readers follow (NULL: stop). Attach before
 * starting the servers whose events r should hold. */
void trace_attach_ring(struct ring *r);

/* trace_ring_record_size: the record size to create that ring with. */
#define TRACE_RING_RECORD_SIZE sizeof(struct trace_event)

/* trace_ring_follow: a reader of the ring starts (true) or stops (false)
 * following it. Events go to the ring only while one does. A forked child
 * keeps the count it was born with. */
void trace_ring_follow(bool start);

/* trace_ring_skipped: events left out of the ring since the process
 * began, over a tracer's TRACE_RING_PER_SECOND. */
uint64_t trace_ring_skipped(void);

/* trace_event_json: ev as one line of JSON, numbered id:
 * {"id":..,"t":..,"server":..,"role":..,"conn":..,"parent":..,"call":..,
 * "result":..,"bytes":..,"local":..,"peer":..,"preview":..,"text":..}.
 * The preview and text are any bytes, escaped (bytes that are not UTF-8
 * become U+FFFD). Returns the length, or -1 when out is too small. */
int trace_event_json(const struct trace_event *ev, uint64_t id, char *out, size_t outlen);
#define TRACE_EVENT_JSON_MAX 4096 /* enough for any event */

/* trace_conn_begin: name a new connection on fd: the id net_accept() gave
 * it, else a fresh one; and its addresses when tracing.
 * parent: its session's id for an FTP data connection, else 0. */
void trace_conn_begin(struct trace_conn *c, int fd, uint64_t parent);

/* trace_conn_here: trace_conn_begin and trace_conn_enter, for a thread
 * (or process) that serves one connection at a time: the record is this
 * thread's own. */
void trace_conn_here(int fd, uint64_t parent);

/* trace_conn_enter / trace_conn_leave: this thread's events belong to c
 * (which must stay put) until it leaves. */
void trace_conn_enter(const struct trace_conn *c);
void trace_conn_leave(void);

/* trace_conn_next_id: a fresh connection id (for net_accept and UDP peers). */
uint64_t trace_conn_next_id(void);

/* trace_accepted: what net_accept() reports: the accept event, with a
 * fresh id that trace_conn_begin() then takes for fd, on any thread.
 * trace_not_accepted: the same when not tracing: fd has no id waiting. */
void trace_accepted(int listen_fd, int fd, const char *peer);
void trace_not_accepted(int fd);

/* trace_log: a narration event, "[role] " + the formatted text. */
void trace_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* trace_call_log: a call event; see TRACE_CALL. */
void trace_call_log(const char *call, int64_t result, const void *data, size_t len, const char *fmt,
                    ...) __attribute__((format(printf, 5, 6)));

/* trace_data_log: a call event whose line ends with a preview; see TRACE_DATA. */
void trace_data_log(const char *call, int64_t result, const void *data, size_t len, const char *fmt,
                    ...) __attribute__((format(printf, 5, 6)));

/* trace_preview: a short, printable, quoted view of payload bytes for a
 * trace line: "dream is handsome", "\x00\x01..." (+N more), at most
 * TRACE_PREVIEW_LEN bytes of them. On a UTF-8 locale (trace_use_locale)
 * valid UTF-8 shows as text, "你好"; everything else stays escaped: control
 * bytes (ESC too), bytes that are not UTF-8, and characters that could
 * take over a terminal (C1 controls, bidirectional overrides: "\u202e").
 * A character that the preview's end would cut is left out whole.
 * out needs TRACE_PREVIEW_TEXT_LEN bytes to hold any preview. Returns out. */
const char *trace_preview(const void *data, size_t len, char *out, size_t outlen);
#define TRACE_PREVIEW_TEXT_LEN                                                                     \
    (TRACE_PREVIEW_LEN * 4 + 32) /* "\xNN" per byte, quotes, "(+N more)" */

/* trace_use_locale: take the terminal's character set from the
 * environment (setlocale(LC_CTYPE, "")) and show UTF-8 previews as text
 * if it is UTF-8. Every program's main() calls it first, before any
 * thread starts: setlocale() is not thread-safe. */
void trace_use_locale(void);

/* trace_show_utf8: show valid UTF-8 in previews as text (true) or as
 * escaped bytes (false, the default: a terminal of unknown charset). */
void trace_show_utf8(bool on);

#endif
