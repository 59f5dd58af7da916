/*
 * ring_stress.h - several writer and reader threads on one event ring.
 *
 * Shared by the Criterion test and the ThreadSanitizer run (Criterion
 * cannot start under ThreadSanitizer, so that run has a plain main()).
 */
#ifndef NETDEMO_RING_STRESS_H
#define NETDEMO_RING_STRESS_H

#include <stddef.h>

/* ring_stress: 4 writers write per_writer records each while 3 readers
 * follow. Returns 0 when every reader saw each writer's records in order
 * and untorn, read at least one, and read or was told it missed every
 * record; otherwise -1 with the reason in why. */
int ring_stress(unsigned per_writer, char *why, size_t why_len);

#endif
