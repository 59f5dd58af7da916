/*
 * loop.h - a small epoll event loop with timers.
 *
 * One loop serves many sockets from one thread: it waits in epoll_wait()
 * until some file descriptor is ready or a timer is due, then calls the
 * handler registered for it. Handlers must not block.
 *
 * The shape follows Redis's ae: handlers are indexed by fd, callbacks get a
 * void * context, and there are no globals, so one process can run several
 * loops (one per server thread). Timers live in a binary heap, so resetting
 * the idle timer of one of 10,000 connections costs O(log n).
 */
#ifndef NETDEMO_LOOP_H
#define NETDEMO_LOOP_H

#include <stdbool.h>
#include <stdint.h>

#define LOOP_READABLE        1u
#define LOOP_WRITABLE        2u
#define LOOP_EVENTS_PER_WAIT 256 /* ready fds one epoll_wait() reports */

struct loop;
struct loop_timer;

/* Called when fd is ready; mask says LOOP_READABLE and/or LOOP_WRITABLE
 * (an error or hang-up is reported as readable, so the next read sees it). */
typedef void loop_fd_fn(struct loop *loop, int fd, void *ctx, unsigned mask);

/* Called once when a timer is due. The timer is already freed: forget the
 * handle. To repeat, add a new timer. */
typedef void loop_timer_fn(struct loop *loop, void *ctx);

/* loop_create: a loop for fds below max_fds. Returns NULL on failure, with
 * the reason in err (NET_ERR_LEN bytes, may be NULL). */
struct loop *loop_create(int max_fds, char *err);

/* loop_destroy: free the loop and its timers. It closes no fd of yours. */
void loop_destroy(struct loop *loop);

/* loop_watch: call fn(ctx) when fd is ready for any event in mask. Calling
 * it again for the same fd replaces the mask and handler. Returns 0 or -1. */
int loop_watch(struct loop *loop, int fd, unsigned mask, loop_fd_fn *fn, void *ctx);

/* loop_unwatch: stop watching fd (before you close it). */
void loop_unwatch(struct loop *loop, int fd);

/* loop_forget: stop watching fd that the caller closes right away, without
 * epoll_ctl(): close() takes a socket out of every epoll set by itself when
 * no other descriptor (a dup, a forked child's copy) refers to it. A busy
 * server closing thousands of connections a second saves a call on each. */
void loop_forget(struct loop *loop, int fd);

/* loop_add_timer: call fn(ctx) ms milliseconds after loop_time_ms().
 * Returns a handle for loop_reset_timer/loop_cancel_timer, or NULL if
 * memory ran out. */
struct loop_timer *loop_add_timer(struct loop *loop, int64_t ms, loop_timer_fn *fn, void *ctx);

/* loop_reset_timer: make a pending timer due ms from now (an idle timeout
 * pushed back by activity). */
void loop_reset_timer(struct loop *loop, struct loop_timer *t, int64_t ms);

/* loop_cancel_timer: remove and free a pending timer. NULL is allowed. */
void loop_cancel_timer(struct loop *loop, struct loop_timer *t);

/* loop_run: dispatch events until loop_stop(). Returns 0, or -1 if
 * epoll_wait failed (with errno set). Each round, in this order:
 *   1. every timer that is due fires (the earliest first);
 *   2. epoll_wait() waits until an fd is ready or the next timer is due;
 *   3. the ready fds' handlers run in the order epoll reported them. A
 *      handler may unwatch or close another fd of the same round: that fd
 *      is then skipped, never called with a stale context.
 * After loop_stop() no further handler or timer of the round runs, and a
 * second loop_run() on the same loop returns at once. */
int loop_run(struct loop *loop);

/* loop_stop: make loop_run return after the current round. Safe to call from
 * any thread (it wakes the loop through an eventfd). */
void loop_stop(struct loop *loop);

/* loop_now_ms: the loop's monotonic clock, in milliseconds. */
int64_t loop_now_ms(void);

/* loop_time_ms: inside loop_run(), loop_now_ms() as read when this round
 * began (after epoll_wait returned); outside it, loop_now_ms(). Timers
 * count from it, as nginx's do from ngx_current_msec: a busy server reads
 * the clock once per round, not once per request. */
int64_t loop_time_ms(const struct loop *loop);

#endif
