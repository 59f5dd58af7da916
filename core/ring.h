/*
 * ring.h - an in-memory ring of fixed-size records that any number of
 * readers follow: the live stream behind a page that draws socket calls
 * as they happen.
 *
 * Writers (any thread) never wait for readers: a record overwrites the
 * oldest one once the ring is full. Each reader keeps its own place; one
 * that falls more than a ring's length behind loses the oldest records and
 * is told how many. Records are numbered 0, 1, 2, ... in the order writers
 * claimed them, and a reader sees them in that order.
 *
 * Each slot is a seqlock (a stamp that is odd while its record is being
 * written), so a reader copies a record without a lock and then checks
 * that no writer touched it meanwhile. Every access is atomic, so the
 * ring is also clean under ThreadSanitizer.
 *
 * The ring lives in memory shared with the processes the creator forks
 * later: the TCP fork model's children write into the ring their parent
 * reads. A writer killed in the middle of a record costs readers that one
 * record, never a stalled ring.
 */
#ifndef NETDEMO_RING_H
#define NETDEMO_RING_H

#include <stddef.h>
#include <stdint.h>

#define RING_RECORD_MAX 1024 /* largest record, in bytes */

struct ring;

/* One reader's place in a ring. Owned by the reader; no other thread
 * touches it. */
struct ring_reader {
    struct ring *ring;
    uint64_t next; /* number of the next record to read */
};

/* ring_create: a ring of slots records (a power of two, 2 or more) of
 * record_size bytes (1 to RING_RECORD_MAX). Returns NULL and fills err
 * ("ring: ...") on bad sizes or when memory runs out. */
struct ring *ring_create(size_t slots, size_t record_size, char *err);

/* ring_destroy: free the ring. No writer or reader may use it after.
 * NULL is allowed. */
void ring_destroy(struct ring *r);

/* ring_write: append a copy of record (record_size bytes). Never waits for
 * a reader. Returns the record's number. */
uint64_t ring_write(struct ring *r, const void *record);

/* ring_written: how many records have been written since creation. */
uint64_t ring_written(const struct ring *r);

/* ring_reader_init: start rd at the newest backlog records still in the
 * ring (0: only records written from now on). */
void ring_reader_init(struct ring_reader *rd, struct ring *r, size_t backlog);

/* ring_reader_seek: start rd at record number next instead, as a reader
 * that resumes after the last record it saw (next past the newest: from
 * now on). */
void ring_reader_seek(struct ring_reader *rd, uint64_t next);

/* ring_read: copy the next record into out (record_size bytes). Returns 1
 * with a record, 0 when none is ready yet. Records the reader lost, being
 * overwritten before it read them, are added to *missed. */
int ring_read(struct ring_reader *rd, void *out, uint64_t *missed);

#endif
