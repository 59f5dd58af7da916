/*
 * test_stop.c - per-server stop handles: each stops alone, a failure keeps
 * its reason, a forked child sees the request, the table has a limit.
 */
#include "stop.h"

#include <criterion/criterion.h>
#include <poll.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static bool readable(int fd)
{
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    return poll(&pfd, 1, 0) == 1;
}

Test(stop, a_request_stops_that_handle_and_no_other)
{
    struct stop a, b;
    cr_assert_eq(stop_open(&a, NULL), 0);
    cr_assert_eq(stop_open(&b, NULL), 0);
    cr_expect_not(stop_requested(&a));
    cr_expect_eq(stop_wait_readable(&a, stop_fd(&b), 0), STOP_WAIT_TIMEOUT);
    stop_request(&a);
    cr_expect(stop_requested(&a));
    cr_expect(readable(stop_fd(&a)));
    cr_expect_not(stop_requested(&b));
    cr_expect_not(readable(stop_fd(&b)));
    cr_expect_eq(stop_wait_readable(&a, stop_fd(&b), -1), STOP_WAIT_STOP);
    cr_expect(stop_sleep(&a, 10000), "a stopped handle does not sleep");
    stop_close(&a);
    stop_close(&b);
}

Test(stop, a_wait_sees_its_fd_ready_before_a_stop)
{
    struct stop s;
    int p[2];
    cr_assert_eq(stop_open(&s, NULL), 0);
    cr_assert_eq(pipe(p), 0);
    cr_assert_eq(write(p[1], "x", 1), 1);
    cr_expect_eq(stop_wait_readable(&s, p[0], 1000), STOP_WAIT_READY);
    cr_expect_not(stop_sleep(&s, 1), "a handle not asked to stop sleeps the whole time");
    close(p[0]);
    close(p[1]);
    stop_close(&s);
}

Test(stop, a_failure_keeps_its_first_reason)
{
    struct stop s;
    cr_assert_eq(stop_open(&s, NULL), 0);
    stop_fail(&s, "epoll_wait: Bad file descriptor");
    stop_fail(&s, "a second reason");
    cr_expect(stop_requested(&s));
    cr_expect_str_eq(s.why, "epoll_wait: Bad file descriptor");
    stop_close(&s);
}

Test(stop, a_forked_child_sees_the_request_through_the_pipe)
{
    struct stop s;
    cr_assert_eq(stop_open(&s, NULL), 0);
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) /* waits for the parent's request, which only the pipe carries */
        _exit(stop_wait_readable(&s, stop_fd(&s), 5000) == STOP_WAIT_STOP && stop_poll(&s) ? 0 : 1);
    stop_request(&s);
    int status = 0;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    stop_close(&s);
}

Test(stop, opening_more_than_the_limit_fails_with_a_reason)
{
    static struct stop many[STOP_MAX + 1];
    char err[NET_ERR_LEN] = "";
    int opened = 0;
    while (opened <= STOP_MAX && stop_open(&many[opened], err) == 0)
        opened++;
    cr_expect_eq(opened, STOP_MAX);
    cr_expect(strstr(err, "stop: ") == err, "%s", err);
    for (int i = 0; i < opened; i++)
        stop_close(&many[i]);
    cr_expect_eq(stop_open(&many[0], NULL), 0, "closing gave the places back");
    stop_close(&many[0]);
}
