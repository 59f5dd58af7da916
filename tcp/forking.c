/*
 * forking.c - a process per caller.
 *
 * After accept(), fork() copies the whole server. The child talks to its
 * caller and exits; the parent closes its copy of the connection and goes
 * back to accept(). Processes share no memory, so one crashing child cannot
 * hurt another; the price is a fork per connection. The counters live in
 * shared memory (see counters.h), so the children's bytes are counted too.
 *
 * Other servers' threads may share this process (netdemo runs all four in
 * one), so the model keeps to what is its own: it reaps only its own
 * children, by pid, and installs no signal handler. A child of a threaded
 * process holds only the thread that called fork(): a lock another thread
 * held at that moment stays held for ever. So the child touches only its
 * connection, the counters (atomics in shared memory), the stop handle's
 * pipe (inherited: the parent's request reaches it) and the trace lines
 * (whose lock trace.c re-arms in the child).
 */
#include "tcp_server.h"
#include "trace.h"
#include "i18n.h"

#include <errno.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct fork_children {
    pid_t pids[TCP_FORK_MAX_CHILDREN];
    int count;
};

/* Collect each of our children that has exited, so none lingers as a
 * zombie. By pid: waitpid(-1) would also take other servers' children. */
static void fork_reap(struct fork_children *kids)
{
    for (int i = 0; i < kids->count;) {
        pid_t pid = kids->pids[i];
        if (waitpid(pid, NULL, WNOHANG) == 0) {
            i++;
            continue;
        }
        kids->pids[i] = kids->pids[--kids->count]; /* exited (or not ours any more) */
        TRACE_CALL("waitpid", pid, NULL, 0, N_("waitpid() -> child %d reaped"), (int)pid);
    }
}

/* At shutdown: the children see the stop request in the pipe they share
 * with us and finish; give them a moment, then insist. */
static void fork_stop_children(struct fork_children *kids)
{
    for (int waited = 0; kids->count > 0 && waited < TCP_FORK_GRACE_MS; waited += 10) {
        fork_reap(kids);
        nanosleep(&(struct timespec){.tv_nsec = 10 * 1000000}, NULL);
    }
    for (int i = 0; i < kids->count; i++) {
        kill(kids->pids[i], SIGKILL);
        waitpid(kids->pids[i], NULL, 0);
    }
    kids->count = 0;
}

/* The child's whole life: serve one caller, then exit without returning
 * into the parent's accept loop. Ctrl-C reaches the whole process group:
 * the child leaves it to the parent, whose stop request it then sees, as
 * the other models' threads do (its inherited handler would write to the
 * parent's process-wide pipe). */
static void fork_child(struct tcp_server *srv, int conn)
{
    signal(SIGINT, SIG_IGN);
    signal(SIGTERM, SIG_IGN);
    static char role[24]; /* this process's own copy: no other child shares it */
    close(srv->listen_fd);
    snprintf(role, sizeof role, "tcp child %d", (int)getpid());
    trace_bind(&srv->tracer, role);
    tcp_comm_loop(srv, conn);
    tcp_hang_up(srv, conn);
    _exit(0);
}

int tcp_serve_fork(struct tcp_server *srv, char *err)
{
    struct fork_children *kids = calloc(1, sizeof *kids);
    if (kids == NULL) {
        snprintf(err, NET_ERR_LEN, "%s", _("fork: out of memory"));
        return -1;
    }
    TRACE("%s", _("fork model: each child gets its own copy of the descriptor table, so the "
                  "parent closes its copy of each connection and the child its copy of the "
                  "listening socket"));
    while (!stop_requested(srv->stop)) {
        fork_reap(kids);
        int conn = tcp_accept_call(srv, TCP_FORK_REAP_MS);
        if (conn == -1)
            continue;
        if (kids->count == TCP_FORK_MAX_CHILDREN) {
            tcp_hang_up(srv, conn); /* too many callers: refuse this one */
            continue;
        }
        pid_t pid = fork();
        if (pid == 0)
            fork_child(srv, conn);
        if (pid == -1) {
            TRACE_CALL("fork", -1, NULL, 0, "fork() -> -1 (%s)", strerror(errno));
            counters_add(srv->stats, errors, 1);
            tcp_hang_up(srv, conn);
            continue;
        }
        TRACE_CALL("fork", pid, NULL, 0, N_("fork() -> child %d serves fd %d"), (int)pid, conn);
        kids->pids[kids->count++] = pid;
        close(conn); /* the child has its own copy; conns_open stays up until it hangs up */
    }
    fork_stop_children(kids);
    free(kids);
    return 0;
}
