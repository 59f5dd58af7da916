/*
 * shutdown.c - signal handling for a clean stop.
 */
#include "shutdown.h"
#include "net.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t shutdown_flag;
static int shutdown_pipe[2] = {-1, -1};

static void shutdown_on_signal(int sig)
{
    (void)sig;
    int saved = errno; /* a handler must not disturb the errno it interrupted */
    shutdown_request();
    errno = saved;
}

void shutdown_request(void)
{
    shutdown_flag = 1;
    if (shutdown_pipe[1] != -1) {
        char byte = 1;
        ssize_t rc = write(shutdown_pipe[1], &byte, 1); /* async-signal-safe */
        (void)rc;
    }
}

int shutdown_install(char *err)
{
    if (shutdown_pipe[0] == -1 && pipe2(shutdown_pipe, O_CLOEXEC | O_NONBLOCK) == -1) {
        if (err)
            snprintf(err, NET_ERR_LEN, "pipe: %s", strerror(errno));
        return -1;
    }
    struct sigaction sa = {.sa_handler = shutdown_on_signal};
    sigemptyset(&sa.sa_mask);
    /* No SA_RESTART: a blocking call returns EINTR and notices the request. */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    struct sigaction ign = {.sa_handler = SIG_IGN};
    sigemptyset(&ign.sa_mask);
    sigaction(SIGPIPE, &ign, NULL);
    return 0;
}

bool shutdown_requested(void)
{
    return shutdown_flag != 0;
}

int shutdown_fd(void)
{
    return shutdown_pipe[0];
}

enum shutdown_wait shutdown_wait_readable(int fd, int timeout_ms)
{
    struct pollfd pfd[2] = {
        {.fd = fd, .events = POLLIN},
        {.fd = shutdown_pipe[0], .events = POLLIN},
    };
    if (shutdown_requested())
        return SHUTDOWN_WAIT_STOP;
    int n = poll(pfd, shutdown_pipe[0] == -1 ? 1 : 2, timeout_ms);
    if (n == -1)
        return errno == EINTR ? (shutdown_requested() ? SHUTDOWN_WAIT_STOP : SHUTDOWN_WAIT_TIMEOUT)
                              : SHUTDOWN_WAIT_ERROR;
    if (n == 0)
        return SHUTDOWN_WAIT_TIMEOUT;
    if (pfd[1].revents)
        return SHUTDOWN_WAIT_STOP;
    return SHUTDOWN_WAIT_READY;
}
