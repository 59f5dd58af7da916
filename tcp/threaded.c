/*
 * threaded.c - a thread per caller.
 *
 * Threads share the process's memory, so starting one is cheaper than a
 * fork, and every thread sees the same counters and the same list of open
 * calls. That sharing is why the list needs a mutex.
 *
 * Stopping: signals are blocked in the callers' threads, so only the main
 * thread sees Ctrl-C. It then shuts down every open call's socket, which
 * ends each thread's recv(), and waits for them all.
 */
#include "tcp_server.h"
#include "trace.h"
#include "i18n.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* One caller's thread; linked into the server's list while it runs. */
struct thread_call {
    int conn;
    unsigned number; /* 1 for the first caller's thread, 2 for the next, ... */
    struct tcp_server *srv;
    struct thread_pool *pool;
    struct thread_call *prev, *next;
};

struct thread_pool {
    pthread_mutex_t lock;
    pthread_cond_t all_gone; /* signalled when the last call ends */
    struct thread_call *calls;
    int live;
    unsigned started; /* threads started so far: the last one's number */
};

static void *thread_serve_call(void *arg)
{
    struct thread_call *call = arg;
    struct thread_pool *pool = call->pool;

    static _Thread_local char role[24]; /* lives as long as the thread */
    snprintf(role, sizeof role, "tcp thread %u", call->number);
    trace_bind(&call->srv->tracer, role);
    tcp_comm_loop(call->srv, call->conn);

    pthread_mutex_lock(&pool->lock);
    if (call->prev)
        call->prev->next = call->next;
    else
        pool->calls = call->next;
    if (call->next)
        call->next->prev = call->prev;
    /* Under the lock, so thread_stop_all never shuts down a reused fd. */
    tcp_hang_up(call->srv, call->conn);
    free(call);
    if (--pool->live == 0)
        pthread_cond_signal(&pool->all_gone);
    pthread_mutex_unlock(&pool->lock);
    return NULL;
}

/* Start a detached thread for conn; on failure hang up. */
static void thread_start_call(struct thread_pool *pool, struct tcp_server *srv, int conn,
                              pthread_attr_t *attr)
{
    struct thread_call *call = calloc(1, sizeof *call);
    if (call == NULL) {
        tcp_hang_up(srv, conn);
        return;
    }
    *call = (struct thread_call){.conn = conn, .srv = srv, .pool = pool};

    pthread_mutex_lock(&pool->lock);
    call->next = pool->calls;
    if (pool->calls)
        pool->calls->prev = call;
    pool->calls = call;
    pool->live++;
    call->number = ++pool->started;
    unsigned number = call->number; /* the thread may free call before we trace */
    pthread_t tid;
    int rc = pthread_create(&tid, attr, thread_serve_call, call);
    if (rc != 0) {
        pool->calls = call->next;
        if (call->next)
            call->next->prev = NULL;
        pool->live--;
        pthread_mutex_unlock(&pool->lock);
        TRACE_CALL("pthread_create", rc, NULL, 0, "pthread_create() -> %s", strerror(rc));
        counters_add(srv->stats, errors, 1);
        tcp_hang_up(srv, conn);
        free(call);
        return;
    }
    pthread_mutex_unlock(&pool->lock);
    TRACE_CALL("pthread_create", 0, NULL, 0, N_("pthread_create() -> thread %u serves fd %d"),
               number, conn);
}

/* End every open call and wait until their threads have finished. */
static void thread_stop_all(struct thread_pool *pool)
{
    pthread_mutex_lock(&pool->lock);
    for (struct thread_call *c = pool->calls; c != NULL; c = c->next)
        shutdown(c->conn, SHUT_RDWR); /* recv() in that thread returns 0 */
    while (pool->live > 0)
        pthread_cond_wait(&pool->all_gone, &pool->lock);
    pthread_mutex_unlock(&pool->lock);
}

int tcp_serve_thread(struct tcp_server *srv, char *err)
{
    struct thread_pool pool = {.calls = NULL, .live = 0};
    pthread_attr_t attr;
    sigset_t all, old;

    (void)err;
    pthread_mutex_init(&pool.lock, NULL);
    pthread_cond_init(&pool.all_gone, NULL);
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, TCP_THREAD_STACK_SIZE);
    TRACE("%s", _("thread model: the threads share one descriptor table: an fd number names the "
                  "same socket in every thread, and no thread closes the listening socket"));

    while (!stop_requested(srv->stop)) {
        int conn = tcp_accept_call(srv, -1);
        if (conn == -1)
            continue;
        /* New threads inherit the signal mask: block everything while
         * creating one, so signals keep going to this thread alone. */
        sigfillset(&all);
        pthread_sigmask(SIG_BLOCK, &all, &old);
        thread_start_call(&pool, srv, conn, &attr);
        pthread_sigmask(SIG_SETMASK, &old, NULL);
    }
    thread_stop_all(&pool);
    pthread_attr_destroy(&attr);
    pthread_cond_destroy(&pool.all_gone);
    pthread_mutex_destroy(&pool.lock);
    return 0;
}
