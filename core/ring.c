/*
 * ring.c - the event ring: one seqlock per slot.
 *
 * A slot is one stamp word and the record's words after it. Record n goes
 * in slot n % slots; its stamp is 2n+1 while a writer copies it in and
 * 2n+2 once it is whole (0: never written). A reader of record n takes the
 * stamp, copies the words, and takes the stamp again: the copy is good
 * only if both say 2n+2. A larger stamp means a writer a lap ahead has
 * overwritten it: the reader lost that record.
 */
#include "ring.h"
#include "i18n.h"

#include "net.h"

#include <errno.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define WORD sizeof(uint64_t)
/* How long a writer waits for one a lap behind to finish its copy, in
 * yields. Beyond it, that writer is taken for dead (a forked child killed
 * mid-copy) and its slot is claimed over it; readers then lose at most
 * that record. */
#define RING_CLAIM_YIELDS 100000

struct ring {
    _Atomic uint64_t head; /* number of the next record to claim */
    size_t slots;
    size_t record_size;
    size_t words;  /* words of one record */
    size_t stride; /* words of one slot: the stamp, then the record */
    size_t bytes;  /* the whole mapping */
    _Atomic uint64_t *mem;
};

static _Atomic uint64_t *slot_of(const struct ring *r, uint64_t n)
{
    return r->mem + (n & (r->slots - 1)) * r->stride;
}

struct ring *ring_create(size_t slots, size_t record_size, char *err)
{
    if (slots < 2 || (slots & (slots - 1)) != 0 || record_size == 0 ||
        record_size > RING_RECORD_MAX) {
        if (err)
            snprintf(err, NET_ERR_LEN, _("ring: %zu slots of %zu bytes: bad size"), slots,
                     record_size);
        return NULL;
    }
    /* One shared mapping for the header and the slots: a forked child
     * writes into the very ring its parent reads. It starts zeroed. */
    size_t words = (record_size + WORD - 1) / WORD;
    size_t head_bytes = (sizeof(struct ring) + 63) / 64 * 64;
    size_t bytes = head_bytes + slots * (words + 1) * WORD;
    void *map = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (map == MAP_FAILED) {
        if (err)
            snprintf(err, NET_ERR_LEN, "ring: mmap: %s", strerror(errno));
        return NULL;
    }
    struct ring *r = map;
    *r = (struct ring){.slots = slots,
                       .record_size = record_size,
                       .words = words,
                       .stride = words + 1,
                       .bytes = bytes,
                       .mem = (_Atomic uint64_t *)((char *)map + head_bytes)};
    atomic_init(&r->head, 0);
    return r;
}

void ring_destroy(struct ring *r)
{
    if (r != NULL)
        munmap(r, r->bytes);
}

/* Claim slot for record n. A writer a lap behind may still be copying
 * into it: wait for that writer (never for a reader). A writer a lap
 * ahead may already have filled it: then record n is lost to every
 * reader, as if overwritten at once. Returns 0 when claimed. */
static int slot_claim(_Atomic uint64_t *slot, uint64_t n)
{
    uint64_t stamp = atomic_load_explicit(slot, memory_order_relaxed);
    for (long yields = 0;; yields++) {
        if (stamp > 2 * n)
            return -1;
        if ((stamp & 1) && yields < RING_CLAIM_YIELDS) {
            sched_yield();
            stamp = atomic_load_explicit(slot, memory_order_relaxed);
            continue;
        }
        if (atomic_compare_exchange_weak_explicit(slot, &stamp, 2 * n + 1, memory_order_relaxed,
                                                  memory_order_relaxed))
            return 0;
    }
}

uint64_t ring_write(struct ring *r, const void *record)
{
    uint64_t n = atomic_fetch_add_explicit(&r->head, 1, memory_order_relaxed);
    _Atomic uint64_t *slot = slot_of(r, n);
    const unsigned char *src = record;

    if (slot_claim(slot, n) == -1)
        return n;
    /* The odd stamp is seen before any word of the new record. */
    atomic_thread_fence(memory_order_release);
    for (size_t i = 0; i < r->words; i++) {
        uint64_t w = 0;
        size_t off = i * WORD, left = r->record_size - off;
        memcpy(&w, src + off, left < WORD ? left : WORD);
        atomic_store_explicit(&slot[1 + i], w, memory_order_relaxed);
    }
    atomic_store_explicit(slot, 2 * n + 2, memory_order_release);
    return n;
}

uint64_t ring_written(const struct ring *r)
{
    return atomic_load_explicit(&((struct ring *)r)->head, memory_order_acquire);
}

void ring_reader_init(struct ring_reader *rd, struct ring *r, size_t backlog)
{
    uint64_t head = ring_written(r);
    if (backlog > r->slots)
        backlog = r->slots;
    rd->ring = r;
    rd->next = head > backlog ? head - backlog : 0;
}

void ring_reader_seek(struct ring_reader *rd, uint64_t next)
{
    uint64_t head = ring_written(rd->ring);
    rd->next = next < head ? next : head;
}

/* Copy record n out of its slot. Returns 1 when the copy is whole, 0 when
 * it is not written yet, -1 when it was overwritten (lost). */
static int slot_copy(const struct ring *r, uint64_t n, unsigned char *out)
{
    _Atomic uint64_t *slot = slot_of(r, n);
    uint64_t want = 2 * n + 2;
    uint64_t before = atomic_load_explicit(slot, memory_order_acquire);
    if (before < want)
        return 0;
    if (before > want)
        return -1;
    for (size_t i = 0; i < r->words; i++) {
        uint64_t w = atomic_load_explicit(&slot[1 + i], memory_order_relaxed);
        size_t off = i * WORD, left = r->record_size - off;
        memcpy(out + off, &w, left < WORD ? left : WORD);
    }
    /* The words above are read before the stamp is read again. */
    atomic_thread_fence(memory_order_acquire);
    return atomic_load_explicit(slot, memory_order_relaxed) == want ? 1 : -1;
}

int ring_read(struct ring_reader *rd, void *out, uint64_t *missed)
{
    const struct ring *r = rd->ring;
    for (;;) {
        uint64_t head = ring_written(r);
        if (rd->next >= head)
            return 0;
        if (head - rd->next > r->slots) { /* a lap behind: the oldest are gone */
            *missed += head - rd->next - r->slots;
            rd->next = head - r->slots;
        }
        int got = slot_copy(r, rd->next, out);
        if (got == 0)
            return 0; /* a writer is still copying it in */
        rd->next++;
        if (got == 1)
            return 1;
        (*missed)++;
    }
}
