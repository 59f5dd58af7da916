/*
 * filecache.c - the per-worker open-file cache.
 */
#include "http_filecache.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void http_filecache_init(struct http_filecache *fc, size_t data_max)
{
    for (size_t i = 0; i < HTTP_FILECACHE_SLOTS; i++)
        fc->slots[i] = (struct http_cached_file){.fd = -1};
    fc->data_max = data_max;
}

static void slot_empty(struct http_cached_file *f)
{
    if (f->fd != -1)
        close(f->fd);
    free(f->data);
    *f = (struct http_cached_file){.fd = -1};
}

/* The whole of a small file, or NULL (too large, empty, or a short read:
 * then the body is sent from the file instead). */
static char *read_small(int fd, const struct stat *st, size_t max)
{
    if (st->st_size <= 0 || (uint64_t)st->st_size >= max)
        return NULL;
    char *data = malloc((size_t)st->st_size);
    if (data != NULL && pread(fd, data, (size_t)st->st_size, 0) != st->st_size) {
        free(data);
        data = NULL;
    }
    return data;
}

void http_filecache_clear(struct http_filecache *fc)
{
    for (size_t i = 0; i < HTTP_FILECACHE_SLOTS; i++)
        slot_empty(&fc->slots[i]);
}

/* FNV-1a: short, and good enough to spread path names. */
static struct http_cached_file *slot_for(struct http_filecache *fc, const char *rel)
{
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)rel; *p != '\0'; p++)
        h = (h ^ *p) * 16777619u;
    return &fc->slots[h % HTTP_FILECACHE_SLOTS];
}

struct http_cached_file *http_filecache_get(struct http_filecache *fc, const char *rel,
                                            int64_t now_ms)
{
    struct http_cached_file *f = slot_for(fc, rel);
    if (f->fd == -1 || strcmp(f->rel, rel) != 0)
        return NULL;
    if (now_ms - f->opened_ms >= HTTP_FILECACHE_VALID_MS) {
        if (f->refs == 0)
            slot_empty(f); /* stale: the caller opens the file afresh */
        return NULL;
    }
    f->refs++;
    return f;
}

struct http_cached_file *http_filecache_put(struct http_filecache *fc, const char *rel, int fd,
                                            const struct stat *st, int64_t now_ms)
{
    size_t len = strlen(rel);
    struct http_cached_file *f = slot_for(fc, rel);
    if (len == 0 || len >= sizeof f->rel || f->refs > 0)
        return NULL;
    slot_empty(f);
    memcpy(f->rel, rel, len + 1);
    f->fd = fd;
    f->st = *st;
    f->opened_ms = now_ms;
    f->refs = 1;
    f->data = read_small(fd, st, fc->data_max);
    return f;
}

size_t http_filecache_sweep(struct http_filecache *fc, int64_t now_ms)
{
    size_t left = 0;
    for (size_t i = 0; i < HTTP_FILECACHE_SLOTS; i++) {
        struct http_cached_file *f = &fc->slots[i];
        if (f->fd != -1 && f->refs == 0 && now_ms - f->opened_ms >= HTTP_FILECACHE_VALID_MS)
            slot_empty(f);
        left += f->fd != -1;
    }
    return left;
}

void http_filecache_release(struct http_cached_file *f)
{
    if (f != NULL && f->refs > 0)
        f->refs--;
}
