/*
 * spawn.h - start a tool or this program as a child whose complaints come
 * back through a pipe: what `netdemo compare --netem` runs (ip, tc, nft)
 * and the hub's button runs (netdemo compare) have that much in common.
 */
#ifndef NETDEMO_SPAWN_H
#define NETDEMO_SPAWN_H

#include <spawn.h>
#include <stdbool.h>
#include <sys/types.h>

/* spawn_said: start path with argv and this environment, path searched
 * on PATH when it has no '/'. Its stdin reads /dev/null; its stderr, and
 * its stdout when with_stdout (else /dev/null), go into a pipe whose
 * reading end, close-on-exec, is put in *said. attr may be NULL. Returns
 * 0 with *pid and *said set, or the errno why it could not start. */
int spawn_said(const char *path, char *const argv[], bool with_stdout,
               const posix_spawnattr_t *attr, pid_t *pid, int *said);

#endif
