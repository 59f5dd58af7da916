/*
 * test_lecture.c - the lecture log: off until started, a burst then the
 * rate, held-back lines counted and told, one limit across fork, sizes.
 * Criterion runs each test in its own process, so each starts the log anew.
 */
#include "lecture.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* stdout into a non-blocking pipe; returns its read end. */
static int capture_stdout(void)
{
    int p[2];
    cr_assert_eq(pipe(p), 0);
    cr_assert_neq(dup2(p[1], STDOUT_FILENO), -1);
    close(p[1]);
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    return p[0];
}

static void read_all(int fd, char *out, size_t outlen)
{
    ssize_t n = read(fd, out, outlen - 1);
    out[n > 0 ? n : 0] = '\0';
}

/* How many of count tries lecture_admit() lets through, as fast as it can. */
static int admitted(int count)
{
    int yes = 0;
    for (int i = 0; i < count; i++)
        yes += lecture_admit();
    return yes;
}

Test(lecture, is_off_until_started)
{
    cr_expect_eq(admitted(5), 0);
}

Test(lecture, lets_a_burst_through_then_holds_back)
{
    lecture_start(false);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int yes = admitted(1000);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double took = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    cr_expect_geq(yes, LECTURE_BURST);
    cr_expect_leq(yes, LECTURE_BURST + (int)(took * LECTURE_PER_SECOND) + 1);
}

Test(lecture, the_next_line_shown_says_how_many_were_held)
{
    int out = capture_stdout();
    lecture_start(false);
    for (int i = 0; i < LECTURE_BURST + 5; i++)
        LECTURE("TCP", "call %d", i);
    nanosleep(&(struct timespec){.tv_nsec = 1000000000L / LECTURE_PER_SECOND + 10000000L}, NULL);
    LECTURE("TCP", "after the pause");
    char text[4096];
    read_all(out, text, sizeof text);
    cr_expect(strncmp(text, "call 0\ncall 1\n", 14) == 0, "%s", text);
    cr_expect_not_null(strstr(text, "call 19\n... 5 more lines not shown (at most 10 a second)\n"
                                    "after the pause\n"),
                       "%s", text);
    cr_expect_null(strstr(text, "call 20"), "%s", text);
}

Test(lecture, labelled_lines_begin_with_their_server)
{
    int out = capture_stdout();
    lecture_start(true);
    LECTURE("HTTP", "connection from %s: GET / -> %d", "127.0.0.1:5", 200);
    char text[256];
    read_all(out, text, sizeof text);
    cr_expect_str_eq(text, "HTTP  connection from 127.0.0.1:5: GET / -> 200\n");
}

Test(lecture, a_peers_control_bytes_never_reach_the_terminal)
{
    int out = capture_stdout();
    lecture_start(false);
    LECTURE("FTP", "logged in as %s", "ev\x1b[2Jil");
    char text[256];
    read_all(out, text, sizeof text);
    cr_expect_null(strchr(text, '\x1b'), "%s", text);
    cr_expect_not_null(strstr(text, "ev\\x1b[2Jil"), "%s", text);
}

Test(lecture, a_held_count_is_told_at_the_end)
{
    int out = capture_stdout();
    lecture_start(false);
    admitted(LECTURE_BURST);
    admitted(3);
    lecture_end();
    char text[256];
    read_all(out, text, sizeof text);
    cr_expect_str_eq(text, "... 3 more lines not shown (at most 10 a second)\n");
}

Test(lecture, a_forked_child_shares_the_limit)
{
    lecture_start(false);
    cr_assert_eq(admitted(LECTURE_BURST), LECTURE_BURST);
    pid_t child = fork();
    if (child == 0)
        _exit(lecture_admit() ? 1 : 0); /* the parent spent the burst */
    int status = 0;
    cr_assert_eq(waitpid(child, &status, 0), child);
    cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the child got a line of its own");
}

Test(lecture, sizes_read_as_people_write_them)
{
    static const struct {
        unsigned long long bytes;
        const char *text;
    } table[] = {
        {0, "0 B"},
        {121, "121 B"},
        {1023, "1023 B"},
        {1024, "1.0 KiB"},
        {1229, "1.2 KiB"},
        {3 << 20, "3.0 MiB"},
        {5ULL << 30, "5.0 GiB"},
        {2ULL << 40, "2.0 TiB"},
        {4096ULL << 40, "4096.0 TiB"},
    };
    for (size_t i = 0; i < sizeof table / sizeof *table; i++) {
        char out[LECTURE_SIZE_LEN];
        cr_expect_str_eq(lecture_size(table[i].bytes, out, sizeof out), table[i].text);
    }
}
