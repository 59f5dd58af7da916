/*
 * ring_stress.c - several writer and reader threads on one event ring.
 */
#include "ring_stress.h"

#include "ring.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define WRITERS    4
#define READERS    3
#define RING_SLOTS 1024

/* Who wrote a record and its place in that writer's run; 13 bytes, so
 * the last word of a slot is only partly used. */
struct stress_rec {
    uint32_t writer;
    uint64_t seq;
    char tag;
} __attribute__((packed));

struct shared {
    struct ring *ring;
    unsigned per_writer;
    atomic_uint next_writer;
    atomic_int writers_left;
    pthread_barrier_t start; /* every thread runs before any writes */
};

struct reader {
    struct shared *sh;
    uint64_t got, missed;
    bool in_order; /* each writer's records came in its own order, untorn */
};

static char tag_of(uint64_t seq)
{
    return (char)('a' + seq % 26);
}

static void *writer_main(void *arg)
{
    struct shared *sh = arg;
    uint32_t id = atomic_fetch_add(&sh->next_writer, 1);
    pthread_barrier_wait(&sh->start);
    for (uint64_t i = 0; i < sh->per_writer; i++) {
        struct stress_rec x = {.writer = id, .seq = i, .tag = tag_of(i)};
        ring_write(sh->ring, &x);
        if (i % 64 == 63)
            sched_yield(); /* let the readers keep up, or fall behind, in turn */
    }
    atomic_fetch_sub(&sh->writers_left, 1);
    return NULL;
}

static void *reader_main(void *arg)
{
    struct reader *rd = arg;
    struct ring_reader pos;
    uint64_t last[WRITERS];
    bool seen[WRITERS] = {false};
    struct stress_rec got;

    ring_reader_init(&pos, rd->sh->ring, RING_SLOTS);
    rd->in_order = true;
    pthread_barrier_wait(&rd->sh->start);
    for (;;) {
        bool done = atomic_load(&rd->sh->writers_left) == 0;
        int r = ring_read(&pos, &got, &rd->missed);
        if (r == 0 && done && pos.next >= ring_written(rd->sh->ring))
            break;
        if (r == 0)
            continue;
        rd->got++;
        if (got.writer >= WRITERS || got.tag != tag_of(got.seq) ||
            (seen[got.writer] && got.seq <= last[got.writer]))
            rd->in_order = false;
        seen[got.writer] = true;
        last[got.writer] = got.seq;
    }
    return NULL;
}

static int check_readers(const struct reader *rd, uint64_t total, char *why, size_t why_len)
{
    for (int i = 0; i < READERS; i++) {
        if (!rd[i].in_order) {
            snprintf(why, why_len, "reader %d saw a record out of order or torn", i);
            return -1;
        }
        if (rd[i].got == 0 || rd[i].got + rd[i].missed != total) {
            snprintf(why, why_len, "reader %d: %llu read + %llu missed of %llu", i,
                     (unsigned long long)rd[i].got, (unsigned long long)rd[i].missed,
                     (unsigned long long)total);
            return -1;
        }
    }
    return 0;
}

int ring_stress(unsigned per_writer, char *why, size_t why_len)
{
    struct shared sh = {.ring = ring_create(RING_SLOTS, sizeof(struct stress_rec), why),
                        .per_writer = per_writer};
    if (sh.ring == NULL)
        return -1;
    atomic_init(&sh.next_writer, 0);
    atomic_init(&sh.writers_left, WRITERS);
    pthread_barrier_init(&sh.start, NULL, WRITERS + READERS);
    pthread_t threads[WRITERS + READERS];
    struct reader rd[READERS];
    for (int i = 0; i < READERS; i++) {
        rd[i] = (struct reader){.sh = &sh};
        pthread_create(&threads[i], NULL, reader_main, &rd[i]);
    }
    for (int i = 0; i < WRITERS; i++)
        pthread_create(&threads[READERS + i], NULL, writer_main, &sh);
    for (int i = 0; i < WRITERS + READERS; i++)
        pthread_join(threads[i], NULL);
    uint64_t total = (uint64_t)WRITERS * per_writer;
    int rc = ring_written(sh.ring) == total ? check_readers(rd, total, why, why_len) : -1;
    pthread_barrier_destroy(&sh.start);
    ring_destroy(sh.ring);
    return rc;
}
