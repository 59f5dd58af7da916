/*
 * counters.c - shared, atomic server counters and their registry.
 */
#include "counters.h"

#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <string.h>
#include <sys/mman.h>

static pthread_mutex_t counters_lock = PTHREAD_MUTEX_INITIALIZER;
static struct counters *counters_list[COUNTERS_MAX];

struct counters *counters_new(const char *name)
{
    /* MAP_SHARED: a forked child's increments land in the parent's view. */
    struct counters *c =
        mmap(NULL, sizeof *c, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (c == MAP_FAILED)
        return NULL;
    snprintf(c->name, sizeof c->name, "%s", name);

    pthread_mutex_lock(&counters_lock);
    size_t i;
    for (i = 0; i < COUNTERS_MAX && counters_list[i] != NULL; i++)
        ;
    if (i < COUNTERS_MAX)
        counters_list[i] = c;
    pthread_mutex_unlock(&counters_lock);
    if (i == COUNTERS_MAX) {
        munmap(c, sizeof *c);
        return NULL;
    }
    return c;
}

void counters_free(struct counters *c)
{
    if (c == NULL)
        return;
    pthread_mutex_lock(&counters_lock);
    for (size_t i = 0; i < COUNTERS_MAX; i++)
        if (counters_list[i] == c)
            counters_list[i] = NULL;
    pthread_mutex_unlock(&counters_lock);
    munmap(c, sizeof *c);
}

bool counters_wait(const atomic_llong *field, long long min, long long max, int timeout_ms)
{
    const struct timespec pause = {.tv_nsec = 1000 * 1000}; /* 1 ms */
    for (int waited = 0;; waited++) {
        long long v = atomic_load(field);
        if (v >= min && v <= max)
            return true;
        if (waited >= timeout_ms)
            return false;
        nanosleep(&pause, NULL);
    }
}

int counters_json(const struct counters *c, char *out, size_t outlen)
{
    return snprintf(out, outlen,
                    "{\"name\":\"%s\",\"conns_open\":%lld,\"conns_total\":%lld,"
                    "\"bytes_in\":%lld,\"bytes_out\":%lld,\"errors\":%lld,\"requests\":%lld,"
                    "\"dropped\":%lld,\"duplicated\":%lld,\"reordered\":%lld}",
                    c->name, atomic_load(&c->conns_open), atomic_load(&c->conns_total),
                    atomic_load(&c->bytes_in), atomic_load(&c->bytes_out), atomic_load(&c->errors),
                    atomic_load(&c->requests), atomic_load(&c->dropped),
                    atomic_load(&c->duplicated), atomic_load(&c->reordered));
}

int counters_all_json(char *out, size_t outlen)
{
    size_t used = 0;
    int first = 1;

    if (outlen < 3)
        return -1;
    out[used++] = '[';
    pthread_mutex_lock(&counters_lock);
    for (size_t i = 0; i < COUNTERS_MAX; i++) {
        if (counters_list[i] == NULL)
            continue;
        if (!first && used + 1 < outlen)
            out[used++] = ',';
        first = 0;
        int n = counters_json(counters_list[i], out + used, outlen - used);
        if (n < 0 || (size_t)n >= outlen - used) {
            pthread_mutex_unlock(&counters_lock);
            return -1;
        }
        used += (size_t)n;
    }
    pthread_mutex_unlock(&counters_lock);
    if (used + 2 > outlen)
        return -1;
    out[used++] = ']';
    out[used] = '\0';
    return (int)used;
}
