/*
 * ftp_client.c - the client's control and data channels.
 *
 * The control connection carries one command line and one reply at a time.
 * Each transfer first arranges a data connection (EPSV, falling back to
 * PASV; or EPRT, falling back to PORT), then sends the command, then moves
 * the bytes, then reads the final reply: FTP's two channels side by side.
 */
#include "ftp_client.h"
#include "ftp_hostport.h"
#include "trace.h"
#include "i18n.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/* RFC 959 section 4.2: a reply starts with a code of three digits, the
 * first 1 to 5. Anything else is not an FTP server speaking. */
static bool reply_code_valid(const char *line, size_t len)
{
    return len >= 3 && line[0] >= '1' && line[0] <= '5' && line[1] >= '0' && line[1] <= '9' &&
           line[2] >= '0' && line[2] <= '9';
}

int ftp_conn_reply(struct ftp_conn *c)
{
    char *line;
    size_t len;
    char first[4] = "";
    for (;;) {
        enum line_status st = line_read(&c->reader, &line, &len);
        if (st != LINE_OK)
            return c->code = -1;
        if (len > 0 && line[len - 1] == '\r')
            line[--len] = '\0';
        if (c->verbose)
            fprintf(stderr, "S> %s\n", line);
        /* The text is shown in messages: a bare CR in it could overwrite
         * them on a terminal. */
        if (first[0] == '\0' && !reply_code_valid(line, len))
            return c->code = -1;
        if (memchr(line, '\r', len) != NULL)
            return c->code = -1;
        if (first[0] == '\0')
            memcpy(first, line, 3);
        /* The last line repeats the code, followed by a space. */
        if (len >= 4 && memcmp(line, first, 3) == 0 && line[3] == ' ') {
            snprintf(c->text, sizeof c->text, "%s", line);
            return c->code = atoi(first);
        }
        if (len == 3 && memcmp(line, first, 3) == 0) {
            snprintf(c->text, sizeof c->text, "%s", line);
            return c->code = atoi(first);
        }
    }
}

const char *ftp_local_name(const char *remote)
{
    const char *slash = strrchr(remote, '/');
    const char *name = slash ? slash + 1 : remote;
    /* A hostile server may list these; saving under them would write
     * outside the current folder or onto it. */
    if (name[0] == '\0' || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        return NULL;
    return name;
}

int ftp_conn_cmd(struct ftp_conn *c, const char *fmt, ...)
{
    char line[FTP_CLIENT_LINE_MAX];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line - 2, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof line - 2)
        return -1;
    if (c->verbose)
        fprintf(stderr, "C> %s\n", strncmp(line, "PASS ", 5) == 0 ? "PASS <hidden>" : line);
    memcpy(line + n, "\r\n", 2);
    if (io_write_all(c->ctrl, line, (size_t)n + 2) == -1)
        return c->code = -1;
    return ftp_conn_reply(c);
}

int ftp_conn_open(struct ftp_conn *c, const struct net_endpoint *ep, int connect_timeout_ms,
                  bool verbose, char *err)
{
    *c = (struct ftp_conn){
        .ctrl = -1, .verbose = verbose, .passive = true, .connect_timeout_ms = connect_timeout_ms};
    c->ctrl = net_connect(ep, connect_timeout_ms, err);
    if (c->ctrl == -1)
        return -1;
    socklen_t len = sizeof c->peer;
    getpeername(c->ctrl, (struct sockaddr *)&c->peer, &len);
    len = sizeof c->local;
    getsockname(c->ctrl, (struct sockaddr *)&c->local, &len);
    struct timeval tv = {.tv_sec = FTP_CLIENT_TIMEOUT_MS / 1000};
    setsockopt(c->ctrl, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (line_reader_init(&c->reader, c->ctrl, FTP_CLIENT_LINE_MAX) == -1) {
        close(c->ctrl);
        c->ctrl = -1;
        snprintf(err, NET_ERR_LEN, "%s", _("out of memory"));
        return -1;
    }
    if (ftp_conn_reply(c) != 220) {
        snprintf(err, NET_ERR_LEN, _("no greeting: %.200s"),
                 c->code == -1 ? _("connection lost") : c->text);
        ftp_conn_close(c);
        return -1;
    }
    return 0;
}

void ftp_conn_close(struct ftp_conn *c)
{
    if (c->ctrl == -1)
        return;
    if (c->code != -1)
        ftp_conn_cmd(c, "QUIT");
    close(c->ctrl);
    c->ctrl = -1;
    line_reader_free(&c->reader);
}

int ftp_conn_login(struct ftp_conn *c, const char *user, const char *pass, char *err)
{
    int code = ftp_conn_cmd(c, "USER %s", user ? user : "anonymous");
    if (code == 331)
        code = ftp_conn_cmd(c, "PASS %s", user ? (pass ? pass : "") : FTP_CLIENT_ANON_PASS);
    if (code != 230) {
        snprintf(err, NET_ERR_LEN, _("login failed: %.200s"),
                 code == -1 ? _("connection lost") : c->text);
        return -1;
    }
    return 0;
}

int ftp_conn_type(struct ftp_conn *c, char *err)
{
    if (ftp_conn_cmd(c, "TYPE %s", c->ascii ? "A" : "I") != 200) {
        snprintf(err, NET_ERR_LEN, "TYPE: %.200s", c->text);
        return -1;
    }
    return 0;
}
