/*
 * compare.h - what `netdemo compare` measures (compare.c) and reports
 * (report.c) share: its options, the rows of each workload, and the
 * results.
 */
#ifndef NETDEMO_COMPARE_H
#define NETDEMO_COMPARE_H

#include "cli.h"
#include "stats.h"
#include "tcpinfo.h"
#include "udp/udp_demo.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define COMPARE_LOSS_WAIT_MS 20   /* a loss row's wait for a reply, and the first RTO */
#define COMPARE_LOSS_MAX     1000 /* datagrams in a loss run, at most: each lost one waits */

#define COMPARE_DATAGRAM    1024 /* a UDP bulk row's datagrams: 1 KiB, whole in one frame */
#define COMPARE_UDP_HEADERS 28   /* IPv4 and UDP headers: what a datagram adds on the wire */

enum { ONLY_TCP = 1, ONLY_UDP = 2, ONLY_HTTP = 4, ONLY_FTP = 8, ONLY_ALL = 15 };

struct compare_options {
    uint64_t size;
    long count, repeat, drop;
    long netem;    /* --netem's loss percent, 0 without it */
    unsigned only; /* ONLY_* bits */
    bool json;
    const char *out; /* --out DIR, or NULL */
};

/* The datagrams of a loss run: --count, up to COMPARE_LOSS_MAX (a plain
 * run waits COMPARE_LOSS_WAIT_MS on each lost one). */
long compare_loss_datagrams(const struct compare_options *o);

struct netdemo;
struct bulk_ctx;

/* The rows of each workload, in the report's order (compare.c). */
enum { FIRST_BYTES = 5, ROUND_TRIPS = 3, BULKS = 5 };

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

extern const struct first_byte compare_first_bytes[FIRST_BYTES];

struct round_trip {
    const char *name;
    unsigned only;
    enum { RT_TCP, RT_UDP, RT_HTTP } kind;
};

extern const struct round_trip compare_round_trips[ROUND_TRIPS];

/* One bulk run's result. */
struct bulk_run {
    double seconds;
    uint64_t arrived; /* payload bytes that got there: all of them, but over plain UDP */
    bool has_info;    /* the kernel's view of the connection the data took */
    struct tcpinfo info;
    /* the UDP rows: datagrams sent (first transmissions), how many arrived
     * (at the server, or delivered by the reliable mode), sent again, and
     * the bytes on the wire both ways (payload, IP and UDP headers) */
    bool udp, reliable;
    unsigned long datagrams, datagrams_arrived;
    unsigned long long resent;
    uint64_t wire;
};

struct bulk {
    const char *name;
    unsigned only;
    int (*run)(struct bulk_ctx *c, struct bulk_run *out, char *err);
};

extern const struct bulk compare_bulks[BULKS];

struct results {
    struct stats_range first[FIRST_BYTES]; /* µs */
    bool first_ran[FIRST_BYTES];
    struct stats_range rate[ROUND_TRIPS], p50[ROUND_TRIPS], p99[ROUND_TRIPS];
    bool rt_ran[ROUND_TRIPS];
    long long rt_conns[ROUND_TRIPS]; /* connections the server accepted, in the last run */
    struct stats_range mib_s[BULKS]; /* MiB a second */
    struct bulk_run last[BULKS];     /* the last run's kernel figures */
    bool bulk_ran[BULKS];
    struct udp_boundaries bounds; /* udp-demo boundaries' lesson */
    bool bounds_ran;
    /* loss: plain UDP (lost), reliable (retransmissions, seconds) */
    struct stats_range lost_pct, resent, plain_s, reliable_s;
    unsigned long delivered; /* in the last reliable run */
    bool loss_ran;
    /* --netem: the TCP and HTTP bulk rows again, over the lossy link */
    struct stats_range netem_mib_s[BULKS];
    struct bulk_run netem_last[BULKS];
    bool netem_ran[BULKS];
    uint64_t netem_size;
    bool netem_up;               /* the link was made */
    char netem_how[CLI_ERR_LEN]; /* how it loses, or why there is none */
};

struct machine {
    char kernel[128], cpu[128], date[32];
    long cores;
};

/* compare_machine_facts: the kernel, the CPU, the cores, the date. */
void compare_machine_facts(struct machine *m);

/* compare_print_table: the table, for a terminal or a projector. */
void compare_print_table(const struct compare_options *o, const struct results *r,
                         const struct machine *m);

/* compare_print_json: every figure and the machine's facts, as one object. */
void compare_print_json(FILE *f, const struct compare_options *o, const struct results *r,
                        const struct machine *m);

/* compare_write_reports: dir/report.json and dir/report.html, each
 * written aside and renamed, so that a reader never sees half of one.
 * Returns 0, or -1 with err (CLI_ERR_LEN bytes). */
int compare_write_reports(const char *dir, const struct compare_options *o, const struct results *r,
                          const struct machine *m, char *err);

/* compare_make_dirs: mkdir -p dir. Returns 0, or -1 with errno. */
int compare_make_dirs(const char *dir);

/* compare_out_ready: --out DIR exists (made if need be) and can be
 * written, before a run that takes a while. Returns 0, or -1 with err. */
int compare_out_ready(const char *dir, char *err);

#endif
