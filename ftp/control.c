/*
 * control.c - the control channel: read one command line at a time (at most
 * FTP_LINE_MAX bytes, each within the idle timeout), send replies, and log
 * the conversation with passwords hidden.
 */
#include "ftp_command.h"
#include "loop.h"
#include "ftp_session.h"
#include "trace.h"
#include "i18n.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum ctrl_result {
    CTRL_LINE,     /* a command line arrived */
    CTRL_TOO_LONG, /* a line longer than FTP_LINE_MAX (skipped) */
    CTRL_IDLE,     /* nothing complete within the idle timeout */
    CTRL_STOP,     /* the server is shutting down */
    CTRL_GONE,     /* the client hung up or the socket failed */
};

void ftp_reply_raw(struct ftp_session *s, const char *text, size_t len)
{
    if (io_write_all(s->ctrl_fd, text, len) == -1) {
        counters_add(s->srv->stats, errors, 1);
        s->state = FTP_STATE_CLOSING;
        return;
    }
    counters_add(s->srv->stats, bytes_out, (long long)len);
}

void ftp_reply(struct ftp_session *s, int code, const char *fmt, ...)
{
    char line[FTP_LINE_MAX + FTP_PATH_MAX];
    va_list ap;
    int n = snprintf(line, sizeof line, "%d ", code);

    size_t room = sizeof line - (size_t)n - 2; /* keep 2 bytes for CRLF */
    va_start(ap, fmt);
    int m = vsnprintf(line + n, room, fmt, ap);
    va_end(ap);
    size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m < room ? (size_t)m : room - 1);
    TRACE_CALL("send", (int64_t)len + 2, line, len, "S> %.*s", (int)len, line);
    memcpy(line + len, "\r\n", 2);
    ftp_reply_raw(s, line, len + 2);
}

/* Wait for one whole line; the idle deadline covers the whole line, so a
 * client that dribbles a byte at a time still times out. */
static enum ctrl_result ctrl_read_line(struct ftp_session *s, char **line, size_t *len)
{
    int64_t deadline = loop_now_ms() + (int64_t)s->srv->config.idle_timeout_s * 1000;
    for (;;) {
        enum line_status st = line_next(&s->reader, line, len);
        if (st == LINE_OK)
            return CTRL_LINE;
        if (st == LINE_TOO_LONG)
            return CTRL_TOO_LONG;
        if (st != LINE_AGAIN)
            return CTRL_GONE;
        int64_t left = deadline - loop_now_ms();
        if (left <= 0)
            return CTRL_IDLE;
        enum stop_wait w = stop_wait_readable(s->srv->stop, s->ctrl_fd, (int)left);
        if (w == STOP_WAIT_STOP)
            return CTRL_STOP;
        if (w == STOP_WAIT_ERROR)
            return CTRL_GONE;
        if (w == STOP_WAIT_READY) {
            ssize_t n = line_fill(&s->reader);
            if (n <= 0)
                return CTRL_GONE;
            counters_add(s->srv->stats, bytes_in, n);
        }
    }
}

/* The log shows what was said, except a password. */
static void ctrl_trace_command(const char *verb, const char *arg, size_t len)
{
    char said[FTP_LINE_MAX + 1];
    if (!trace_on())
        return;
    if (strcmp(verb, "PASS") == 0) {
        TRACE_CALL("recv", (int64_t)len, NULL, 0, "C> PASS <hidden>");
        return;
    }
    int n = snprintf(said, sizeof said, "%s%s%s", verb, arg[0] ? " " : "", arg);
    TRACE_CALL("recv", (int64_t)len, said, n < 0 ? 0 : strnlen(said, sizeof said), "C> %s", said);
}

static void ctrl_handle_line(struct ftp_session *s, char *line, size_t len)
{
    char verb[FTP_VERB_MAX];
    const char *arg;

    counters_add(s->srv->stats, requests, 1);
    int rc = ftp_split_command(line, len, verb, &arg);
    if (rc == -1) {
        TRACE(N_("C> (unreadable command line, %zu bytes)"), len);
        ftp_reply(s, FTP_SYNTAX_ERROR, "Syntax error, command unrecognized.");
        return;
    }
    if (rc == -2) {
        TRACE(N_("C> %s (argument holds CR or NUL: refused)"), verb);
        ftp_reply(s, FTP_ARG_ERROR, "Argument may not contain CR or NUL.");
        return;
    }
    ctrl_trace_command(verb, arg, len + 1); /* the line as it came, with its LF */
    ftp_dispatch(s, verb, arg);
}

void ftp_session_run(struct ftp_session *s)
{
    char *line;
    size_t len;

    ftp_reply(s, FTP_GREETING, "netdemo FTP server ready.");
    while (s->state != FTP_STATE_CLOSING) {
        switch (ctrl_read_line(s, &line, &len)) {
        case CTRL_LINE:
            ctrl_handle_line(s, line, len);
            break;
        case CTRL_TOO_LONG:
            TRACE(N_("C> (line over %d bytes)"), FTP_LINE_MAX);
            ftp_reply(s, FTP_SYNTAX_ERROR, "Command line too long (limit %d bytes).", FTP_LINE_MAX);
            break;
        case CTRL_IDLE:
            ftp_reply(s, FTP_NOT_AVAILABLE, "Timeout (%d seconds): closing control connection.",
                      s->srv->config.idle_timeout_s);
            s->state = FTP_STATE_CLOSING;
            break;
        case CTRL_STOP:
            ftp_reply(s, FTP_NOT_AVAILABLE, "Server shutting down.");
            s->state = FTP_STATE_CLOSING;
            break;
        case CTRL_GONE:
            s->state = FTP_STATE_CLOSING;
            break;
        }
    }
}
