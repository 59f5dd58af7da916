/*
 * lecture.h - what a server says without --trace: one short line per
 * caller on stdout, as the seed's server prints who called and what they
 * said:
 *
 *     call from 127.0.0.1:53122: "dream is handsome" -> "DREAM IS HANDSOME"
 *
 * The log is process-wide and off until lecture_start() (server_main and
 * netdemo call it unless --quiet or --trace), so the narrated demos and
 * `netdemo compare`, which never call it, print nothing more.
 *
 * A flood of callers must not flood the screen, nor slow the server: at
 * most LECTURE_BURST lines at once, then LECTURE_PER_SECOND a second. The
 * check comes before anything is formatted and takes no lock. Lines held
 * back are counted, and the next line shown (or lecture_end) says how
 * many; so are lines stdout cannot take at once (a pipe nobody reads): a
 * server never waits for its log. The state lives in shared memory, so
 * the TCP fork model's children count against the same limit as their
 * parent.
 */
#ifndef NETDEMO_LECTURE_H
#define NETDEMO_LECTURE_H

#include <stdbool.h>
#include <stddef.h>

#define LECTURE_BURST      20  /* lines printed at once before the limit bites */
#define LECTURE_PER_SECOND 10  /* then at most this many a second */
#define LECTURE_LINE_LEN   512 /* a line, label and newline included (longer ones are cut) */

/* lecture_start: turn the log on for this process (and the children it
 * forks from now on). labelled: begin each line with its server's label,
 * "TCP   call from ...", as netdemo's lines for four servers do. */
void lecture_start(bool labelled);

/* lecture_admit: may a line be printed now? false when the log is off,
 * or over the rate limit (then the line is counted as held back). Call it
 * before formatting anything; LECTURE() does. */
bool lecture_admit(void);

/* lecture_print: print one line, "label  text", on stdout with one
 * write(): lines from threads and forked children never interleave, and no
 * stdio buffer is copied by fork. A count of held-back lines, if any, goes
 * first. Only after lecture_admit() said yes. */
void lecture_print(const char *label, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* LECTURE(label, fmt, ...): one lecture line from server label ("TCP"),
 * formatted only when it will be printed. */
#define LECTURE(label, ...)                                                                        \
    do {                                                                                           \
        if (lecture_admit())                                                                       \
            lecture_print(label, __VA_ARGS__);                                                     \
    } while (0)

/* lecture_size: a byte count as a lecture line shows it, "121 B",
 * "1.2 KiB", "3.0 MiB", in out (LECTURE_SIZE_LEN bytes). Returns out. */
#define LECTURE_SIZE_LEN 32
const char *lecture_size(unsigned long long bytes, char *out, size_t outlen);

/* lecture_end: say how many lines were held back since the last one
 * shown, if any (a server's last words before it exits). */
void lecture_end(void);

#endif
