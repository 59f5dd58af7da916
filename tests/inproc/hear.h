/*
 * hear.h - the in-process tests' one way to read a reply: until the words
 * they wait for have come, or the peer has closed.
 */
#ifndef NETDEMO_TESTS_HEAR_H
#define NETDEMO_TESTS_HEAR_H

#include <stdbool.h>
#include <stddef.h>

/* hear_until: read fd into buf (len bytes, kept NUL-terminated) until want
 * is in it, the peer closes, or buf is full. Returns whether want came. */
bool hear_until(int fd, char *buf, size_t len, const char *want);

#endif
