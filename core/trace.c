/*
 * trace.c - the shared --trace narrator.
 */
#include "trace.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <pthread.h>

bool trace_enabled = false;

static _Thread_local const char *trace_role = "netdemo";
static pthread_mutex_t trace_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned trace_rate;         /* lines per second, 0 = unlimited */
static time_t trace_window;         /* the second being counted */
static unsigned trace_in_window;    /* lines printed in that second */
static unsigned long trace_dropped; /* lines suppressed since last report */

static void trace_write(char *line, int len)
{
    if (len < 0)
        return;
    if ((size_t)len >= 1200) { /* truncated by snprintf: keep the newline */
        len = 1199;
        line[len - 1] = '\n';
    }
    ssize_t rc = write(STDERR_FILENO, line, (size_t)len);
    (void)rc; /* nowhere left to report a failed trace */
}

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

void trace_set_role(const char *role)
{
    trace_role = role;
}

void trace_set_rate_limit(unsigned per_second)
{
    pthread_once(&trace_fork_once, trace_arm_fork);
    pthread_mutex_lock(&trace_lock);
    trace_rate = per_second;
    pthread_mutex_unlock(&trace_lock);
}

/* Decide under the lock whether this line may be printed; returns the count
 * of earlier suppressed lines to report first (or 0). */
static bool trace_admit(unsigned long *dropped_before)
{
    *dropped_before = 0;
    if (trace_rate == 0)
        return true;
    time_t now = time(NULL);
    if (now != trace_window) {
        trace_window = now;
        trace_in_window = 0;
        *dropped_before = trace_dropped;
        trace_dropped = 0;
    }
    if (trace_in_window >= trace_rate) {
        trace_dropped++;
        return false;
    }
    trace_in_window++;
    return true;
}

void trace_log(const char *fmt, ...)
{
    char text[1024], line[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);

    pthread_once(&trace_fork_once, trace_arm_fork);
    bool colour = isatty(STDERR_FILENO);
    const char *on = colour ? "\033[36m" : "";
    const char *off = colour ? "\033[0m" : "";

    pthread_mutex_lock(&trace_lock);
    unsigned long dropped;
    bool admit = trace_admit(&dropped);
    pthread_mutex_unlock(&trace_lock);
    /* One write() per line: lines from other processes (a forked server,
     * its children) never interleave mid-line. */
    if (dropped > 0)
        trace_write(line, snprintf(line, sizeof line, "%s[%s]%s (%lu trace lines suppressed)\n", on,
                                   trace_role, off, dropped));
    if (admit)
        trace_write(line, snprintf(line, sizeof line, "%s[%s]%s %s\n", on, trace_role, off, text));
}

const char *trace_preview(const void *data, size_t len, char *out, size_t outlen)
{
    const unsigned char *p = data;
    size_t shown = len < TRACE_PREVIEW_LEN ? len : TRACE_PREVIEW_LEN;
    size_t o = 0;

    if (outlen == 0)
        return out;
    out[o++] = '"';
    for (size_t i = 0; i < shown && o + 5 < outlen; i++) {
        unsigned char c = p[i];
        if (c == '\n' || c == '\r' || c == '\t' || c == '"' || c == '\\') {
            const char *esc = c == '\n'   ? "\\n"
                              : c == '\r' ? "\\r"
                              : c == '\t' ? "\\t"
                              : c == '"'  ? "\\\""
                                          : "\\\\";
            memcpy(out + o, esc, 2);
            o += 2;
        } else if (c >= 0x20 && c < 0x7f) {
            out[o++] = (char)c;
        } else {
            o += (size_t)snprintf(out + o, outlen - o, "\\x%02x", c);
        }
    }
    if (o + 1 < outlen)
        out[o++] = '"';
    out[o] = '\0';
    if (shown < len)
        snprintf(out + o, outlen - o, " (+%zu more)", len - shown);
    return out;
}
