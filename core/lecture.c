/*
 * lecture.c - the servers' lecture log: an on/off switch, a rate limit
 * and one function that prints a line.
 */
#include "lecture.h"
#include "io.h"
#include "trace_text.h"
#include "i18n.h"

#include <poll.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define LECTURE_NS_PER_LINE (1000000000LL / LECTURE_PER_SECOND)

/* Shared with forked children (lecture_start maps it MAP_SHARED). */
struct lecture_state {
    atomic_bool on;
    bool labelled;
    /* The rate limit as a virtual clock (GCRA): each line printed moves
     * it LECTURE_NS_PER_LINE ahead of the later of itself and now; a line
     * is refused while it is more than a burst ahead of now. One atomic
     * word, so the check needs no lock. */
    atomic_llong next_free_ns;
    atomic_ulong held; /* lines refused since the last one printed */
};

static struct lecture_state lecture_private; /* off: until lecture_start */
static struct lecture_state *lecture = &lecture_private;

void lecture_start(bool labelled)
{
    if (lecture == &lecture_private) {
        struct lecture_state *shared =
            mmap(NULL, sizeof *shared, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        /* Without shared memory each forked child has its own limit: the
         * log still works, only less tightly bounded. */
        if (shared != MAP_FAILED)
            lecture = shared;
    }
    lecture->labelled = labelled;
    atomic_store(&lecture->next_free_ns, 0);
    atomic_store(&lecture->held, 0);
    atomic_store(&lecture->on, true);
}

static long long lecture_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

bool lecture_admit(void)
{
    struct lecture_state *s = lecture;
    if (!atomic_load_explicit(&s->on, memory_order_relaxed))
        return false;
    long long now = lecture_now_ns();
    long long next = atomic_load_explicit(&s->next_free_ns, memory_order_relaxed);
    for (;;) {
        long long from = next > now ? next : now;
        if (from - now > (LECTURE_BURST - 1) * LECTURE_NS_PER_LINE) {
            atomic_fetch_add_explicit(&s->held, 1, memory_order_relaxed);
            return false;
        }
        /* Another thread may have taken the slot first: then try again
         * from where it left the clock. */
        if (atomic_compare_exchange_weak_explicit(&s->next_free_ns, &next,
                                                  from + LECTURE_NS_PER_LINE, memory_order_relaxed,
                                                  memory_order_relaxed))
            return true;
    }
}

/* "... 37 more lines not shown" into out; returns its length, 0 if none. */
static int lecture_held_line(char *out, size_t outlen)
{
    unsigned long held = atomic_exchange_explicit(&lecture->held, 0, memory_order_relaxed);
    if (held == 0)
        return 0;
    int n = snprintf(out, outlen,
                     ngettext("... %lu more line not shown (at most %d a second)\n",
                              "... %lu more lines not shown (at most %d a second)\n", held),
                     held, LECTURE_PER_SECOND);
    return n < (int)outlen ? n : (int)outlen - 1;
}

/* May a line go to stdout without waiting? A terminal held by Ctrl-S, or
 * a pipe that nobody reads (a test that only wanted the ready line), must
 * never stop a server: the line is then held back like one over the
 * limit. A pipe with room for one more page takes a short line at once. */
static bool lecture_stdout_ready(void)
{
    struct pollfd out = {.fd = STDOUT_FILENO, .events = POLLOUT};
    return poll(&out, 1, 0) == 1 && (out.revents & POLLOUT);
}

void lecture_print(const char *label, const char *fmt, ...)
{
    if (!lecture_stdout_ready()) {
        atomic_fetch_add_explicit(&lecture->held, 1, memory_order_relaxed);
        return;
    }
    char text[LECTURE_LINE_LEN], safe[LECTURE_LINE_LEN], out[2 * LECTURE_LINE_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    /* A peer's words (an FTP user name, a path) must not steer the
     * terminal: escape what trace lines escape. */
    trace_text_safe(text, safe, sizeof safe);

    int n = lecture_held_line(out, sizeof out);
    if (lecture->labelled)
        n += snprintf(out + n, sizeof out - (size_t)n, "%-6s%s\n", label, safe);
    else
        n += snprintf(out + n, sizeof out - (size_t)n, "%s\n", safe);
    if (n >= (int)sizeof out) { /* cut: keep the newline */
        n = (int)sizeof out - 1;
        out[n - 1] = '\n';
    }
    /* One write: see lecture.h. A full stdout (a closed pipe) only loses
     * the line. */
    (void)io_write_all(STDOUT_FILENO, out, (size_t)n);
}

const char *lecture_size(unsigned long long bytes, char *out, size_t outlen)
{
    static const char *const units[] = {"KiB", "MiB", "GiB", "TiB"};
    if (bytes < 1024) {
        snprintf(out, outlen, "%llu B", bytes);
        return out;
    }
    double n = (double)bytes / 1024;
    size_t unit = 0;
    for (; n >= 1024 && unit + 1 < sizeof units / sizeof *units; unit++)
        n /= 1024;
    snprintf(out, outlen, "%.1f %s", n, units[unit]);
    return out;
}

void lecture_end(void)
{
    char out[LECTURE_LINE_LEN];
    if (!atomic_load(&lecture->on))
        return;
    int n = lecture_held_line(out, sizeof out);
    if (n > 0 && lecture_stdout_ready())
        (void)io_write_all(STDOUT_FILENO, out, (size_t)n);
}
