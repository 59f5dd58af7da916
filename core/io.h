/*
 * io.h - robust I/O: the one place that loops over EINTR and short counts.
 *
 * read() and write() on a socket may move fewer bytes than asked, and may be
 * interrupted by a signal. Everything in netdemo goes through these helpers
 * instead of looping by hand (after CS:APP's rio_readn/rio_writen).
 */
#ifndef NETDEMO_IO_H
#define NETDEMO_IO_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* io_write_all: write all n bytes to a blocking fd. Returns n, or -1 with
 * errno set (EPIPE when the peer has gone: SIGPIPE is ignored). */
ssize_t io_write_all(int fd, const void *buf, size_t n);

/* io_send_all_until: send all n bytes on a socket, waiting while its buffer
 * is full, but give up as soon as stop_fd becomes readable (the shutdown
 * pipe). Returns n, or -1 with errno set: ECANCELED when stopped. A blocking
 * send() could sleep for ever on a caller that never reads; this cannot. */
ssize_t io_send_all_until(int fd, const void *buf, size_t n, int stop_fd);

/* io_read_exact: read until n bytes arrive or the peer closes. Returns the
 * count read (less than n only at end of stream), or -1 with errno set. */
ssize_t io_read_exact(int fd, void *buf, size_t n);

/* io_read_some: one read(), retried on EINTR. Returns the count, 0 at end
 * of stream, or -1 with errno set (EAGAIN on an empty non-blocking fd). */
ssize_t io_read_some(int fd, void *buf, size_t n);

/* io_write_some: one write(), retried on EINTR, for non-blocking fds.
 * Returns the count written or -1 with errno set. */
ssize_t io_write_some(int fd, const void *buf, size_t n);

/* io_poll: poll(), retried on EINTR, waiting at most timeout_ms in all
 * (-1: no limit). Returns what poll() returns: the count of ready fds, 0
 * when the time is up, or -1 with errno set. */
int io_poll(struct pollfd *fds, nfds_t nfds, int timeout_ms);

/*
 * A bounded line reader. It buffers what read() returns and hands out one
 * line at a time. A line longer than max is reported as LINE_TOO_LONG and
 * skipped up to its newline; it is never silently cut.
 *
 * line_next() does no I/O, so protocol parsers and tests can feed bytes with
 * line_feed(); line_fill() reads once from the fd; line_read() combines
 * them for blocking code.
 */
enum line_status {
    LINE_OK,       /* *line is a complete line, '\n' removed, NUL-terminated */
    LINE_AGAIN,    /* no complete line buffered yet: feed or fill more */
    LINE_TOO_LONG, /* a line exceeded max; its bytes are being discarded */
    LINE_PARTIAL,  /* end of stream after an unterminated last line (in *line) */
    LINE_EOF,      /* end of stream, nothing buffered */
    LINE_ERROR     /* read() failed: see errno */
};

struct line_reader {
    int fd;        /* -1 when bytes only arrive through line_feed() */
    size_t max;    /* longest line accepted, '\n' included */
    char *buf;     /* max + 1 bytes: room for a NUL after the longest line */
    size_t start;  /* first unconsumed byte */
    size_t end;    /* one past the last buffered byte */
    bool skipping; /* discarding the rest of an over-long line */
    bool at_eof;   /* the fd reported end of stream */
};

/* line_reader_init: allocate a reader for lines of at most max bytes.
 * Returns 0, or -1 if memory ran out. Free it with line_reader_free(). */
int line_reader_init(struct line_reader *r, int fd, size_t max);
void line_reader_free(struct line_reader *r);

/* line_feed: append bytes (no I/O). Returns how many were taken; fewer than
 * n means the buffer is full: call line_next() to make room. */
size_t line_feed(struct line_reader *r, const void *data, size_t n);

/* line_feed_eof: tell the reader no more bytes will come (no I/O). */
void line_feed_eof(struct line_reader *r);

/* line_next: take the next complete line from the buffer, if any. The line
 * stays valid until the next call on r. */
enum line_status line_next(struct line_reader *r, char **line, size_t *len);

/* line_fill: one read() from r->fd into the buffer. Returns the byte count,
 * 0 at end of stream, -1 on error (errno set; EAGAIN if non-blocking). */
ssize_t line_fill(struct line_reader *r);

/* line_read: line_next(), reading from the fd as needed (blocking). */
enum line_status line_read(struct line_reader *r, char **line, size_t *len);

/* line_pending: bytes buffered after the lines already taken. */
size_t line_pending(const struct line_reader *r);

/* line_peek: the bytes buffered after the lines already taken, without
 * taking them (no I/O), for a look ahead at what line_next() will return;
 * the tail of an over-long line being skipped is left out. *n gets their
 * count. The bytes stay valid until the next call on r. */
const char *line_peek(const struct line_reader *r, size_t *n);

#endif
