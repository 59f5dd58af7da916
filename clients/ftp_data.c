/*
 * ftp_data.c - the client's data connections and the transfers over them,
 * with a progress bar (rate and ETA) when stderr is a terminal.
 */
#include "ftp_ascii.h"
#include "ftp_client.h"
#include "ftp_hostport.h"
#include "i18n.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define PROGRESS_WIDTH    30
#define PROGRESS_EVERY_NS 100000000LL /* redraw at most ten times a second */

struct progress {
    bool on;
    uint64_t total, done;
    struct timespec start, last;
};

static int conn_error(char *err, const char *what, int e)
{
    snprintf(err, NET_ERR_LEN, "%s: %s", what, strerror(e));
    return -1;
}

/* A transfer command refused, or its final reply not 2xx: the server's
 * reply line, as it came. */
static void server_said(const struct ftp_conn *c, char *err)
{
    if (c->code == -1) {
        snprintf(err, NET_ERR_LEN, "%s", _("connection lost"));
        return;
    }
    /* TRANSLATORS: the FTP server's reply to a transfer (RETR, STOR, LIST
       ...), e.g. "550 No such file or directory.": the English shows it
       alone; a translation may say that the server answered so, and keeps
       the reply itself unchanged. */
    snprintf(err, NET_ERR_LEN, _("%.200s"), c->text);
}

static long long ns_between(const struct timespec *a, const struct timespec *b)
{
    return (b->tv_sec - a->tv_sec) * 1000000000LL + (b->tv_nsec - a->tv_nsec);
}

static void progress_draw(struct progress *p, bool final)
{
    struct timespec now;
    if (!p->on)
        return;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (!final && ns_between(&p->last, &now) < PROGRESS_EVERY_NS)
        return;
    p->last = now;
    double secs = (double)ns_between(&p->start, &now) / 1e9;
    double rate = secs > 0 ? (double)p->done / secs : 0;
    int filled = p->total ? (int)((double)p->done * PROGRESS_WIDTH / (double)p->total) : 0;
    char bar[PROGRESS_WIDTH + 1];
    for (int i = 0; i < PROGRESS_WIDTH; i++)
        bar[i] = i < filled ? '#' : ' ';
    bar[PROGRESS_WIDTH] = '\0';
    double eta = rate > 0 && p->total > p->done ? (double)(p->total - p->done) / rate : 0;
    char line[PROGRESS_WIDTH + 128];
    snprintf(line, sizeof line, _("[%s] %3d%% %10llu bytes %8.2f MB/s ETA %02d:%02d%s"), bar,
             p->total ? (int)(p->done * 100 / p->total) : 100, (unsigned long long)p->done,
             rate / 1e6, (int)eta / 60, (int)eta % 60, final ? "\n" : "");
    fprintf(stderr, "\r%s", line); /* back to the start of the line: the bar redrawn */
}

static void progress_start(struct progress *p, bool on, uint64_t total)
{
    *p = (struct progress){.on = on && isatty(STDERR_FILENO), .total = total};
    clock_gettime(CLOCK_MONOTONIC, &p->start);
    p->last = p->start;
}

static void set_port(struct sockaddr_storage *sa, uint16_t port)
{
    if (sa->ss_family == AF_INET)
        ((struct sockaddr_in *)sa)->sin_port = htons(port);
    else
        ((struct sockaddr_in6 *)sa)->sin6_port = htons(port);
}

static socklen_t sa_len(const struct sockaddr_storage *sa)
{
    return sa->ss_family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
}

/* Passive: EPSV (or PASV if the server refuses it), then connect. The
 * host is always the control connection's: a 227 reply's address may be
 * wrong behind NAT, and trusting it would let a server aim us elsewhere. */
static int data_passive(struct ftp_conn *c, char *err)
{
    struct sockaddr_storage to = c->peer;
    uint16_t port = 0;
    if (ftp_conn_cmd(c, "EPSV") == 229 && ftp_parse_epsv_reply(c->text, &port) == 0) {
        set_port(&to, port);
    } else if (c->code != -1 && to.ss_family == AF_INET && ftp_conn_cmd(c, "PASV") == 227) {
        struct sockaddr_in a;
        if (ftp_parse_pasv_reply(c->text, &a) == -1) {
            snprintf(err, NET_ERR_LEN, _("cannot read the PASV reply: %.200s"), c->text);
            return -1;
        }
        set_port(&to, ntohs(a.sin_port));
    } else {
        snprintf(err, NET_ERR_LEN, _("passive mode refused: %.200s"), c->text);
        return -1;
    }
    int fd = net_connect_addr((struct sockaddr *)&to, sa_len(&to), c->connect_timeout_ms, err);
    if (fd == -1)
        return -1;
    if (c->verbose) {
        char where[NET_ADDRSTR_LEN];
        fprintf(stderr, _("-- data connection open (passive, to %s)\n"),
                net_format_addr((struct sockaddr *)&to, sizeof to, where, sizeof where));
    }
    return fd;
}

/* Active: listen on our control address, and tell the server with EPRT
 * (or PORT). The connection is accepted after the transfer command. */
static int data_active(struct ftp_conn *c, char *err)
{
    struct sockaddr_storage here = c->local;
    char arg[FTP_HOSTPORT_LEN];
    uint16_t port;
    set_port(&here, 0);
    int fd = socket(here.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd == -1 || bind(fd, (struct sockaddr *)&here, sa_len(&here)) == -1 ||
        listen(fd, 1) == -1 || net_local_port(fd, &port, NULL) == -1) {
        snprintf(err, NET_ERR_LEN, _("data listen: %s"), strerror(errno));
        if (fd != -1)
            close(fd);
        return -1;
    }
    set_port(&here, port);
    ftp_format_eprt_arg((struct sockaddr *)&here, arg, sizeof arg);
    if (ftp_conn_cmd(c, "EPRT %s", arg) != 200) {
        if (here.ss_family != AF_INET ||
            ftp_format_port_arg((struct sockaddr_in *)&here, arg, sizeof arg) == -1 ||
            ftp_conn_cmd(c, "PORT %s", arg) != 200) {
            snprintf(err, NET_ERR_LEN, _("active mode refused: %.200s"), c->text);
            close(fd);
            return -1;
        }
    }
    if (c->verbose)
        fprintf(stderr, _("-- data listening (active, port %u)\n"), port);
    return fd;
}

/* Send the transfer command and get a connected data fd. Returns the fd,
 * or -1 with err set. */
static int data_begin(struct ftp_conn *c, const char *cmd, const char *arg, char *err)
{
    int fd = c->passive ? data_passive(c, err) : data_active(c, err);
    if (fd == -1)
        return -1;
    int code = arg ? ftp_conn_cmd(c, "%s %s", cmd, arg) : ftp_conn_cmd(c, "%s", cmd);
    if (code != 125 && code != 150) {
        server_said(c, err);
        close(fd);
        return -1;
    }
    if (c->passive)
        return fd;
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    int conn = poll(&pfd, 1, FTP_CLIENT_TIMEOUT_MS) == 1 ? net_accept(fd, false, NULL, err) : -1;
    close(fd);
    if (conn == -1)
        snprintf(err, NET_ERR_LEN, "%s", _("the server did not connect for the data"));
    else if (c->verbose)
        fputs(_("-- data connection open (active, accepted)\n"), stderr);
    return conn;
}

/* After the bytes: close the data connection and read the final reply. */
static int data_end(struct ftp_conn *c, int fd, int rc, uint64_t bytes, char *err)
{
    close(fd);
    if (c->verbose)
        fprintf(stderr, _("-- data connection closed (%llu bytes)\n"), (unsigned long long)bytes);
    int code = ftp_conn_reply(c);
    if (rc == 0 && code != 226 && code != 250) {
        server_said(c, err);
        return -1;
    }
    return rc;
}

/* Copy the data connection into out (CRLF to LF in ASCII mode). */
static int copy_in(struct ftp_conn *c, int fd, int out, struct progress *p, char *err)
{
    struct ftp_ascii st = {0};
    char *buf = malloc(2 * FTP_CLIENT_BUFSIZE + 1);
    int rc = -1;
    if (buf == NULL)
        return conn_error(err, _("out of memory"), ENOMEM);
    for (;;) {
        ssize_t n = io_read_some(fd, buf, FTP_CLIENT_BUFSIZE);
        if (n == -1) {
            conn_error(err, _("data recv"), errno);
            break;
        }
        char *data = buf;
        size_t m = (size_t)n;
        if (c->ascii) {
            data = buf + FTP_CLIENT_BUFSIZE;
            m = n ? ftp_ascii_from_net(&st, buf, m, data) : ftp_ascii_from_net_end(&st, data);
        }
        if (m > 0 && io_write_all(out, data, m) == -1) {
            conn_error(err, "write", errno);
            break;
        }
        p->done += (uint64_t)n;
        progress_draw(p, n == 0);
        if (n == 0) {
            rc = 0;
            break;
        }
    }
    free(buf);
    return rc;
}

/* Copy in to the data connection (LF to CRLF in ASCII mode). */
static int copy_out(struct ftp_conn *c, int in, int fd, struct progress *p, char *err)
{
    struct ftp_ascii st = {0};
    char *buf = malloc(3 * FTP_CLIENT_BUFSIZE);
    int rc = -1;
    if (buf == NULL)
        return conn_error(err, _("out of memory"), ENOMEM);
    for (;;) {
        ssize_t n = io_read_some(in, buf, FTP_CLIENT_BUFSIZE);
        if (n <= 0) {
            rc = n == 0 ? 0 : conn_error(err, "read", errno);
            progress_draw(p, true);
            break;
        }
        char *data = buf;
        size_t m = (size_t)n;
        if (c->ascii) {
            data = buf + FTP_CLIENT_BUFSIZE;
            m = ftp_ascii_to_net(&st, buf, m, data);
        }
        if (io_write_all(fd, data, m) == -1) {
            conn_error(err, _("data send"), errno);
            break;
        }
        p->done += (uint64_t)n;
        progress_draw(p, false);
    }
    free(buf);
    return rc;
}

int ftp_conn_retr(struct ftp_conn *c, const char *remote, int out, uint64_t offset, char *err)
{
    struct progress p;
    uint64_t total = 0;
    if (c->progress && ftp_conn_cmd(c, "SIZE %s", remote) == 213)
        total = strtoull(c->text + 4, NULL, 10);
    if (offset > 0 && ftp_conn_cmd(c, "REST %llu", (unsigned long long)offset) != 350) {
        snprintf(err, NET_ERR_LEN, "REST: %.200s", c->text);
        return -1;
    }
    int fd = data_begin(c, "RETR", remote, err);
    if (fd == -1)
        return -1;
    progress_start(&p, c->progress, total > offset ? total - offset : 0);
    int rc = copy_in(c, fd, out, &p, err);
    return data_end(c, fd, rc, p.done, err);
}

int ftp_conn_stor(struct ftp_conn *c, int in, const char *remote, bool append, char *err)
{
    struct progress p;
    struct stat st;
    int fd = data_begin(c, append ? "APPE" : "STOR", remote, err);
    if (fd == -1)
        return -1;
    progress_start(&p, c->progress, fstat(in, &st) == 0 ? (uint64_t)st.st_size : 0);
    int rc = copy_out(c, in, fd, &p, err);
    return data_end(c, fd, rc, p.done, err);
}

int ftp_conn_list(struct ftp_conn *c, const char *verb, const char *path, int out, char *err)
{
    struct progress p;
    bool ascii = c->ascii;
    int fd = data_begin(c, verb, path && path[0] ? path : NULL, err);
    if (fd == -1)
        return -1;
    progress_start(&p, false, 0);
    c->ascii = true; /* listings are text with CRLF line ends */
    int rc = copy_in(c, fd, out, &p, err);
    c->ascii = ascii;
    return data_end(c, fd, rc, p.done, err);
}
