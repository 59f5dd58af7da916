/*
 * counters.h - per-server counters: connections, bytes, errors.
 *
 * Each server owns one struct counters. They live in memory shared with
 * forked children, so the fork model counts too, and the fields are atomic,
 * so threads and children update them without locks. A process-wide list
 * lets one page (/stats) report every server running in the process.
 */
#ifndef NETDEMO_COUNTERS_H
#define NETDEMO_COUNTERS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#define COUNTERS_NAME_LEN 32
#define COUNTERS_MAX      16 /* servers one process can register */

struct counters {
    char name[COUNTERS_NAME_LEN]; /* "tcp", "udp", "http", "ftp" */
    atomic_llong conns_open;      /* connections (or sessions) now open */
    atomic_llong conns_total;     /* connections accepted since start */
    atomic_llong bytes_in;        /* payload bytes received */
    atomic_llong bytes_out;       /* payload bytes sent */
    atomic_llong errors;          /* failed calls that ended a connection */
    atomic_llong requests;        /* protocol units: requests, commands, datagrams */
    atomic_llong dropped;         /* datagrams thrown away unanswered (UDP) */
    atomic_llong duplicated;      /* extra copies of an answer sent on purpose (UDP --dup) */
    atomic_llong reordered;       /* answers sent after a later one on purpose (UDP --reorder) */
};

/* counters_new: shared, zeroed counters named name, added to the process
 * list. Returns NULL if memory ran out or the list is full. */
struct counters *counters_new(const char *name);

/* counters_free: remove from the list and release. NULL is allowed. */
void counters_free(struct counters *c);

/* counters_add: c->field += n (relaxed: these are statistics). */
#define counters_add(c, field, n) atomic_fetch_add_explicit(&(c)->field, (n), memory_order_relaxed)

/* counters_wait: wait until min <= *field <= max, for at most
 * timeout_ms. Returns true when it got there. For a demo whose client
 * lets the server, in another process, print its line first: a server
 * moves its counters just after it prints. */
bool counters_wait(const atomic_llong *field, long long min, long long max, int timeout_ms);

/* counters_json: write {"name":...,"conns_open":...} into out. Returns the
 * length written (as snprintf: may exceed outlen when truncated). */
int counters_json(const struct counters *c, char *out, size_t outlen);

/* counters_all_json: a JSON array of every registered server. */
int counters_all_json(char *out, size_t outlen);

#endif
