/*
 * stop.c - per-server stop handles, and the fan-out of SIGINT and SIGTERM.
 *
 * A signal handler may do almost nothing safely: it only marks the request
 * and writes a byte to one process-wide pipe (shutdown.c). A small thread
 * waits on that pipe and asks every open handle to stop, under a lock that
 * open and close also take, so no handle is closed while it is written to.
 */
#include "stop.h"
#include "i18n.h"

#include "loop.h"
#include "shutdown.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct stop *registry[STOP_MAX]; /* open handles; NULL: a free place */
static bool signalled;                  /* the fan-out has run */
static bool watching;                   /* the fan-out thread is started */

int stop_open(struct stop *s, char *err)
{
    *s = (struct stop){.pipe = {-1, -1}};
    atomic_init(&s->requested, false);
    if (pipe2(s->pipe, O_CLOEXEC | O_NONBLOCK) == -1) {
        if (err)
            snprintf(err, NET_ERR_LEN, "pipe: %s", strerror(errno));
        return -1;
    }
    pthread_mutex_lock(&registry_lock);
    size_t i = 0;
    while (i < STOP_MAX && registry[i] != NULL)
        i++;
    if (i < STOP_MAX)
        registry[i] = s;
    if (i < STOP_MAX && signalled)
        stop_request(s); /* opened after Ctrl-C: stop at once */
    pthread_mutex_unlock(&registry_lock);
    if (i == STOP_MAX) {
        stop_close(s);
        if (err)
            snprintf(err, NET_ERR_LEN, _("stop: more than %d servers at once"), STOP_MAX);
        return -1;
    }
    return 0;
}

void stop_close(struct stop *s)
{
    pthread_mutex_lock(&registry_lock);
    for (size_t i = 0; i < STOP_MAX; i++)
        if (registry[i] == s)
            registry[i] = NULL;
    pthread_mutex_unlock(&registry_lock);
    for (int i = 0; i < 2; i++) {
        if (s->pipe[i] != -1)
            close(s->pipe[i]);
        s->pipe[i] = -1;
    }
}

void stop_request(struct stop *s)
{
    if (atomic_exchange(&s->requested, true))
        return;
    char byte = 1;
    ssize_t rc = write(s->pipe[1], &byte, 1); /* the pipe then stays readable */
    (void)rc;
}

void stop_fail(struct stop *s, const char *why)
{
    pthread_mutex_lock(&registry_lock); /* one writer of why at a time */
    if (s->why[0] == '\0')
        snprintf(s->why, sizeof s->why, "%s", why);
    pthread_mutex_unlock(&registry_lock);
    stop_request(s);
}

bool stop_requested(struct stop *s)
{
    return atomic_load(&s->requested);
}

bool stop_poll(struct stop *s)
{
    if (atomic_load(&s->requested))
        return true;
    struct pollfd pfd = {.fd = s->pipe[0], .events = POLLIN};
    if (poll(&pfd, 1, 0) == 1) {
        atomic_store(&s->requested, true);
        return true;
    }
    return false;
}

int stop_fd(const struct stop *s)
{
    return s->pipe[0];
}

enum stop_wait stop_wait_readable(struct stop *s, int fd, int timeout_ms)
{
    struct pollfd pfd[2] = {
        {.fd = fd, .events = POLLIN},
        {.fd = s->pipe[0], .events = POLLIN},
    };
    if (atomic_load(&s->requested))
        return STOP_WAIT_STOP;
    /* A signal interrupts poll() before the fan-out thread has written to
     * the pipe: wait again, for the rest of the time, and see it. */
    int64_t deadline = loop_now_ms() + timeout_ms;
    int n;
    do {
        int64_t left = timeout_ms < 0 ? -1 : deadline - loop_now_ms();
        n = poll(pfd, 2, left < 0 && timeout_ms >= 0 ? 0 : (int)left);
    } while (n == -1 && errno == EINTR);
    if (n == -1)
        return STOP_WAIT_ERROR;
    if (n == 0)
        return STOP_WAIT_TIMEOUT;
    if (pfd[1].revents) {
        atomic_store(&s->requested, true);
        return STOP_WAIT_STOP;
    }
    return STOP_WAIT_READY;
}

bool stop_sleep(struct stop *s, int ms)
{
    return stop_wait_readable(s, s->pipe[0], ms) != STOP_WAIT_TIMEOUT;
}

/* The fan-out: wait for the first SIGINT or SIGTERM, then stop everything
 * open now; stop_open() stops whatever opens later. */
static void *stop_fan_out(void *arg)
{
    (void)arg;
    struct pollfd pfd = {.fd = shutdown_fd(), .events = POLLIN};
    while (poll(&pfd, 1, -1) != 1)
        ;
    pthread_mutex_lock(&registry_lock);
    signalled = true;
    for (size_t i = 0; i < STOP_MAX; i++)
        if (registry[i] != NULL)
            stop_request(registry[i]);
    pthread_mutex_unlock(&registry_lock);
    return NULL;
}

int stop_watch_signals(char *err)
{
    if (shutdown_install(err) == -1)
        return -1;
    pthread_mutex_lock(&registry_lock);
    bool start = !watching;
    watching = true;
    pthread_mutex_unlock(&registry_lock);
    pthread_t t;
    int rc = start ? pthread_create(&t, NULL, stop_fan_out, NULL) : 0;
    if (rc != 0) {
        if (err)
            snprintf(err, NET_ERR_LEN, "pthread_create: %s", strerror(rc));
        return -1;
    }
    if (start)
        pthread_detach(t);
    return 0;
}
