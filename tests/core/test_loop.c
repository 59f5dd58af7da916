/*
 * test_loop.c - event-loop timers and fd handlers.
 */
#include "loop.h"

#include <criterion/criterion.h>
#include <unistd.h>

#define MAX_FIRED 16

struct record {
    int fired[MAX_FIRED];
    int count;
    int stop_after;
};

struct timer_arg {
    struct record *rec;
    int id;
};

static void on_timer(struct loop *loop, void *ctx)
{
    struct timer_arg *arg = ctx;
    arg->rec->fired[arg->rec->count++] = arg->id;
    if (arg->rec->count == arg->rec->stop_after)
        loop_stop(loop);
}

/* Timers in these tests are 40 ms or more apart, so a test process that is
 * descheduled for a while between two loop_add_timer() calls (a loaded CI
 * machine, ASan) still sees them due in the intended order. */

Test(loop_timer, fires_in_due_order_not_insertion_order)
{
    struct loop *loop = loop_create(64, NULL);
    cr_assert_not_null(loop);
    struct record rec = {.stop_after = 3};
    struct timer_arg a = {&rec, 1}, b = {&rec, 2}, c = {&rec, 3};
    /* Read before the timers are added: each is due 300 ms or more after it. */
    int64_t start = loop_now_ms();
    loop_add_timer(loop, 300, on_timer, &a);
    loop_add_timer(loop, 100, on_timer, &b);
    loop_add_timer(loop, 200, on_timer, &c);
    cr_assert_eq(loop_run(loop), 0);
    cr_expect_geq(loop_now_ms() - start, 300, "the last timer is not early");
    cr_expect_eq(rec.fired[0], 2);
    cr_expect_eq(rec.fired[1], 3);
    cr_expect_eq(rec.fired[2], 1);
    loop_destroy(loop);
}

Test(loop_timer, equal_due_times_fire_first_in_first_out)
{
    struct loop *loop = loop_create(64, NULL);
    struct record rec = {.stop_after = 5};
    struct timer_arg args[5];
    for (int i = 0; i < 5; i++) {
        args[i] = (struct timer_arg){&rec, i};
        loop_add_timer(loop, 0, on_timer, &args[i]);
    }
    loop_run(loop);
    for (int i = 0; i < 5; i++)
        cr_expect_eq(rec.fired[i], i);
    loop_destroy(loop);
}

Test(loop_timer, cancelled_timer_never_fires)
{
    struct loop *loop = loop_create(64, NULL);
    struct record rec = {.stop_after = 1};
    struct timer_arg a = {&rec, 1}, b = {&rec, 2};
    struct loop_timer *t = loop_add_timer(loop, 10, on_timer, &a);
    loop_add_timer(loop, 30, on_timer, &b);
    loop_cancel_timer(loop, t);
    loop_run(loop);
    cr_expect_eq(rec.count, 1);
    cr_expect_eq(rec.fired[0], 2);
    loop_destroy(loop);
}

Test(loop_timer, reset_pushes_an_idle_timeout_back)
{
    struct loop *loop = loop_create(64, NULL);
    struct record rec = {.stop_after = 2};
    struct timer_arg idle = {&rec, 1}, other = {&rec, 2};
    struct loop_timer *t = loop_add_timer(loop, 50, on_timer, &idle);
    loop_add_timer(loop, 150, on_timer, &other);
    loop_reset_timer(loop, t, 300); /* activity: the idle timer now fires last */
    loop_run(loop);
    cr_expect_eq(rec.fired[0], 2);
    cr_expect_eq(rec.fired[1], 1);
    loop_destroy(loop);
}

Test(loop_timer, many_timers_keep_heap_order)
{
    enum { N = 200 };
    struct loop *loop = loop_create(64, NULL);
    struct record rec = {.stop_after = MAX_FIRED};
    static struct timer_arg args[N];
    struct loop_timer *handles[N];
    /* Due times in a scrambled order; cancel all but the 16 earliest. */
    for (int i = 0; i < N; i++) {
        int due = (i * 37) % N;
        args[i] = (struct timer_arg){&rec, due};
        handles[i] = loop_add_timer(loop, 5 + 40 * due, on_timer, &args[i]); /* 40 ms apart */
    }
    for (int i = 0; i < N; i++)
        if (args[i].id >= MAX_FIRED)
            loop_cancel_timer(loop, handles[i]);
    loop_run(loop);
    for (int i = 0; i < MAX_FIRED; i++)
        cr_expect_eq(rec.fired[i], i);
    loop_destroy(loop);
}

static void on_readable(struct loop *loop, int fd, void *ctx, unsigned mask)
{
    char byte;
    cr_expect(mask & LOOP_READABLE);
    cr_expect_eq(read(fd, &byte, 1), 1);
    *(char *)ctx = byte;
    loop_stop(loop);
}

Test(loop_watch, calls_the_handler_when_an_fd_is_readable)
{
    struct loop *loop = loop_create(4, NULL); /* small: the table must grow */
    int p[2];
    char got = 0;
    cr_assert_eq(pipe(p), 0);
    cr_assert_eq(loop_watch(loop, p[0], LOOP_READABLE, on_readable, &got), 0);
    cr_assert_eq(write(p[1], "x", 1), 1);
    loop_run(loop);
    cr_expect_eq(got, 'x');
    loop_unwatch(loop, p[0]);
    close(p[0]);
    close(p[1]);
    loop_destroy(loop);
}

/* loop_forget + close: the same fd number, reused at once for a new pipe,
 * is watched afresh (epoll_ctl ADD would fail with EEXIST if the closed
 * one were still in the set) and its events reach the new handler. */
Test(loop_watch, a_forgotten_and_closed_fd_can_be_reused_at_once)
{
    struct loop *loop = loop_create(4, NULL);
    int p[2], q[2];
    char got = 0;
    cr_assert_eq(pipe(p), 0);
    cr_assert_eq(loop_watch(loop, p[0], LOOP_READABLE, on_readable, &got), 0);
    loop_forget(loop, p[0]);
    int old = p[0];
    close(p[0]);
    close(p[1]);
    cr_assert_eq(pipe(q), 0);
    cr_assert_eq(q[0], old); /* the lowest free number comes back */
    cr_assert_eq(loop_watch(loop, q[0], LOOP_READABLE, on_readable, &got), 0);
    cr_assert_eq(write(q[1], "y", 1), 1);
    loop_run(loop);
    cr_expect_eq(got, 'y');
    loop_forget(loop, q[0]);
    close(q[0]);
    close(q[1]);
    loop_destroy(loop);
}

struct round_clock {
    int64_t seen[3]; /* loop_time_ms(): first timer before and after a
                      * slow step, then the next timer */
    int calls;
};

static void on_round_timer(struct loop *loop, void *ctx)
{
    struct round_clock *rc = ctx;
    if (rc->calls++ == 0) {
        rc->seen[0] = loop_time_ms(loop);
        usleep(30 * 1000); /* a slow handler: the round's clock stands still */
        rc->seen[1] = loop_time_ms(loop);
        loop_add_timer(loop, 1, on_round_timer, rc); /* fires in a later round */
    } else {
        rc->seen[2] = loop_time_ms(loop);
        loop_stop(loop);
    }
}

Test(loop_timer, the_clock_is_read_once_a_round)
{
    struct loop *loop = loop_create(64, NULL);
    struct round_clock rc = {{0}, 0};
    int64_t start = loop_now_ms();
    loop_add_timer(loop, 20, on_round_timer, &rc);
    cr_assert_eq(loop_run(loop), 0);
    cr_assert_eq(rc.calls, 2);
    cr_expect_geq(rc.seen[0], start + 20, "a timer added outside the loop counts from the add");
    cr_expect_eq(rc.seen[1], rc.seen[0], "one round, one reading of the clock");
    cr_expect_geq(rc.seen[2], rc.seen[0] + 30, "the next round reads it again");
    loop_destroy(loop);
}
