/*
 * io.c - robust I/O and the bounded line reader.
 */
#include "io.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

ssize_t io_write_all(int fd, const void *buf, size_t n)
{
    const char *p = buf;
    size_t left = n;

    while (left > 0) {
        ssize_t w = write(fd, p, left);
        if (w == -1) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        left -= (size_t)w;
    }
    return (ssize_t)n;
}

ssize_t io_send_all_until(int fd, const void *buf, size_t n, int stop_fd)
{
    const char *p = buf;
    size_t left = n;

    while (left > 0) {
        /* MSG_DONTWAIT: never sleep inside send(), where a stop request
         * could not reach us; sleep in poll() instead, watching both. */
        ssize_t w = send(fd, p, left, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (w > 0) {
            p += w;
            left -= (size_t)w;
            continue;
        }
        if (w == -1 && errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)
            return -1;
        struct pollfd pfd[2] = {{.fd = fd, .events = POLLOUT}, {.fd = stop_fd, .events = POLLIN}};
        if (poll(pfd, 2, -1) == -1 && errno != EINTR)
            return -1;
        if (pfd[1].revents & POLLIN) {
            errno = ECANCELED;
            return -1;
        }
    }
    return (ssize_t)n;
}

ssize_t io_read_exact(int fd, void *buf, size_t n)
{
    char *p = buf;
    size_t got = 0;

    while (got < n) {
        ssize_t r = read(fd, p + got, n - got);
        if (r == -1) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (r == 0)
            break; /* the peer closed: return what arrived */
        got += (size_t)r;
    }
    return (ssize_t)got;
}

ssize_t io_read_some(int fd, void *buf, size_t n)
{
    ssize_t r;
    do {
        r = read(fd, buf, n);
    } while (r == -1 && errno == EINTR);
    return r;
}

ssize_t io_write_some(int fd, const void *buf, size_t n)
{
    ssize_t w;
    do {
        w = write(fd, buf, n);
    } while (w == -1 && errno == EINTR);
    return w;
}

static int64_t io_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int io_poll(struct pollfd *fds, nfds_t nfds, int timeout_ms)
{
    int64_t deadline = io_now_ms() + timeout_ms;
    for (;;) {
        int n = poll(fds, nfds, timeout_ms);
        if (n != -1 || errno != EINTR)
            return n;
        if (timeout_ms >= 0) { /* a signal came: wait only for what is left */
            int64_t left = deadline - io_now_ms();
            timeout_ms = left > 0 ? (int)left : 0;
        }
    }
}

/* --- the line reader ------------------------------------------------------ */

int line_reader_init(struct line_reader *r, int fd, size_t max)
{
    *r = (struct line_reader){.fd = fd, .max = max};
    r->buf = malloc(max + 1);
    return r->buf == NULL ? -1 : 0;
}

void line_reader_free(struct line_reader *r)
{
    free(r->buf);
    r->buf = NULL;
}

size_t line_pending(const struct line_reader *r)
{
    return r->end - r->start;
}

const char *line_peek(const struct line_reader *r, size_t *n)
{
    const char *begin = r->buf + r->start;
    size_t avail = r->end - r->start;
    if (r->skipping) {
        const char *nl = memchr(begin, '\n', avail);
        const char *from = nl != NULL ? nl + 1 : begin + avail;
        avail -= (size_t)(from - begin);
        begin = from;
    }
    *n = avail;
    return begin;
}

/* Move unconsumed bytes to the front so the buffer has room at the end. */
static void line_compact(struct line_reader *r)
{
    if (r->start == 0)
        return;
    memmove(r->buf, r->buf + r->start, r->end - r->start);
    r->end -= r->start;
    r->start = 0;
}

size_t line_feed(struct line_reader *r, const void *data, size_t n)
{
    line_compact(r);
    size_t room = r->max - r->end;
    size_t take = n < room ? n : room;
    memcpy(r->buf + r->end, data, take);
    r->end += take;
    return take;
}

void line_feed_eof(struct line_reader *r)
{
    r->at_eof = true;
}

enum line_status line_next(struct line_reader *r, char **line, size_t *len)
{
    for (;;) {
        char *begin = r->buf + r->start;
        size_t avail = r->end - r->start;
        char *nl = memchr(begin, '\n', avail);

        if (r->skipping) {
            /* Drop the tail of an over-long line, up to its newline. */
            if (nl == NULL) {
                r->start = r->end = 0;
                return r->at_eof ? LINE_EOF : LINE_AGAIN;
            }
            r->start += (size_t)(nl - begin) + 1;
            r->skipping = false;
            continue;
        }
        if (nl != NULL) {
            *nl = '\0';
            *line = begin;
            *len = (size_t)(nl - begin);
            r->start += *len + 1;
            return LINE_OK;
        }
        if (avail >= r->max) {
            /* The buffer is full and holds no newline: too long. */
            r->start = r->end = 0;
            r->skipping = true;
            return LINE_TOO_LONG;
        }
        if (r->at_eof) {
            if (avail == 0)
                return LINE_EOF;
            begin[avail] = '\0'; /* the buffer has one spare byte for this */
            *line = begin;
            *len = avail;
            r->start = r->end;
            return LINE_PARTIAL;
        }
        return LINE_AGAIN;
    }
}

ssize_t line_fill(struct line_reader *r)
{
    line_compact(r);
    ssize_t n = io_read_some(r->fd, r->buf + r->end, r->max - r->end);
    if (n > 0)
        r->end += (size_t)n;
    else if (n == 0)
        r->at_eof = true;
    return n;
}

enum line_status line_read(struct line_reader *r, char **line, size_t *len)
{
    for (;;) {
        enum line_status st = line_next(r, line, len);
        if (st != LINE_AGAIN)
            return st;
        if (line_fill(r) == -1)
            return LINE_ERROR;
    }
}
