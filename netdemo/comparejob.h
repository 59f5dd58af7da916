/*
 * comparejob.h - the hub's "compare" button: a small `netdemo compare`
 * (CI-sized, a few seconds), run for the web server on request, one at a
 * time, with its state for the page to poll.
 *
 * It runs as a child process, this same program with `compare`: the
 * comparison then has its own servers and its own trace, and nothing of it
 * can stall or crash the servers the class is watching. Its report lands
 * where every comparison's does, and /compare serves it.
 */
#ifndef NETDEMO_COMPAREJOB_H
#define NETDEMO_COMPAREJOB_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define COMPARE_JOB_LIMIT_S 120 /* a run that takes longer is ended */

enum compare_job_state {
    COMPARE_JOB_IDLE,
    COMPARE_JOB_RUNNING,
    COMPARE_JOB_DONE,
    COMPARE_JOB_FAILED
};

struct compare_job {
    pthread_mutex_t lock;
    enum compare_job_state state;
    pid_t pid;        /* the running child */
    int said;         /* the read end of its stderr */
    pthread_t waiter; /* reads what it says, then reaps it */
    bool has_waiter;  /* joined at the next start, or at the end */
    double started;   /* CLOCK_MONOTONIC seconds */
    double seconds;   /* how long the last run took */
    unsigned long runs;
    char error[256]; /* the failed run's last line */
};

void compare_job_init(struct compare_job *job);

/* compare_job_control: with start, begin a run unless one is running.
 * Either way, write the state into json (len bytes) as
 * {"state":"running","runs":1,"seconds":0.0,"error":""}; returns its length.
 * Matches http_compare_job.control. */
size_t compare_job_control(void *job, bool start, char *json, size_t len);

/* compare_job_end: end a run still going (SIGTERM: it removes its folder)
 * and wait for it. */
void compare_job_end(struct compare_job *job);

#endif
