/*
 * test_io.c - the bounded line reader with partial and over-long input, and io_poll.
 */
#include "io.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static struct line_reader reader;

static void expect_line(const char *want)
{
    char *line;
    size_t len;
    enum line_status st = line_next(&reader, &line, &len);
    cr_assert_eq(st, LINE_OK, "status %d, expected a line '%s'", st, want);
    cr_expect_eq(len, strlen(want));
    cr_expect_str_eq(line, want);
}

static void expect_status(enum line_status want)
{
    char *line;
    size_t len;
    cr_expect_eq(line_next(&reader, &line, &len), want);
}

static void feed(const char *s)
{
    cr_assert_eq(line_feed(&reader, s, strlen(s)), strlen(s));
}

static void setup(void)
{
    cr_assert_eq(line_reader_init(&reader, -1, 16), 0);
}

static void teardown(void)
{
    line_reader_free(&reader);
}

TestSuite(line_reader, .init = setup, .fini = teardown);

Test(line_reader, returns_lines_split_across_feeds)
{
    feed("US");
    expect_status(LINE_AGAIN);
    feed("ER a");
    expect_status(LINE_AGAIN);
    feed("nn\r\nPASS\n");
    expect_line("USER ann\r");
    expect_line("PASS");
    expect_status(LINE_AGAIN);
}

Test(line_reader, returns_several_lines_from_one_feed)
{
    feed("a\nbb\n\nccc\n");
    expect_line("a");
    expect_line("bb");
    expect_line("");
    expect_line("ccc");
    expect_status(LINE_AGAIN);
}

Test(line_reader, accepts_a_line_of_exactly_max_bytes)
{
    feed("0123456789abcde\n"); /* 15 bytes + newline = max 16 */
    expect_line("0123456789abcde");
}

Test(line_reader, reports_an_over_long_line_and_skips_it_whole)
{
    feed("0123456789abcdef"); /* 16 bytes, no newline: too long */
    expect_status(LINE_TOO_LONG);
    feed("ghijklmnop"); /* the rest of that line is discarded */
    expect_status(LINE_AGAIN);
    feed("qrs\nnext\n");
    expect_line("next"); /* the following line is intact, never a tail */
}

Test(line_reader, peek_shows_what_is_buffered_without_taking_it)
{
    size_t n;
    feed("a\nbb\nc");
    expect_line("a");
    const char *p = line_peek(&reader, &n);
    cr_expect_eq(n, 4);
    cr_expect_eq(memcmp(p, "bb\nc", 4), 0);
    expect_line("bb"); /* the look took nothing */
}

Test(line_reader, peek_leaves_out_the_tail_of_an_over_long_line)
{
    size_t n;
    feed("0123456789abcdef");
    expect_status(LINE_TOO_LONG);
    feed("xyz\nok\n");
    const char *p = line_peek(&reader, &n);
    cr_expect_eq(n, 3);
    cr_expect_eq(memcmp(p, "ok\n", 3), 0);
    feed("");
    line_peek(&reader, &n);
    cr_expect_eq(n, 3);
}

Test(line_reader, returns_an_unterminated_last_line_as_partial)
{
    feed("last words");
    expect_status(LINE_AGAIN);
    line_feed_eof(&reader);
    char *line;
    size_t len;
    cr_assert_eq(line_next(&reader, &line, &len), LINE_PARTIAL);
    cr_expect_str_eq(line, "last words");
    expect_status(LINE_EOF);
}

Test(line_reader, refuses_bytes_beyond_its_buffer)
{
    char big[40];
    memset(big, 'x', sizeof big);
    cr_expect_eq(line_feed(&reader, big, sizeof big), 16);
}

Test(line_read, reads_lines_from_a_pipe_written_in_pieces)
{
    int p[2];
    cr_assert_eq(pipe(p), 0);
    struct line_reader r;
    cr_assert_eq(line_reader_init(&r, p[0], 64), 0);
    cr_assert_eq(write(p[1], "hel", 3), 3);
    cr_assert_eq(write(p[1], "lo\nwor", 6), 6);
    cr_assert_eq(write(p[1], "ld", 2), 2);
    close(p[1]);
    char *line;
    size_t len;
    cr_expect_eq(line_read(&r, &line, &len), LINE_OK);
    cr_expect_str_eq(line, "hello");
    cr_expect_eq(line_read(&r, &line, &len), LINE_PARTIAL);
    cr_expect_str_eq(line, "world");
    cr_expect_eq(line_read(&r, &line, &len), LINE_EOF);
    line_reader_free(&r);
    close(p[0]);
}

Test(io_write_all, writes_everything_through_short_writes)
{
    int sv[2];
    cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    static char out[1 << 20], in[1 << 20];
    for (size_t i = 0; i < sizeof out; i++)
        out[i] = (char)(i * 31);
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        close(sv[0]);
        _exit(io_write_all(sv[1], out, sizeof out) == (ssize_t)sizeof out ? 0 : 1);
    }
    close(sv[1]);
    cr_expect_eq(io_read_exact(sv[0], in, sizeof in), (ssize_t)sizeof in);
    cr_expect_eq(memcmp(in, out, sizeof in), 0);
    cr_expect_eq(io_read_exact(sv[0], in, 1), 0, "end of stream after the last byte");
    int status;
    waitpid(pid, &status, 0);
    cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(sv[0]);
}

/* --- io_poll ------------------------------------------------------------------ */

static void on_alarm(int sig)
{
    (void)sig;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

Test(io_poll, waits_out_a_signal_and_keeps_to_its_time)
{
    int p[2];
    cr_assert_eq(pipe(p), 0);
    /* No SA_RESTART: a bare poll() would return -1 with EINTR at 20 ms. */
    struct sigaction sa = {.sa_handler = on_alarm};
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval every_20ms = {{0, 20000}, {0, 20000}};
    setitimer(ITIMER_REAL, &every_20ms, NULL);

    struct pollfd pfd = {.fd = p[0], .events = POLLIN};
    int64_t start = now_ms();
    int n = io_poll(&pfd, 1, 200);
    int64_t took = now_ms() - start;

    struct itimerval off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &off, NULL);
    cr_expect_eq(n, 0, "io_poll returned %d (errno %d)", n, errno);
    cr_expect(took >= 190 && took < 2000, "it waited %lld ms for a 200 ms timeout",
              (long long)took);
    close(p[0]);
    close(p[1]);
}

Test(io_poll, returns_as_soon_as_an_fd_is_ready)
{
    int p[2];
    cr_assert_eq(pipe(p), 0);
    cr_assert_eq(write(p[1], "x", 1), 1);
    struct pollfd pfd = {.fd = p[0], .events = POLLIN};
    cr_expect_eq(io_poll(&pfd, 1, -1), 1);
    cr_expect(pfd.revents & POLLIN);
    close(p[0]);
    close(p[1]);
}
