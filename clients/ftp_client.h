/*
 * ftp_client.h - the FTP client side: a control connection that sends
 * commands and reads replies, data connections in passive or active mode,
 * and the transfers built on them. `ftp-demo client`, `get` and `put` use it.
 */
#ifndef NETDEMO_FTP_CLIENT_H
#define NETDEMO_FTP_CLIENT_H

#include "io.h"
#include "net.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#define FTP_CLIENT_PORT       2121 /* the netdemo server's default */
#define FTP_CLIENT_HOST       "127.0.0.1"
#define FTP_CLIENT_LINE_MAX   2048  /* one reply line */
#define FTP_CLIENT_TIMEOUT_MS 30000 /* a silent server, once connected */
#define FTP_CLIENT_BUFSIZE    (256 * 1024)
#define FTP_CLIENT_ANON_PASS  "netdemo@"
#define FTP_URL_PORT          21 /* the port of an ftp:// URL without one */

struct ftp_conn {
    int ctrl; /* the control connection, -1 when closed */
    struct line_reader reader;
    struct sockaddr_storage peer;   /* the server, where passive data goes */
    struct sockaddr_storage local;  /* us, where active data comes to */
    bool verbose;                   /* print C>/S> lines and data events on stderr */
    bool passive;                   /* true: PASV/EPSV; false: PORT/EPRT */
    bool ascii;                     /* TYPE A */
    bool progress;                  /* draw a progress bar on stderr */
    int connect_timeout_ms;         /* for the control and passive data connects */
    int code;                       /* the last reply's code */
    char text[FTP_CLIENT_LINE_MAX]; /* the last reply's last line */
};

/* ftp_conn_open: connect to ep, waiting at most connect_timeout_ms for it
 * to answer (passive data connections later wait as long), and read the
 * greeting. Returns 0, or -1 with the reason in err (NET_ERR_LEN bytes). */
int ftp_conn_open(struct ftp_conn *c, const struct net_endpoint *ep, int connect_timeout_ms,
                  bool verbose, char *err);

/* ftp_conn_close: QUIT if connected, then close. Safe to call twice. */
void ftp_conn_close(struct ftp_conn *c);

/* ftp_conn_cmd: send one command line and read the reply. Returns the
 * reply code, or -1 if the connection failed. */
int ftp_conn_cmd(struct ftp_conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ftp_conn_reply: read one reply, multi-line ones included ("211-..." up
 * to "211 ..."). Returns its code (100..599), or -1 if the connection
 * failed or the server sent no FTP reply (no three-digit code, or a bare
 * CR in a line). */
int ftp_conn_reply(struct ftp_conn *c);

/* ftp_local_name: the local name under which get and mget save the
 * remote path remote (one line of an NLST listing, for mget): its last
 * component. Pure; the result points into remote. NULL when that is no
 * file name ("", "." or ".."). */
const char *ftp_local_name(const char *remote);

/* ftp_conn_login: USER and PASS (anonymous when user is NULL). Returns 0,
 * or -1 with the server's reason in err. */
int ftp_conn_login(struct ftp_conn *c, const char *user, const char *pass, char *err);

/* ftp_conn_type: TYPE A or I as c->ascii says. Returns 0 or -1. */
int ftp_conn_type(struct ftp_conn *c, char *err);

/* ftp_conn_retr: RETR remote into the open file out, starting at offset
 * (REST) when it is not 0. Returns 0, or -1 with the reason in err. */
int ftp_conn_retr(struct ftp_conn *c, const char *remote, int out, uint64_t offset, char *err);

/* ftp_conn_stor: STOR (or APPE when append) the open file in as remote.
 * Returns 0, or -1 with the reason in err. */
int ftp_conn_stor(struct ftp_conn *c, int in, const char *remote, bool append, char *err);

/* ftp_conn_list: run verb ("LIST", "NLST", "MLSD") with path (may be NULL)
 * and write the listing to out. Returns 0, or -1 with the reason in err. */
int ftp_conn_list(struct ftp_conn *c, const char *verb, const char *path, int out, char *err);

/* An ftp:// URL: ftp://[user[:pass]@]host[:port]/path, with %XX escapes. */
struct ftp_url {
    char user[128];
    char pass[128];
    char host[NET_HOST_LEN];
    uint16_t port;
    char path[1024]; /* without the leading '/' of the URL */
};

/* ftp_parse_url: parse text into url (pure). A missing user means
 * anonymous (user ""); a missing port is 21, as in every ftp:// URL
 * (RFC 1738). Returns 0, or -1 when it is not an ftp:// URL with a host. */
int ftp_parse_url(const char *text, struct ftp_url *url);

/* The commands, each returning an exit code. */
int ftp_client_main(int argc, char *argv[]);
int ftp_get_main(int argc, char *argv[]);
int ftp_put_main(int argc, char *argv[]);

#endif
