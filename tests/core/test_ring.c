/*
 * test_ring.c - the event ring: order, wrap-around, slow readers told what
 * they missed, several writers and several readers at once.
 */
#include "ring.h"

#include "net.h"
#include "ring_stress.h"

#include <criterion/criterion.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* A record that says who wrote it and its place in that writer's run;
 * 13 bytes, so the last word of a slot is only partly used. */
struct rec {
    uint32_t writer;
    uint64_t seq;
    char tag;
} __attribute__((packed));

static struct ring *ring_new(size_t slots)
{
    char err[NET_ERR_LEN] = "";
    struct ring *r = ring_create(slots, sizeof(struct rec), err);
    cr_assert_not_null(r, "%s", err);
    return r;
}

static void write_rec(struct ring *r, uint32_t writer, uint64_t seq)
{
    struct rec x = {.writer = writer, .seq = seq, .tag = (char)('a' + seq % 26)};
    ring_write(r, &x);
}

Test(ring, rejects_sizes_that_are_not_a_power_of_two)
{
    char err[NET_ERR_LEN] = "";
    cr_expect_null(ring_create(3, 8, err));
    cr_expect(strstr(err, "ring: ") == err, "%s", err);
    cr_expect_null(ring_create(1, 8, NULL));
    cr_expect_null(ring_create(8, 0, NULL));
    cr_expect_null(ring_create(8, RING_RECORD_MAX + 1, NULL));
}

Test(ring, reads_back_every_record_in_order)
{
    struct ring *r = ring_new(8);
    struct ring_reader rd;
    ring_reader_init(&rd, r, 0);
    struct rec got;
    uint64_t missed = 0;
    cr_expect_eq(ring_read(&rd, &got, &missed), 0, "nothing written yet");
    for (uint64_t i = 0; i < 5; i++)
        write_rec(r, 1, i);
    for (uint64_t i = 0; i < 5; i++) {
        cr_assert_eq(ring_read(&rd, &got, &missed), 1);
        cr_expect_eq(got.seq, i);
        cr_expect_eq(got.tag, (char)('a' + i));
    }
    cr_expect_eq(ring_read(&rd, &got, &missed), 0);
    cr_expect_eq(missed, 0);
    cr_expect_eq(ring_written(r), 5);
    ring_destroy(r);
}

Test(ring, wraps_around_and_a_slow_reader_is_told_how_many_it_missed)
{
    struct ring *r = ring_new(8);
    struct ring_reader slow;
    ring_reader_init(&slow, r, 0);
    for (uint64_t i = 0; i < 30; i++)
        write_rec(r, 1, i);
    struct rec got;
    uint64_t missed = 0;
    for (uint64_t i = 22; i < 30; i++) { /* the newest 8 are still there */
        cr_assert_eq(ring_read(&slow, &got, &missed), 1);
        cr_expect_eq(got.seq, i);
    }
    cr_expect_eq(missed, 22);
    cr_expect_eq(ring_read(&slow, &got, &missed), 0);
    ring_destroy(r);
}

Test(ring, a_new_reader_starts_now_or_with_a_backlog)
{
    struct ring *r = ring_new(8);
    for (uint64_t i = 0; i < 20; i++)
        write_rec(r, 1, i);
    struct ring_reader now, back, all;
    ring_reader_init(&now, r, 0);
    ring_reader_init(&back, r, 3);
    ring_reader_init(&all, r, 100); /* no more than the ring holds */
    struct rec got;
    uint64_t missed = 0;
    cr_expect_eq(ring_read(&now, &got, &missed), 0);
    cr_assert_eq(ring_read(&back, &got, &missed), 1);
    cr_expect_eq(got.seq, 17);
    cr_assert_eq(ring_read(&all, &got, &missed), 1);
    cr_expect_eq(got.seq, 12);
    cr_expect_eq(missed, 0);
    ring_destroy(r);
}

Test(ring, several_writers_and_readers_at_once_lose_nothing_unreported, .timeout = 60)
{
    char why[256] = "";
    cr_expect_eq(ring_stress(20000, why, sizeof why), 0, "%s", why);
}

Test(ring, a_forked_child_writes_into_the_ring_its_parent_reads)
{
    struct ring *r = ring_new(8);
    struct ring_reader rd;
    ring_reader_init(&rd, r, 0);
    write_rec(r, 1, 0);
    pid_t child = fork();
    cr_assert_neq(child, -1);
    if (child == 0) {
        write_rec(r, 2, 1);
        write_rec(r, 2, 2);
        _exit(0);
    }
    int status;
    cr_assert_eq(waitpid(child, &status, 0), child);
    write_rec(r, 1, 3);

    struct rec got;
    uint64_t missed = 0;
    for (uint64_t i = 0; i < 4; i++) {
        cr_assert_eq(ring_read(&rd, &got, &missed), 1, "record %llu", (unsigned long long)i);
        cr_expect_eq(got.seq, i);
    }
    cr_expect_eq(missed, 0);
    ring_destroy(r);
}

Test(ring, a_reader_resumes_after_the_last_record_it_saw)
{
    struct ring *r = ring_new(8);
    struct ring_reader rd;
    struct rec got;
    uint64_t missed = 0;
    for (uint64_t i = 0; i < 6; i++)
        write_rec(r, 1, i);
    ring_reader_init(&rd, r, 0);
    ring_reader_seek(&rd, 4); /* saw record 3 */
    cr_assert_eq(ring_read(&rd, &got, &missed), 1);
    cr_expect_eq(got.seq, 4);
    ring_reader_seek(&rd, 1000); /* a number from before a restart: from now on */
    cr_expect_eq(ring_read(&rd, &got, &missed), 0);
    write_rec(r, 1, 6);
    cr_assert_eq(ring_read(&rd, &got, &missed), 1);
    cr_expect_eq(got.seq, 6);
    for (uint64_t i = 7; i < 20; i++)
        write_rec(r, 1, i);
    ring_reader_seek(&rd, 2); /* long overwritten: told how many are gone */
    cr_assert_eq(ring_read(&rd, &got, &missed), 1);
    cr_expect_eq(got.seq, 12, "the oldest record still held");
    cr_expect_eq(missed, 10);
    ring_destroy(r);
}
