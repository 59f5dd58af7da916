/*
 * ftp_server.h - the FTP server: its limits, its configuration, and the
 * open/serve/close calls every netdemo server offers.
 *
 * FTP is the lecture's C/S protocol with two channels: a long-lived control
 * connection that carries text commands and numeric replies, and a fresh
 * data connection for every listing and every file.
 */
#ifndef NETDEMO_FTP_SERVER_H
#define NETDEMO_FTP_SERVER_H

#include "counters.h"
#include "net.h"
#include "serve.h"
#include "stop.h"
#include "trace.h"

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

/* Every limit of the FTP server, in one place. */
#define FTP_DEFAULT_HOST       "127.0.0.1"
#define FTP_DEFAULT_PORT       2121
#define FTP_LINE_MAX           512   /* a command line, CRLF included (longer: 500) */
#define FTP_PATH_MAX           1024  /* a virtual path inside the root */
#define FTP_NAME_MAX           64    /* a user name */
#define FTP_PASS_MAX           128   /* a password */
#define FTP_MAX_USERS          16    /* --user options */
#define FTP_MAX_SESSIONS       100   /* --max-sessions default */
#define FTP_MAX_PER_IP         20    /* --max-per-ip default */
#define FTP_IDLE_TIMEOUT_S     300   /* --idle-timeout default (421 after it) */
#define FTP_DATA_TIMEOUT_MS    30000 /* waiting for, or stalled on, a data connection */
#define FTP_MAX_FAILED_LOGINS  3     /* failed PASS before the server hangs up */
#define FTP_FAIL_DELAY_MS      1000  /* the pause before that hang-up */
#define FTP_DATA_SLICE_MS      500   /* longest a data send/recv blocks before a look around */
#define FTP_XFER_BUFSIZE       (1024 * 1024) /* STOR and ASCII buffers */
#define FTP_SENDFILE_CHUNK     (4 * 1024 * 1024)
#define FTP_SESSION_STACK_SIZE (256 * 1024)
#define FTP_LIST_BUFSIZE       (64 * 1024) /* a listing is written in pieces of this size */

/* One --user NAME:PASSWORD. */
struct ftp_user {
    char name[FTP_NAME_MAX];
    char pass[FTP_PASS_MAX];
};

struct ftp_config {
    struct net_endpoint endpoint;
    char root[PATH_MAX]; /* the folder served; every path stays inside it */
    struct ftp_user users[FTP_MAX_USERS];
    int user_count;
    bool anonymous;       /* USER anonymous / ftp is allowed */
    bool anonymous_write; /* ... and may change files (needs --write too) */
    bool write;           /* logged-in users may upload and change files */
    uint16_t pasv_lo;     /* passive ports; 0-0 lets the kernel pick */
    uint16_t pasv_hi;
    char pasv_address[NET_HOST_LEN]; /* advertised in 227 instead of ours */
    int max_sessions;
    int max_per_ip;
    int idle_timeout_s;
    uint64_t disabled;      /* bit i: command table entry i answers 502 */
    enum trace_depth trace; /* --trace: narrate on stderr, at this depth */
};

struct ftp_session;

struct ftp_server {
    struct ftp_config config;
    char root_real[PATH_MAX]; /* realpath() of config.root */
    int listen_fd;
    struct counters *stats;
    struct stop *stop; /* the caller's: ends serve() when requested */
    /* the sessions now running, each in its own thread */
    pthread_mutex_t lock;
    pthread_cond_t all_gone;
    struct ftp_session *sessions;
    int live;
    struct tracer tracer; /* where its trace events go */
};

/* ftp_server_open: check the root, then socket, bind and listen. stop
 * (open, owned by the caller) is what ends ftp_server_serve(). Returns 0,
 * or -1 with the reason in err. */
int ftp_server_open(struct ftp_server *srv, const struct ftp_config *config, struct stop *stop,
                    char *err);

/* ftp_server_serve: accept sessions until the stop handle is requested
 * (each session then says 421 and ends), then wait until every session
 * has closed. Returns 0, or -1 with the reason in err. */
int ftp_server_serve(struct ftp_server *srv, char *err);

/* ftp_server_close: close the listening socket and free the counters.
 * Safe after a failed ftp_server_open. */
void ftp_server_close(struct ftp_server *srv);

/* ftp_config_defaults: the documented defaults (the limits above, no users,
 * read-only). The endpoint and the root are left empty: -H, -p and -r give
 * them (without -r, the bundled sample folder). */
void ftp_config_defaults(struct ftp_config *config);

/* ftp_server_ops: `ftp-demo server` as server_main() runs it. */
extern const struct server_ops ftp_server_ops;

/* ftp_server_main: `ftp-demo server ...`; returns the exit code. */
int ftp_server_main(int argc, char *argv[]);

#endif
