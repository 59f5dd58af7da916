/*
 * loop.c - the epoll event loop and its timer heap.
 */
#include "loop.h"
#include "i18n.h"
#include "net.h"
#include "trace.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

struct loop_handler {
    loop_fd_fn *fn; /* NULL when the fd is not watched */
    void *ctx;
    unsigned mask;
};

struct loop_timer {
    int64_t due_ms; /* loop_now_ms() at which it fires */
    uint64_t seq;   /* creation order: equal due times fire first-in first-out */
    size_t slot;    /* index in the heap, kept current for O(log n) changes */
    loop_timer_fn *fn;
    void *ctx;
};

struct loop {
    int epfd;
    int wakefd; /* eventfd: loop_stop() writes it to end epoll_wait */
    atomic_bool stopping;

    struct loop_handler *handlers; /* indexed by fd */
    int nhandlers;

    struct loop_timer **heap; /* min-heap on (due_ms, seq) */
    size_t nheap, heapcap;
    uint64_t next_seq;
    bool running;   /* inside loop_run() */
    int64_t now_ms; /* while running: the clock when this round began */
};

int64_t loop_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t loop_time_ms(const struct loop *loop)
{
    return loop->running ? loop->now_ms : loop_now_ms();
}

struct loop *loop_create(int max_fds, char *err)
{
    struct loop *loop = calloc(1, sizeof *loop);
    if (loop == NULL) {
        if (err)
            snprintf(err, NET_ERR_LEN, "%s", _("loop: out of memory"));
        return NULL;
    }
    loop->epfd = epoll_create1(EPOLL_CLOEXEC);
    loop->wakefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    loop->nhandlers = max_fds > 16 ? max_fds : 16;
    loop->handlers = calloc((size_t)loop->nhandlers, sizeof *loop->handlers);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = loop->wakefd};
    if (loop->epfd == -1 || loop->wakefd == -1 || loop->handlers == NULL ||
        epoll_ctl(loop->epfd, EPOLL_CTL_ADD, loop->wakefd, &ev) == -1) {
        if (err)
            snprintf(err, NET_ERR_LEN, "epoll: %s", strerror(errno));
        loop_destroy(loop);
        return NULL;
    }
    return loop;
}

void loop_destroy(struct loop *loop)
{
    if (loop == NULL)
        return;
    for (size_t i = 0; i < loop->nheap; i++)
        free(loop->heap[i]);
    free(loop->heap);
    free(loop->handlers);
    if (loop->epfd != -1)
        close(loop->epfd);
    if (loop->wakefd != -1)
        close(loop->wakefd);
    free(loop);
}

/* --- file descriptors ----------------------------------------------------- */

/* Make the handler table large enough to index fd. */
static int loop_grow(struct loop *loop, int fd)
{
    if (fd < loop->nhandlers)
        return 0;
    int n = loop->nhandlers;
    while (n <= fd)
        n *= 2;
    struct loop_handler *h = realloc(loop->handlers, (size_t)n * sizeof *h);
    if (h == NULL)
        return -1;
    memset(h + loop->nhandlers, 0, (size_t)(n - loop->nhandlers) * sizeof *h);
    loop->handlers = h;
    loop->nhandlers = n;
    return 0;
}

/* epoll's names for a mask, for --trace=detail. */
static const char *const loop_events_name[] = {"0", "EPOLLIN", "EPOLLOUT", "EPOLLIN|EPOLLOUT"};

int loop_watch(struct loop *loop, int fd, unsigned mask, loop_fd_fn *fn, void *ctx)
{
    if (fd < 0 || loop_grow(loop, fd) == -1)
        return -1;
    struct loop_handler *h = &loop->handlers[fd];
    struct epoll_event ev = {.data.fd = fd};
    if (mask & LOOP_READABLE)
        ev.events |= EPOLLIN;
    if (mask & LOOP_WRITABLE)
        ev.events |= EPOLLOUT;
    int op = h->fn == NULL ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
    if (epoll_ctl(loop->epfd, op, fd, &ev) == -1)
        return -1;
    TRACE_DETAIL_CALL("epoll_ctl", 0, NULL, 0, "epoll_ctl(epfd %d, %s, fd %d, %s) -> 0", loop->epfd,
                      op == EPOLL_CTL_ADD ? "ADD" : "MOD", fd,
                      loop_events_name[mask & (LOOP_READABLE | LOOP_WRITABLE)]);
    *h = (struct loop_handler){.fn = fn, .ctx = ctx, .mask = mask};
    return 0;
}

void loop_unwatch(struct loop *loop, int fd)
{
    if (fd < 0 || fd >= loop->nhandlers || loop->handlers[fd].fn == NULL)
        return;
    epoll_ctl(loop->epfd, EPOLL_CTL_DEL, fd, NULL);
    TRACE_DETAIL_CALL("epoll_ctl", 0, NULL, 0, "epoll_ctl(epfd %d, DEL, fd %d) -> 0", loop->epfd,
                      fd);
    loop->handlers[fd] = (struct loop_handler){0};
}

void loop_forget(struct loop *loop, int fd)
{
    if (fd >= 0 && fd < loop->nhandlers)
        loop->handlers[fd] = (struct loop_handler){0};
}

/* --- timers: a binary min-heap ------------------------------------------- */

static bool timer_before(const struct loop_timer *a, const struct loop_timer *b)
{
    return a->due_ms < b->due_ms || (a->due_ms == b->due_ms && a->seq < b->seq);
}

static void heap_place(struct loop *loop, size_t i, struct loop_timer *t)
{
    loop->heap[i] = t;
    t->slot = i;
}

static void heap_up(struct loop *loop, size_t i)
{
    struct loop_timer *t = loop->heap[i];
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!timer_before(t, loop->heap[parent]))
            break;
        heap_place(loop, i, loop->heap[parent]);
        i = parent;
    }
    heap_place(loop, i, t);
}

static void heap_down(struct loop *loop, size_t i)
{
    struct loop_timer *t = loop->heap[i];
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= loop->nheap)
            break;
        if (child + 1 < loop->nheap && timer_before(loop->heap[child + 1], loop->heap[child]))
            child++;
        if (!timer_before(loop->heap[child], t))
            break;
        heap_place(loop, i, loop->heap[child]);
        i = child;
    }
    heap_place(loop, i, t);
}

/* Take t out of the heap (without freeing it). */
static void heap_remove(struct loop *loop, struct loop_timer *t)
{
    size_t i = t->slot;
    struct loop_timer *last = loop->heap[--loop->nheap];
    if (i == loop->nheap)
        return;
    heap_place(loop, i, last);
    heap_up(loop, i);
    heap_down(loop, last->slot);
}

struct loop_timer *loop_add_timer(struct loop *loop, int64_t ms, loop_timer_fn *fn, void *ctx)
{
    if (loop->nheap == loop->heapcap) {
        size_t cap = loop->heapcap ? loop->heapcap * 2 : 64;
        struct loop_timer **heap = realloc(loop->heap, cap * sizeof *heap);
        if (heap == NULL)
            return NULL;
        loop->heap = heap;
        loop->heapcap = cap;
    }
    struct loop_timer *t = malloc(sizeof *t);
    if (t == NULL)
        return NULL;
    *t = (struct loop_timer){
        .due_ms = loop_time_ms(loop) + ms, .seq = loop->next_seq++, .fn = fn, .ctx = ctx};
    loop->heap[loop->nheap] = t;
    t->slot = loop->nheap++;
    heap_up(loop, t->slot);
    return t;
}

void loop_reset_timer(struct loop *loop, struct loop_timer *t, int64_t ms)
{
    t->due_ms = loop_time_ms(loop) + ms;
    t->seq = loop->next_seq++;
    heap_up(loop, t->slot);
    heap_down(loop, t->slot);
}

void loop_cancel_timer(struct loop *loop, struct loop_timer *t)
{
    if (t == NULL)
        return;
    heap_remove(loop, t);
    free(t);
}

/* Fire every timer that is due; return ms until the next one, or -1. */
static int loop_fire_timers(struct loop *loop)
{
    int64_t now = loop->now_ms = loop_now_ms();
    while (loop->nheap > 0 && loop->heap[0]->due_ms <= now) {
        struct loop_timer *t = loop->heap[0];
        heap_remove(loop, t);
        loop_timer_fn *fn = t->fn;
        void *ctx = t->ctx;
        free(t); /* freed before the call: the callback may add new timers */
        fn(loop, ctx);
        if (atomic_load(&loop->stopping))
            return 0;
    }
    if (loop->nheap == 0)
        return -1;
    int64_t wait = loop->heap[0]->due_ms - now;
    return wait > 60000 ? 60000 : (int)wait;
}

/* --- running -------------------------------------------------------------- */

int loop_run(struct loop *loop)
{
    struct epoll_event events[LOOP_EVENTS_PER_WAIT];

    loop->running = true;
    while (!atomic_load(&loop->stopping)) {
        int timeout = loop_fire_timers(loop);
        if (atomic_load(&loop->stopping))
            break;
        int n = epoll_wait(loop->epfd, events, LOOP_EVENTS_PER_WAIT, timeout);
        loop->now_ms = loop_now_ms();
        if (n == -1) {
            if (errno == EINTR)
                continue;
            loop->running = false;
            return -1;
        }
        for (int i = 0; i < n && !atomic_load(&loop->stopping); i++) {
            int fd = events[i].data.fd;
            if (fd == loop->wakefd)
                continue;
            /* An earlier handler this round may have unwatched this fd. */
            if (fd >= loop->nhandlers || loop->handlers[fd].fn == NULL)
                continue;
            struct loop_handler h = loop->handlers[fd];
            unsigned mask = 0;
            if (events[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP))
                mask |= LOOP_READABLE;
            if (events[i].events & (EPOLLOUT | EPOLLERR | EPOLLHUP))
                mask |= LOOP_WRITABLE;
            h.fn(loop, fd, h.ctx, mask & (h.mask | LOOP_READABLE));
        }
    }
    loop->running = false;
    return 0;
}

void loop_stop(struct loop *loop)
{
    uint64_t one = 1;
    atomic_store(&loop->stopping, true);
    /* Async-signal-safe: loop_stop may be called from a signal handler. */
    ssize_t rc = write(loop->wakefd, &one, sizeof one);
    (void)rc;
}
