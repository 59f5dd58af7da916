/*
 * ftp_session.h - one FTP session: its state, its control channel, its data
 * channel, and the command handlers that work on it.
 *
 * Concurrency: a thread per session, with blocking I/O. An FTP session is a
 * conversation whose steps block by nature (wait for the data connection,
 * stream a file, wait for the next command); written as a thread it reads
 * top to bottom like the RFC, as vsftpd's one process per session does, and
 * sendfile() may block without stalling anyone else. --max-sessions bounds
 * the threads. Every wait also watches the server's stop handle, so Ctrl-C ends each
 * session cleanly, and the server waits for all of them before it returns.
 */
#ifndef NETDEMO_FTP_SESSION_H
#define NETDEMO_FTP_SESSION_H

#include "ftp_codes.h"
#include "io.h"
#include "ftp_server.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

enum ftp_state {
    FTP_STATE_NEED_USER, /* greeted; waiting for USER */
    FTP_STATE_NEED_PASS, /* USER given; waiting for PASS */
    FTP_STATE_LOGGED_IN, /* commands that touch files are allowed */
    FTP_STATE_CLOSING,   /* QUIT, timeout, too many failures: hang up */
};

struct ftp_session {
    struct ftp_server *srv;
    struct ftp_session *prev, *next; /* the server's list, under srv->lock */

    /* control channel */
    int ctrl_fd;
    struct trace_conn trace;      /* the session's name in trace events */
    struct trace_conn data_trace; /* the data connection's, linked to it */
    struct sockaddr_storage peer; /* the client; data connections must come from here */
    struct sockaddr_storage local;
    char peer_text[NET_ADDRSTR_LEN];
    struct line_reader reader;
    enum ftp_state state;

    /* login */
    char user[FTP_NAME_MAX];
    int failed_logins;
    bool anonymous;
    bool can_write;

    /* navigation and transfer settings */
    char cwd[FTP_PATH_MAX];     /* virtual: "/" is the root */
    bool ascii;                 /* TYPE A (else TYPE I) */
    uint64_t rest;              /* REST offset for the next RETR/STOR */
    char rename_from[PATH_MAX]; /* real path, after RNFR until RNTO */
    bool have_rename;

    /* data channel */
    int pasv_fd;                       /* listening after PASV/EPSV, else -1 */
    struct sockaddr_storage port_addr; /* the client's address after PORT/EPRT */
    socklen_t port_len;                /* 0 when no PORT/EPRT is pending */
    bool epsv_all;                     /* after EPSV ALL: only EPSV allowed */
    bool abort_seen;                   /* ABOR arrived during a transfer */
};

/* A command handler: arg is "" when the command has none. */
typedef void ftp_cmd_fn(struct ftp_session *s, const char *arg);

enum ftp_cmd_flags {
    FTP_NEEDS_LOGIN = 1u << 0, /* 530 before login */
    FTP_NEEDS_ARG = 1u << 1,   /* 501 without an argument */
    FTP_NEEDS_WRITE = 1u << 2, /* 550 unless this session may change files */
    FTP_NEEDS_DATA = 1u << 3,  /* 425 unless PASV/EPSV/PORT/EPRT came first */
    FTP_NEW_NAME = 1u << 4,    /* 553 if the new name holds a control character */
};

struct ftp_command {
    const char *verb;
    ftp_cmd_fn *fn;
    unsigned flags;
    const char *feature; /* its FEAT line, or NULL */
};

/* commands.c: the command table and the dispatcher. */
extern const struct ftp_command ftp_commands[];
extern const int ftp_command_count;
/* ftp_command_index: the table entry of verb (upper-case), or -1. */
int ftp_command_index(const char *verb);
/* ftp_dispatch: run one control line (already split) against the table. */
void ftp_dispatch(struct ftp_session *s, const char *verb, const char *arg);

/* control.c: the control channel. */
/* ftp_reply: send "code text\r\n" (one line). A failed send closes the session. */
void ftp_reply(struct ftp_session *s, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* ftp_reply_raw: send bytes as they are (multi-line replies). */
void ftp_reply_raw(struct ftp_session *s, const char *text, size_t len);
/* ftp_session_run: greet, then read and dispatch commands until the
 * session ends. Closes nothing: the caller frees the session. */
void ftp_session_run(struct ftp_session *s);

/* cmd_data.c: the data channel. */
enum ftp_data_wait { FTP_WAIT_READY, FTP_WAIT_ABORT, FTP_WAIT_FAIL };
/* ftp_same_host: do a and b name the same host (ports aside)? An IPv4-mapped
 * IPv6 address equals its IPv4 form. */
bool ftp_same_host(const struct sockaddr_storage *a, const struct sockaddr_storage *b);
/* ftp_data_forget: close a pending PASV listener and forget PORT. */
void ftp_data_forget(struct ftp_session *s);
/* ftp_data_passive: open a listener for PASV (extended: EPSV) and reply. */
void ftp_data_passive(struct ftp_session *s, bool extended);
/* ftp_data_active: check and remember a PORT/EPRT address, and reply. */
void ftp_data_active(struct ftp_session *s, const struct sockaddr_storage *sa, socklen_t len);
/* ftp_data_open: accept or connect the data connection announced by the
 * last PASV/EPSV/PORT/EPRT. Returns an fd whose sends and receives block
 * for at most FTP_DATA_SLICE_MS (then EAGAIN), or -1 after a 425 (426
 * when an ABOR came while it waited; s->abort_seen is then set). */
int ftp_data_open(struct ftp_session *s);
/* ftp_data_try_open: as ftp_data_open, but a failure sends no reply, so a
 * caller can first undo what it began (STOR removes its temporary file),
 * then reply with ftp_data_open_failed() (425, or 426 after an ABOR). */
int ftp_data_try_open(struct ftp_session *s);
void ftp_data_open_failed(struct ftp_session *s);
/* ftp_data_close: close it (and trace it). */
void ftp_data_close(struct ftp_session *s, int fd);
/* ftp_data_trace: a call that moved n bytes (the first len at data, for
 * the preview) on the data connection fd, on its own lifeline. */
void ftp_data_trace(struct ftp_session *s, const char *call, int fd, ssize_t n, const void *data,
                    size_t len);
/* ftp_data_wait: wait until fd is ready for events (POLLIN/POLLOUT), an
 * ABOR arrives (urgent or not), the data timeout passes, the control
 * connection breaks, or shutdown. Other commands that arrive meanwhile
 * are read into s->reader, to be run after the transfer. */
enum ftp_data_wait ftp_data_wait(struct ftp_session *s, int fd, short events);
/* ftp_data_pause: wait as ftp_data_wait does, after EAGAIN (the socket's
 * time slice ran out) or for the data connection to open. Returns 0 to go
 * on, or -1 to stop (after an ABOR, s->abort_seen is set). */
int ftp_data_pause(struct ftp_session *s, int fd, short events);
/* ftp_data_check: between chunks, a look without waiting: has ABOR come or
 * shutdown been asked? Returns 0 to go on, or -1 to stop (as above). */
int ftp_data_check(struct ftp_session *s);
/* ftp_data_send: write all n bytes to the data fd. Returns 0, or -1
 * (FTP_WAIT_ABORT sets s->abort_seen). */
int ftp_data_send(struct ftp_session *s, int fd, const char *buf, size_t n);

/* cmd_files.c: files under the root. */
/* ftp_fs_resolve: arg -> canonical real path inside the root; on failure
 * replies 550 (or 553) and returns -1. virt (may be NULL) gets the virtual path. */
int ftp_fs_resolve(struct ftp_session *s, const char *arg, bool must_exist, char *real, char *virt);
/* ftp_fs_resolve_link: as ftp_fs_resolve (same checks, same replies), but
 * real is the path of the name itself: a symlink's own path, not its
 * target's (see ftp_path_link). For DELE, RMD, RNFR, RNTO and STOR. */
int ftp_fs_resolve_link(struct ftp_session *s, const char *arg, bool must_exist, char *real);

/* cmd_list.c: STAT with a path (a listing on the control connection). */
void ftp_list_status(struct ftp_session *s, const char *arg);

/* The handlers, one file per group. */
ftp_cmd_fn ftp_cmd_user, ftp_cmd_pass, ftp_cmd_quit, ftp_cmd_noop, ftp_cmd_syst, ftp_cmd_feat,
    ftp_cmd_opts, ftp_cmd_help, ftp_cmd_stat;
ftp_cmd_fn ftp_cmd_pwd, ftp_cmd_cwd, ftp_cmd_cdup, ftp_cmd_type, ftp_cmd_mode, ftp_cmd_stru;
ftp_cmd_fn ftp_cmd_pasv, ftp_cmd_epsv, ftp_cmd_port, ftp_cmd_eprt;
ftp_cmd_fn ftp_cmd_list, ftp_cmd_nlst, ftp_cmd_mlsd, ftp_cmd_mlst;
ftp_cmd_fn ftp_cmd_retr, ftp_cmd_stor, ftp_cmd_appe, ftp_cmd_rest, ftp_cmd_abor, ftp_cmd_size,
    ftp_cmd_mdtm;
ftp_cmd_fn ftp_cmd_dele, ftp_cmd_mkd, ftp_cmd_rmd, ftp_cmd_rnfr, ftp_cmd_rnto;

#endif
