/*
 * forking.c - a process per caller.
 *
 * After accept(), fork() copies the whole server. The child talks to its
 * caller and exits; the parent closes its copy of the connection and goes
 * back to accept(). Processes share no memory, so one crashing child cannot
 * hurt another; the price is a fork per connection. The counters live in
 * shared memory (see counters.h), so the children's bytes are counted too.
 */
#include "server.h"
#include "shutdown.h"
#include "trace.h"

#include <errno.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define FORK_MAX_CHILDREN 4096 /* callers served at once */
#define FORK_REAP_MS      500  /* how often the parent looks for dead children */
#define FORK_GRACE_MS     2000 /* how long children get to finish at shutdown */

struct fork_children {
    pid_t pids[FORK_MAX_CHILDREN];
    int count;
};

/* SIGCHLD only needs to interrupt the parent's wait; reaping happens in
 * ordinary code below, where it is safe to touch the pid table. */
static void fork_on_sigchld(int sig)
{
    (void)sig;
}

/* Collect every child that has exited, so none lingers as a zombie. */
static void fork_reap(struct fork_children *kids)
{
    pid_t pid;
    while ((pid = waitpid(-1, NULL, WNOHANG)) > 0) {
        for (int i = 0; i < kids->count; i++) {
            if (kids->pids[i] == pid) {
                kids->pids[i] = kids->pids[--kids->count];
                break;
            }
        }
        TRACE("waitpid() -> child %d reaped", (int)pid);
    }
}

/* At shutdown: ask every child to stop, give them a moment, then insist. */
static void fork_stop_children(struct fork_children *kids)
{
    for (int i = 0; i < kids->count; i++)
        kill(kids->pids[i], SIGTERM);
    for (int waited = 0; kids->count > 0 && waited < FORK_GRACE_MS; waited += 10) {
        fork_reap(kids);
        nanosleep(&(struct timespec){.tv_nsec = 10 * 1000000}, NULL);
    }
    for (int i = 0; i < kids->count; i++)
        kill(kids->pids[i], SIGKILL);
    while (kids->count > 0 && waitpid(-1, NULL, 0) > 0)
        fork_reap(kids);
}

/* The child's whole life: serve one caller, then exit without returning
 * into the parent's accept loop. */
static void fork_child(struct tcp_server *srv, int conn)
{
    close(srv->listen_fd);
    trace_set_role("tcp child");
    tcp_comm_loop(srv, conn);
    tcp_hang_up(srv, conn);
    _exit(0);
}

int tcp_serve_fork(struct tcp_server *srv, char *err)
{
    struct fork_children *kids = calloc(1, sizeof *kids);
    if (kids == NULL) {
        snprintf(err, NET_ERR_LEN, "fork: out of memory");
        return -1;
    }
    struct sigaction sa = {.sa_handler = fork_on_sigchld, .sa_flags = SA_NOCLDSTOP};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGCHLD, &sa, NULL);

    while (!shutdown_requested()) {
        fork_reap(kids);
        int conn = tcp_accept_call(srv, FORK_REAP_MS);
        if (conn == -1)
            continue;
        if (kids->count == FORK_MAX_CHILDREN) {
            tcp_hang_up(srv, conn); /* too many callers: refuse this one */
            continue;
        }
        pid_t pid = fork();
        if (pid == 0)
            fork_child(srv, conn);
        if (pid == -1) {
            TRACE("fork() -> -1 (%s)", strerror(errno));
            counters_add(srv->stats, errors, 1);
            tcp_hang_up(srv, conn);
            continue;
        }
        TRACE("fork() -> child %d serves fd %d", (int)pid, conn);
        kids->pids[kids->count++] = pid;
        close(conn); /* the child has its own copy; conns_open stays up until it hangs up */
    }
    fork_stop_children(kids);
    free(kids);
    signal(SIGCHLD, SIG_DFL);
    return 0;
}
