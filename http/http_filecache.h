/*
 * http_filecache.h - a small per-worker cache of open files (nginx calls its
 * own open_file_cache).
 *
 * A keep-alive client asking for the same small file again and again
 * would otherwise cost an open, an fstat and a close per request: half the
 * system calls of the whole exchange. An entry is trusted for
 * HTTP_FILECACHE_VALID_MS, then checked again, so an edited file is seen
 * within a second. The cache is direct-mapped: one slot per hash value,
 * the newest file wins, and an entry still being sent is never closed.
 *
 * A file smaller than the cache's data_max (--sendfile-min) is also read
 * into memory when it is opened, so its body goes out with the head in one
 * write and no read at all: at most HTTP_FILECACHE_SLOTS x --sendfile-min
 * bytes per worker (1 MiB by default).
 */
#ifndef NETDEMO_HTTP_FILECACHE_H
#define NETDEMO_HTTP_FILECACHE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#define HTTP_FILECACHE_SLOTS    64   /* entries per worker */
#define HTTP_FILECACHE_NAME_MAX 128  /* longer paths are not cached */
#define HTTP_FILECACHE_VALID_MS 1000 /* how long an entry is trusted */
#define HTTP_FILECACHE_SWEEP_MS 2000 /* how often stale entries are closed */

struct http_cached_file {
    char rel[HTTP_FILECACHE_NAME_MAX]; /* normalised relative path; "" when free */
    int fd;
    struct stat st;
    int64_t opened_ms;
    unsigned refs; /* responses sending from fd now */
    char *data;    /* the whole file when smaller than data_max, else NULL */
};

struct http_filecache {
    struct http_cached_file slots[HTTP_FILECACHE_SLOTS];
    size_t data_max; /* files smaller than this are kept in memory too */
};

/* http_filecache_init / _clear: an empty cache that keeps the contents of
 * files smaller than data_max bytes (0: none); close every file. */
void http_filecache_init(struct http_filecache *fc, size_t data_max);
void http_filecache_clear(struct http_filecache *fc);

/* http_filecache_get: the fresh entry for rel, with a reference taken,
 * or NULL. */
struct http_cached_file *http_filecache_get(struct http_filecache *fc, const char *rel,
                                            int64_t now_ms);

/* http_filecache_put: keep fd (a regular file with status st) for rel and
 * take a reference; the cache then owns fd. Returns NULL, leaving fd with
 * the caller, when rel is too long or its slot is busy. */
struct http_cached_file *http_filecache_put(struct http_filecache *fc, const char *rel, int fd,
                                            const struct stat *st, int64_t now_ms);

/* http_filecache_sweep: close the stale entries no response is sending
 * from (a get would drop them anyway), so a file nobody asks for again is
 * not held open: its descriptor, and its disk space once deleted. Returns
 * how many entries remain. */
size_t http_filecache_sweep(struct http_filecache *fc, int64_t now_ms);

/* http_filecache_release: drop a reference taken by get or put. */
void http_filecache_release(struct http_cached_file *f);

#endif
