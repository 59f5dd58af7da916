/*
 * comparejob.c - one small `netdemo compare` at a time, for the hub's
 * button (comparejob.h says why it is a child process).
 */
#include "comparejob.h"
#include "i18n.h"

#include "io.h"
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The run the button starts: the CI-sized one, a few seconds. */
static char *const job_argv[] = {"netdemo", "compare",  "--size", "1M", "--count",
                                 "200",     "--repeat", "1",      NULL};

static const char *const state_names[] = {"idle", "running", "done", "failed"};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void compare_job_init(struct compare_job *job)
{
    *job = (struct compare_job){.state = COMPARE_JOB_IDLE, .pid = -1, .said = -1};
    pthread_mutex_init(&job->lock, NULL);
}

/* This program again, as `netdemo compare ...`: stdout to /dev/null (the
 * report is saved where /compare finds it), stderr to a pipe, and the
 * signals as a fresh process has them (netdemo's threads block them). In
 * a process group of its own, so that Ctrl-C is netdemo's to pass on. */
static int job_spawn(struct compare_job *job)
{
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none, reset;
    sigemptyset(&none);
    sigemptyset(&reset);
    sigaddset(&reset, SIGINT);
    sigaddset(&reset, SIGTERM);
    sigaddset(&reset, SIGHUP);
    sigaddset(&reset, SIGPIPE);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &reset);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
                                        POSIX_SPAWN_SETPGROUP);
    int rc = spawn_said("/proc/self/exe", job_argv, false, &attr, &job->pid, &job->said);
    posix_spawnattr_destroy(&attr);
    return rc;
}

/* The waiter: keep the last line the run says, end it if it overruns,
 * reap it, and record how it went. */
static void *job_wait(void *arg)
{
    struct compare_job *job = arg;
    char buf[256], last[sizeof job->error] = "";
    size_t got = 0;
    double deadline = job->started + COMPARE_JOB_LIMIT_S;
    bool ended = false;
    for (;;) {
        struct pollfd p = {.fd = job->said, .events = POLLIN};
        double left = deadline - now_s();
        if (io_poll(&p, 1, left > 0 ? (int)(left * 1000) + 1 : 0) == 0 && !ended) {
            kill(job->pid, SIGTERM); /* it removes its folder, then ends */
            snprintf(last, sizeof last, _("took longer than %d s"), COMPARE_JOB_LIMIT_S);
            ended = true;
            deadline = now_s() + 3600; /* now wait for its end */
            continue;
        }
        ssize_t n = read(job->said, buf + got, sizeof buf - 1 - got);
        if (n == -1 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
        buf[got] = '\0';
        for (char *nl; (nl = strchr(buf, '\n')) != NULL;) { /* whole lines only */
            *nl = '\0';
            if (!ended && buf[0] != '\0')
                snprintf(last, sizeof last, "%s", buf);
            got -= (size_t)(nl + 1 - buf);
            memmove(buf, nl + 1, got + 1);
        }
        if (got == sizeof buf - 1)
            got = 0; /* a line this long is not an error line: drop it */
    }
    /* Its end, waited for without reaping it: until job->pid is -1 under
     * the lock, compare_job_end() may still signal that pid, so no other
     * process may have been given it yet. */
    siginfo_t info;
    while (waitid(P_PID, (id_t)job->pid, &info, WEXITED | WNOWAIT) == -1 && errno == EINTR)
        ;
    pthread_mutex_lock(&job->lock);
    int status = 0;
    while (waitpid(job->pid, &status, 0) == -1 && errno == EINTR)
        ;
    close(job->said);
    job->said = -1;
    job->seconds = now_s() - job->started;
    bool ok = !ended && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (!ok && last[0] == '\0' && WIFSIGNALED(status))
        snprintf(last, sizeof last, _("netdemo compare ended with signal %d"), WTERMSIG(status));
    else if (!ok && last[0] == '\0')
        snprintf(last, sizeof last, _("netdemo compare ended with exit code %d"),
                 WEXITSTATUS(status));
    snprintf(job->error, sizeof job->error, "%s", ok ? "" : last);
    job->state = ok ? COMPARE_JOB_DONE : COMPARE_JOB_FAILED;
    job->pid = -1;
    pthread_mutex_unlock(&job->lock);
    return NULL;
}

/* Start a run; the caller holds the lock and no run is going. */
static void job_start(struct compare_job *job)
{
    if (job->has_waiter) /* the last run's: it has recorded its end */
        pthread_join(job->waiter, NULL);
    job->has_waiter = false;
    job->started = now_s();
    job->runs++;
    int rc = job_spawn(job);
    if (rc == 0 && (rc = pthread_create(&job->waiter, NULL, job_wait, job)) != 0) {
        kill(job->pid, SIGTERM);
        waitpid(job->pid, NULL, 0);
        close(job->said);
        job->said = -1;
    }
    job->has_waiter = rc == 0;
    job->state = rc == 0 ? COMPARE_JOB_RUNNING : COMPARE_JOB_FAILED;
    if (rc != 0)
        snprintf(job->error, sizeof job->error, _("could not start netdemo compare: %s"),
                 strerror(rc));
}

size_t compare_job_control(void *arg, bool start, char *json, size_t len)
{
    struct compare_job *job = arg;
    pthread_mutex_lock(&job->lock);
    if (start && job->state != COMPARE_JOB_RUNNING)
        job_start(job);
    double seconds = job->state == COMPARE_JOB_RUNNING ? now_s() - job->started : job->seconds;
    int n = snprintf(json, len, "{\"state\":\"%s\",\"runs\":%lu,\"seconds\":%.1f,\"error\":\"",
                     state_names[job->state], job->runs, seconds);
    /* the error is a line a program wrote: escaped for JSON */
    for (const unsigned char *p = (const unsigned char *)job->error;
         *p && n > 0 && (size_t)n + 8 < len; p++)
        n += *p == '"' || *p == '\\' ? snprintf(json + n, len - (size_t)n, "\\%c", *p)
             : *p < 0x20             ? snprintf(json + n, len - (size_t)n, "\\u%04x", *p)
                                     : snprintf(json + n, len - (size_t)n, "%c", *p);
    pthread_mutex_unlock(&job->lock);
    if (n < 0 || (size_t)n + 3 > len)
        return 0;
    n += snprintf(json + n, len - (size_t)n, "\"}");
    return (size_t)n;
}

void compare_job_end(struct compare_job *job)
{
    pthread_mutex_lock(&job->lock);
    if (job->state == COMPARE_JOB_RUNNING)
        kill(job->pid, SIGTERM);
    bool wait = job->has_waiter;
    job->has_waiter = false;
    pthread_mutex_unlock(&job->lock);
    if (wait)
        pthread_join(job->waiter, NULL);
    pthread_mutex_destroy(&job->lock);
}
