/*
 * report.c - `netdemo compare`'s results, three ways: a table for the
 * terminal (at most 100 columns, for a projector), JSON with the machine's
 * facts, and a self-contained HTML page with a bar chart per workload and
 * a note under each in English and Chinese (compare.c measures).
 */
#include "compare.h"
#include "chart.h"
#include "i18n.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

/* Bytes on the wire of a bulk run: the payload and every segment's headers,
 * both ways (the ACKs too). 0 when the kernel's view is not known. */
static uint64_t wire_bytes(const struct bulk_run *b, uint64_t payload)
{
    if (b->udp)
        return b->wire;
    if (!b->has_info)
        return 0;
    return payload + ((uint64_t)b->info.segs_out + b->info.segs_in) * TCPINFO_HEADER_BYTES;
}

/* "64.0 MiB", "1.5 GiB", "512 KiB", "17 B" */
static const char *bytes_text(uint64_t n, char *buf, size_t len)
{
    if (n >= 1ULL << 30)
        snprintf(buf, len, "%.1f GiB", (double)n / (1ULL << 30));
    else if (n >= 1ULL << 20)
        snprintf(buf, len, "%.1f MiB", (double)n / (1ULL << 20));
    else if (n >= 1ULL << 10)
        snprintf(buf, len, "%.1f KiB", (double)n / (1ULL << 10));
    else
        snprintf(buf, len, "%llu B", (unsigned long long)n);
    return buf;
}

void compare_machine_facts(struct machine *m)
{
    struct utsname u;
    snprintf(m->kernel, sizeof m->kernel, "%s", uname(&u) == 0 ? u.release : "unknown");
    snprintf(m->cpu, sizeof m->cpu, "unknown");
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[256];
    while (f != NULL && fgets(line, sizeof line, f) != NULL) {
        char *colon = strchr(line, ':');
        if (strncmp(line, "model name", 10) == 0 && colon != NULL) {
            snprintf(m->cpu, sizeof m->cpu, "%.*s", (int)strcspn(colon + 2, "\n"), colon + 2);
            break;
        }
    }
    if (f != NULL)
        fclose(f);
    m->cores = sysconf(_SC_NPROCESSORS_ONLN);
    time_t now = time(NULL);
    strftime(m->date, sizeof m->date, "%Y-%m-%d %H:%M UTC", gmtime(&now));
}

/* "61 us (58-70)", or in ms from 10 ms up. */
static const char *time_text(struct stats_range r, char *buf, size_t len)
{
    if (r.median >= 10000)
        snprintf(buf, len, "%.1f ms (%.1f-%.1f)", r.median / 1000, r.min / 1000, r.max / 1000);
    else
        snprintf(buf, len, "%.0f us (%.0f-%.0f)", r.median, r.min, r.max);
    return buf;
}

static void print_bulk(const struct compare_options *o, const struct results *r);
static void print_netem(const struct compare_options *o, const struct results *r);
static void print_loss(const struct compare_options *o, const struct results *r);

/* --netem asked for rows that it can run: the TCP or HTTP ones. */
static bool netem_asked(const struct compare_options *o)
{
    return o->netem > 0 && (o->only & (ONLY_TCP | ONLY_HTTP));
}

/* text, then spaces up to width columns of a terminal: a Chinese character
 * takes two columns and one byte of UTF-8 is not one column, so printf's
 * %-9s cannot line up translated headings. */
static void column(const char *text, int width)
{
    wchar_t wide[128];
    size_t n = mbstowcs(wide, text, sizeof wide / sizeof wide[0]);
    int used = n == (size_t)-1 ? (int)strlen(text) : wcswidth(wide, n);
    if (used < 0)
        used = (int)strlen(text);
    printf("%s%*s", text, width > used ? width - used : 1, "");
}

/* A section's heading row: "   " then each name in its width; the last
 * one ends the line. */
static void heading(const char *const *names, const int *widths, size_t n)
{
    fputs("   ", stdout);
    for (size_t i = 0; i + 1 < n; i++)
        column(names[i], widths[i]);
    printf("%s\n", names[n - 1]);
}

void compare_print_table(const struct compare_options *o, const struct results *r,
                         const struct machine *m)
{
    char a[64], b[64], c[64];
    printf(_("netdemo compare: %s, Linux %s, %ld cores, %s\n"), m->date, m->kernel, m->cores,
           m->cpu);
    printf(ngettext("Each figure: the median of %ld run (lowest-highest), all on 127.0.0.1.\n\n",
                    "Each figure: the median of %ld runs (lowest-highest), all on 127.0.0.1.\n\n",
                    (unsigned long)o->repeat),
           o->repeat);

    printf(_("1. The first byte: one small request and its reply\n\n"));
    heading((const char *const[]){_("protocol"), _("time"), _("round trips"), _("connections"),
                                  _("how")},
            (const int[]){10, 25, 13, 13, 0}, 5);
    for (size_t i = 0; i < FIRST_BYTES; i++)
        if (r->first_ran[i])
            printf("   %-9s %-24s %-12d %-12d %s\n", compare_first_bytes[i].name,
                   time_text(r->first[i], a, sizeof a), compare_first_bytes[i].round_trips,
                   compare_first_bytes[i].connections, _(compare_first_bytes[i].what));
    printf(_("\n   A round trip is a wait for the other side: a TCP handshake, or a request\n"
             "   and its reply. UDP needs no connection; HTTP/1.1 reuses one; FTP opens two:\n"
             "   one for its commands, one for the file.\n\n"));

    printf(_("2. Round trips: %ld small requests, one after another, on one socket\n\n"), o->count);
    heading((const char *const[]){_("protocol"), _("requests/s"), "RTT p50", "RTT p99",
                                  _("connections")},
            (const int[]){10, 25, 25, 25, 0}, 5);
    for (size_t i = 0; i < ROUND_TRIPS; i++) {
        if (!r->rt_ran[i])
            continue;
        snprintf(a, sizeof a, "%.0f (%.0f-%.0f)", r->rate[i].median, r->rate[i].min,
                 r->rate[i].max);
        printf("   %-9s %-24s %-24s %-24s %lld\n", compare_round_trips[i].name, a,
               time_text(r->p50[i], b, sizeof b), time_text(r->p99[i], c, sizeof c),
               r->rt_conns[i]);
    }
    printf(_("\n   p50: half the requests were answered faster; p99: all but one in a hundred.\n"
             "   A round trip runs from this program's send() to the end of its recv(): both\n"
             "   sides' system calls and the wake-ups between them, as sockperf's ping-pong.\n"
             "   The TCP server is tcp-demo's epoll model: each message costs it one\n"
             "   epoll_wait() more than a server that blocks in recv() on its one caller.\n"
             "   An HTTP request carries a head of some 40 bytes and its response some 300,\n"
             "   where the TCP and UDP ones carry the 17 bytes of the seed's message.\n"));

    print_bulk(o, r);
    print_netem(o, r);
    print_loss(o, r);
    if (r->bounds_ran) {
        printf(_("\n5. Message boundaries: the seed's words in %d writes\n\n"), r->bounds.writes);
        printf("   %-9s ", "TCP");
        printf(ngettext("%d read: a byte stream, the writes run together\n",
                        "%d reads: a byte stream, the writes run together\n",
                        (unsigned long)r->bounds.tcp_reads),
               r->bounds.tcp_reads);
        printf("   %-9s ", "UDP");
        printf(ngettext("%d read: datagrams, each write arrives on its own\n",
                        "%d reads: datagrams, each write arrives on its own\n",
                        (unsigned long)r->bounds.udp_reads),
               r->bounds.udp_reads);
    }
}

/* Section 4 of the table, when the loss rows ran. */
static void print_loss(const struct compare_options *o, const struct results *r)
{
    char a[64], b[64];
    if (!r->loss_ran)
        return;
    printf(_("\n4. Loss: %ld datagrams through a server that drops %ld%% of them\n\n"),
           compare_loss_datagrams(o), o->drop);
    snprintf(a, sizeof a, "%.1f%% (%.1f-%.1f)", r->lost_pct.median, r->lost_pct.min,
             r->lost_pct.max);
    snprintf(b, sizeof b, "%.2f s (%.2f-%.2f)", r->plain_s.median, r->plain_s.min, r->plain_s.max);
    fputs("   ", stdout);
    column("UDP", 16);
    printf(_("lost %s in %s\n"), a, b);
    snprintf(a, sizeof a, "%.0f (%.0f-%.0f)", r->resent.median, r->resent.min, r->resent.max);
    snprintf(b, sizeof b, "%.2f s (%.2f-%.2f)", r->reliable_s.median, r->reliable_s.min,
             r->reliable_s.max);
    fputs("   ", stdout);
    column(_("UDP, reliable"), 16);
    printf(_("none lost: %lu of %ld in order, %s resent, in %s\n"), r->delivered,
           compare_loss_datagrams(o), a, b);
    printf(_("\n   Plain UDP says nothing of what it lost: the sender only sees no reply, and\n"
             "   waits %d ms for each before the next. The reliable mode numbers the datagrams,\n"
             "   keeps several in flight, and sends again what is not acknowledged in time,\n"
             "   as TCP does. TCP on loopback loses nothing (the bulk rows' 'resent').\n"),
           COMPARE_LOSS_WAIT_MS);
}

/* Section 3 of the table, when a bulk row ran. */
static void print_bulk(const struct compare_options *o, const struct results *r)
{
    char a[64], c[64];
    bool any = false;
    for (size_t i = 0; i < BULKS; i++)
        any |= r->bulk_ran[i];
    if (!any)
        return;
    printf(_("\n3. Bulk: %s one way\n\n"), bytes_text(o->size, a, sizeof a));
    heading((const char *const[]){_("protocol"), "MiB/s", _("on the wire"), _("what happened")},
            (const int[]){16, 22, 19, 0}, 4);
    for (size_t i = 0; i < BULKS; i++) {
        if (!r->bulk_ran[i])
            continue;
        const struct bulk_run *run = &r->last[i];
        uint64_t wire = wire_bytes(run, o->size);
        snprintf(a, sizeof a, "%.0f (%.0f-%.0f)", r->mib_s[i].median, r->mib_s[i].min,
                 r->mib_s[i].max);
        char w[32];
        if (wire > 0)
            snprintf(c, sizeof c, "%s +%.2f%%", bytes_text(wire, w, sizeof w),
                     100.0 * (double)(wire - o->size) / (double)o->size);
        printf("   ");
        column(_(compare_bulks[i].name), 16);
        printf("%-21s %-18s ", a, wire > 0 ? c : "-");
        if (run->udp && !run->reliable)
            printf(_("lost %.1f%% of %lu datagrams\n"),
                   100.0 * (double)(run->datagrams - run->datagrams_arrived) /
                       (double)run->datagrams,
                   run->datagrams);
        else if (run->udp)
            printf(_("all %lu arrived, %llu resent\n"), run->datagrams_arrived, run->resent);
        else if (run->has_info)
            printf(_("rtt %u us, cwnd %u, %u resent\n"), run->info.rtt_us, run->info.cwnd,
                   run->info.retransmits);
        else
            printf(_("(inside the FTP client)\n"));
    }
    printf(_("\n   MiB/s: the payload over the time from connect() to the end (the server's\n"
             "   close for TCP, the last byte for HTTP, the 226 reply for FTP), so the\n"
             "   handshake and TCP's slow start are in it; iperf3 times a steady stream.\n"
             "   On the wire: the payload and the IP and TCP headers of every segment, both\n"
             "   ways (%d bytes each, ACKs included), from the kernel's segment counts. On\n"
             "   loopback a segment carries up to 64 KiB, so the headers cost little; on\n"
             "   Ethernet one carries 1448 bytes. TCP on loopback loses nothing: 0 resent.\n"
             "   UDP goes in datagrams of %d bytes, each with %d bytes of headers. Plain UDP\n"
             "   sends as fast as it can and nothing waits for the server: what its socket\n"
             "   cannot hold is lost, and only the server's count says so. The reliable mode\n"
             "   gets it all there; its acknowledgement is each datagram sent back, so its\n"
             "   wire carries the data twice (the plain row's server answers each, too).\n"),
           TCPINFO_HEADER_BYTES, COMPARE_DATAGRAM, COMPARE_UDP_HEADERS);
}

/* Section 3 again over the lossy link, or why it could not run. */
static void print_netem(const struct compare_options *o, const struct results *r)
{
    char a[64];
    if (!netem_asked(o))
        return;
    if (!r->netem_up) {
        printf(_("\n3b. Bulk over a lossy link: netem is unavailable, so these rows are "
                 "skipped:\n    %s\n"),
               r->netem_how);
        return;
    }
    printf(_("\n3b. Bulk over a lossy link: %s one way, %s\n\n"),
           bytes_text(r->netem_size, a, sizeof a), r->netem_how);
    heading((const char *const[]){_("protocol"), "MiB/s", _("the kernel's view")},
            (const int[]){10, 25, 0}, 3);
    for (size_t i = 0; i < BULKS; i++) {
        if (!r->netem_ran[i])
            continue;
        const struct bulk_run *run = &r->netem_last[i];
        snprintf(a, sizeof a, "%.1f (%.1f-%.1f)", r->netem_mib_s[i].median, r->netem_mib_s[i].min,
                 r->netem_mib_s[i].max);
        printf("   %-9s %-24s ", compare_bulks[i].name, a);
        printf(_("rtt %u us, cwnd %u, %u resent, %u out of order\n"), run->info.rtt_us,
               run->info.cwnd, run->info.retransmits, run->info.out_of_order);
    }
    printf(_("\n   Every byte arrived, in order: TCP sent again what the link lost. The TCP\n"
             "   row's client sends, so 'resent' is its own; the HTTP row's client receives,\n"
             "   so it sees the loss as segments that came after a hole, 'out of order'.\n"
             "   A loss also halves the congestion window, so the rate falls far more than\n"
             "   the share of packets lost.\n"));
}

static void json_range(FILE *f, const char *name, struct stats_range r, const char *sep)
{
    fprintf(f, "\"%s\":{\"median\":%.3f,\"min\":%.3f,\"max\":%.3f}%s", name, r.median, r.min, r.max,
            sep);
}

/* The JSON of one workload's row i. */
typedef void json_row_fn(FILE *f, const struct compare_options *o, const struct results *r,
                         size_t i);

static void json_first_byte(FILE *f, const struct compare_options *o, const struct results *r,
                            size_t i)
{
    (void)o;
    fprintf(f, "{\"protocol\":\"%s\",\"round_trips\":%d,\"connections\":%d,",
            compare_first_bytes[i].name, compare_first_bytes[i].round_trips,
            compare_first_bytes[i].connections);
    json_range(f, "time_us", r->first[i], "}");
}

static void json_round_trip(FILE *f, const struct compare_options *o, const struct results *r,
                            size_t i)
{
    fprintf(f, "{\"protocol\":\"%s\",\"requests\":%ld,\"connections\":%lld,",
            compare_round_trips[i].name, o->count, r->rt_conns[i]);
    json_range(f, "per_second", r->rate[i], ",");
    json_range(f, "rtt_p50_us", r->p50[i], ",");
    json_range(f, "rtt_p99_us", r->p99[i], "}");
}

/* One bulk row: size bytes at rate, the last run's kernel view b. */
static void json_bulk_row(FILE *f, size_t i, uint64_t size, struct stats_range rate,
                          const struct bulk_run *b)
{
    fprintf(f, "{\"protocol\":\"%s\",\"payload_bytes\":%llu,\"arrived_bytes\":%llu,",
            compare_bulks[i].name, (unsigned long long)size, (unsigned long long)b->arrived);
    json_range(f, "mib_per_second", rate, ",");
    if (b->udp)
        fprintf(f,
                "\"wire_bytes\":%llu,\"datagrams\":%lu,\"datagrams_arrived\":%lu,"
                "\"lost_percent\":%.3f,\"retransmissions\":%llu,\"kernel\":null}",
                (unsigned long long)b->wire, b->datagrams, b->datagrams_arrived,
                100.0 * (double)(b->datagrams - b->datagrams_arrived) / (double)b->datagrams,
                b->resent);
    else if (b->has_info)
        fprintf(f,
                "\"wire_bytes\":%llu,\"kernel\":{\"segs_out\":%u,\"segs_in\":%u,"
                "\"rtt_us\":%u,\"retransmits\":%u,\"cwnd\":%u,\"out_of_order\":%u}}",
                (unsigned long long)wire_bytes(b, size), b->info.segs_out, b->info.segs_in,
                b->info.rtt_us, b->info.retransmits, b->info.cwnd, b->info.out_of_order);
    else
        fprintf(f, "\"wire_bytes\":null,\"kernel\":null}");
}

static void json_bulk(FILE *f, const struct compare_options *o, const struct results *r, size_t i)
{
    json_bulk_row(f, i, o->size, r->mib_s[i], &r->last[i]);
}

static void json_netem(FILE *f, const struct compare_options *o, const struct results *r, size_t i)
{
    (void)o;
    json_bulk_row(f, i, r->netem_size, r->netem_mib_s[i], &r->netem_last[i]);
}

/* A JSON string's body: the text escaped (a reason may hold quotes). */
static void json_text(FILE *f, const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p != '\0'; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
}

/* "name":[the rows that ran], then after. */
static void json_rows(FILE *f, const char *name, size_t n, const bool *ran, json_row_fn *row,
                      const struct compare_options *o, const struct results *r, const char *after)
{
    fprintf(f, "\"%s\":[", name);
    const char *sep = "";
    for (size_t i = 0; i < n; i++) {
        if (ran[i]) {
            fputs(sep, f);
            row(f, o, r, i);
            sep = ",";
        }
    }
    fprintf(f, "]%s", after);
}

void compare_print_json(FILE *f, const struct compare_options *o, const struct results *r,
                        const struct machine *m)
{
    fprintf(f, "{\"machine\":{\"kernel\":\"%s\",\"cpu\":\"%s\",\"cores\":%ld,\"date\":\"%s\"},",
            m->kernel, m->cpu, m->cores, m->date);
    fprintf(f, "\"options\":{\"size\":%llu,\"count\":%ld,\"repeat\":%ld,\"drop\":%ld},",
            (unsigned long long)o->size, o->count, o->repeat, o->drop);
    json_rows(f, "first_byte", FIRST_BYTES, r->first_ran, json_first_byte, o, r, ",");
    json_rows(f, "round_trips", ROUND_TRIPS, r->rt_ran, json_round_trip, o, r, ",");
    json_rows(f, "bulk", BULKS, r->bulk_ran, json_bulk, o, r, "");
    if (r->loss_ran) {
        fprintf(f, ",\"loss\":{\"drop_percent\":%ld,\"datagrams\":%ld,", o->drop,
                compare_loss_datagrams(o));
        json_range(f, "plain_lost_percent", r->lost_pct, ",");
        json_range(f, "plain_seconds", r->plain_s, ",");
        fprintf(f, "\"reliable_delivered\":%lu,", r->delivered);
        json_range(f, "reliable_retransmissions", r->resent, ",");
        json_range(f, "reliable_seconds", r->reliable_s, "}");
    }
    if (netem_asked(o)) {
        fprintf(f, ",\"netem\":{\"available\":%s,\"loss_percent\":%ld,\"%s\":\"",
                r->netem_up ? "true" : "false", o->netem, r->netem_up ? "how" : "reason");
        json_text(f, r->netem_how);
        fputs("\",", f);
        json_rows(f, "bulk", BULKS, r->netem_ran, json_netem, o, r, "}");
    }
    if (r->bounds_ran)
        fprintf(f, ",\"boundaries\":{\"writes\":%d,\"tcp_reads\":%d,\"udp_reads\":%d}",
                r->bounds.writes, r->bounds.tcp_reads, r->bounds.udp_reads);
    fprintf(f, "}\n");
}

/* --- the HTML report ---------------------------------------------------------- */

static const char report_css[] =
    "body{font:20px/1.45 system-ui,sans-serif;margin:2em auto;max-width:60em;padding:0 1em;"
    "background:#0d1117;color:#e6edf3}"
    "h1{color:#f6c945}h2{border-bottom:1px solid #30363d;padding-bottom:.2em;margin-top:1.6em}"
    ".zh{color:#9da7b3}table{border-collapse:collapse;margin:.6em 0}"
    "td,th{padding:.25em .9em;text-align:left;border-bottom:1px solid #30363d}"
    "th{color:#9da7b3;font-weight:normal}"
    ".chart{width:100%;max-width:40em;display:block;margin:.6em 0}"
    ".chart .bar{fill:#58a6ff}.chart text{fill:#e6edf3;font-size:15px}"
    ".note{color:#c9d1d9}";

/* A section's heading in both languages, a line saying what ran (or
 * NULL), and its table's head: columns, the cells of its first row. */
static void html_section(FILE *f, const char *en, const char *zh, const char *what,
                         const char *columns)
{
    fputs("<h2>", f);
    chart_escape(f, en);
    fputs(" <span class=\"zh\">", f);
    chart_escape(f, zh);
    fputs("</span></h2>\n", f);
    if (what != NULL)
        fprintf(f, "<p>%s</p>\n", what);
    fprintf(f, "<table><tr>%s</tr>\n", columns);
}

/* A note under a table, in both languages. */
static void html_note(FILE *f, const char *en, const char *zh)
{
    fputs("<p class=\"note\">", f);
    chart_escape(f, en);
    fputs("<br><span class=\"zh\">", f);
    chart_escape(f, zh);
    fputs("</span></p>\n", f);
}

/* The start of a table row for the protocol name, when it ran. */
static bool html_row(FILE *f, bool ran, const char *name)
{
    if (ran)
        fprintf(f, "<tr><td>%s</td>", name);
    return ran;
}

static void html_range_cell(FILE *f, struct stats_range r, const char *unit, int decimals)
{
    fprintf(f, "<td>%.*f %s (%.*f&ndash;%.*f)</td>", decimals, r.median, unit, decimals, r.min,
            decimals, r.max);
}

static void html_first_byte(FILE *f, const struct results *r)
{
    struct chart_bar bars[FIRST_BYTES];
    size_t n = 0;
    html_section(f, "1. The first byte", "1. 第一个字节", NULL,
                 "<th>protocol</th><th>time</th><th>round trips</th><th>connections</th>");
    for (size_t i = 0; i < FIRST_BYTES; i++) {
        if (!html_row(f, r->first_ran[i], compare_first_bytes[i].name))
            continue;
        html_range_cell(f, r->first[i], "&micro;s", 0);
        fprintf(f, "<td>%d</td><td>%d</td></tr>\n", compare_first_bytes[i].round_trips,
                compare_first_bytes[i].connections);
        bars[n++] = (struct chart_bar){compare_first_bytes[i].name, r->first[i].median};
    }
    fputs("</table>\n", f);
    chart_svg(f, "time to the first reply, microseconds", "%.0f us", bars, n);
    html_note(f,
              "A round trip is a wait for the other side: a TCP handshake, or a request and its "
              "reply. UDP needs no connection, HTTP/1.1 reuses one, FTP opens two.",
              "一次往返就是等对方一次：TCP 握手，或一个请求及其应答。UDP 不需要连接，HTTP/1.1 "
              "重用连接，FTP 要开两个连接。");
}

static void html_round_trips(FILE *f, const struct compare_options *o, const struct results *r)
{
    struct chart_bar bars[ROUND_TRIPS];
    size_t n = 0;
    char what[96];
    snprintf(what, sizeof what, "%ld small requests, one after another, on one socket.", o->count);
    html_section(f, "2. Round trips", "2. 往返", what,
                 "<th>protocol</th><th>requests a second</th><th>RTT p50</th><th>RTT p99</th>"
                 "<th>connections</th>");
    for (size_t i = 0; i < ROUND_TRIPS; i++) {
        if (!html_row(f, r->rt_ran[i], compare_round_trips[i].name))
            continue;
        html_range_cell(f, r->rate[i], "", 0);
        html_range_cell(f, r->p50[i], "&micro;s", 0);
        html_range_cell(f, r->p99[i], "&micro;s", 0);
        fprintf(f, "<td>%lld</td></tr>\n", r->rt_conns[i]);
        bars[n++] = (struct chart_bar){compare_round_trips[i].name, r->rate[i].median};
    }
    fputs("</table>\n", f);
    chart_svg(f, "requests a second", "%.0f /s", bars, n);
    html_note(f,
              "p50: half the requests were answered faster; p99: all but one in a hundred. A "
              "round trip runs from this program's send() to the end of its recv(): both sides' "
              "system calls and the wake-ups between them. The TCP server is the epoll model: "
              "each message costs it one epoll_wait() more than a server that blocks in recv() on "
              "its one caller.",
              "p50：一半的请求比它快；p99：一百个里只有一个比它慢。一次往返从本程序的 send() "
              "算到它的 recv() 结束：包括双方的系统调用和其间的唤醒。TCP 服务器用的是 epoll "
              "模型：每条消息比只在一个调用者上阻塞于 recv() 的服务器多一次 epoll_wait()。");
}

static void html_bulk(FILE *f, const struct compare_options *o, const struct results *r)
{
    struct chart_bar bars[BULKS];
    size_t n = 0;
    char size[32], what[64];
    snprintf(what, sizeof what, "%s one way.", bytes_text(o->size, size, sizeof size));
    html_section(f, "3. Bulk transfer", "3. 大量传输", what,
                 "<th>protocol</th><th>MiB a second</th><th>bytes on the wire</th>"
                 "<th>overhead</th><th>arrived</th>");
    for (size_t i = 0; i < BULKS; i++) {
        if (!html_row(f, r->bulk_ran[i], compare_bulks[i].name))
            continue;
        uint64_t wire = wire_bytes(&r->last[i], o->size);
        html_range_cell(f, r->mib_s[i], "", 0);
        if (wire > 0)
            fprintf(f, "<td>%llu</td><td>%.2f%%</td>", (unsigned long long)wire,
                    100.0 * (double)(wire - o->size) / (double)o->size);
        else
            fputs("<td>&ndash;</td><td>&ndash;</td>", f);
        fprintf(f, "<td>%.1f%%</td></tr>\n", 100.0 * (double)r->last[i].arrived / (double)o->size);
        bars[n++] = (struct chart_bar){compare_bulks[i].name, r->mib_s[i].median};
    }
    fputs("</table>\n", f);
    chart_svg(f, "MiB a second", "%.0f MiB/s", bars, n);
    html_note(
        f,
        "MiB a second: the payload that arrived over the time from connect() to the end, so "
        "the handshake and TCP's slow start are in it. Overhead: the IP and TCP (or UDP) "
        "headers, both ways, beside the payload. On loopback a segment carries up to 64 KiB; "
        "on Ethernet, 1448 bytes. Plain UDP loses what the server's socket cannot hold; the "
        "reliable mode sends each datagram back as its acknowledgement, so it carries the "
        "data twice.",
        "每秒 MiB：到达的有效载荷除以从 connect() 到传输结束的时间，所以握手和 TCP "
        "的慢启动都算在内。"
        "开销：IP 和 TCP（或 UDP）头（两个方向）相对于有效载荷的比例。回环接口上一个报文段"
        "最多带 64 KiB；以太网上是 1448 字节。普通 UDP 会丢掉服务器套接字装不下的数据；可靠模式"
        "把每个数据报原样发回作为确认，所以数据在线路上走了两遍。");
}

static void html_netem(FILE *f, const struct results *r)
{
    struct chart_bar bars[BULKS];
    size_t n = 0;
    char size[32], what[CLI_ERR_LEN + 64];
    if (!r->netem_up) {
        html_section(f, "3b. Bulk over a lossy link", "3b. 有丢包的链路上的大量传输", NULL, "");
        fputs("</table><p>netem is unavailable here, so these rows are skipped: ", f);
        chart_escape(f, r->netem_how);
        fputs("</p>\n", f);
        return;
    }
    snprintf(what, sizeof what, "%s one way, %s.", bytes_text(r->netem_size, size, sizeof size),
             r->netem_how);
    html_section(f, "3b. Bulk over a lossy link", "3b. 有丢包的链路上的大量传输", NULL,
                 "<th>protocol</th><th>MiB a second</th><th>sent again</th>"
                 "<th>out of order</th>");
    for (size_t i = 0; i < BULKS; i++) {
        if (!html_row(f, r->netem_ran[i], compare_bulks[i].name))
            continue;
        html_range_cell(f, r->netem_mib_s[i], "", 1);
        fprintf(f, "<td>%u</td><td>%u</td></tr>\n", r->netem_last[i].info.retransmits,
                r->netem_last[i].info.out_of_order);
        bars[n++] = (struct chart_bar){compare_bulks[i].name, r->netem_mib_s[i].median};
    }
    fputs("</table>\n<p>", f);
    chart_escape(f, what);
    fputs("</p>\n", f);
    chart_svg(f, "MiB a second over the lossy link", "%.1f MiB/s", bars, n);
    html_note(f,
              "Every byte arrived, in order: TCP sent again what the link lost. The TCP row's "
              "client sends, and counts what it sent again; the HTTP row's client receives, and "
              "sees each loss as segments that came after a hole. A loss also halves the "
              "congestion window, so the rate falls far more than the share lost.",
              "每个字节都按顺序到达了：链路丢掉的，TCP 会重发。TCP 这一行的客户端是发送方，统计"
              "自己重发了多少；HTTP 这一行的客户端是接收方，看到的是空洞之后先到的报文段。一次丢包"
              "还会让拥塞窗口减半，所以速率下降得远比丢包比例多。");
}

static void html_loss(FILE *f, const struct compare_options *o, const struct results *r)
{
    char what[96];
    snprintf(what, sizeof what, "%ld datagrams through a server that drops %ld%% of them.",
             compare_loss_datagrams(o), o->drop);
    html_section(f, "4. Loss", "4. 丢包", what,
                 "<th></th><th>lost</th><th>sent again</th><th>time</th>");
    fputs("<tr><td>UDP</td>", f);
    html_range_cell(f, r->lost_pct, "%", 1);
    fputs("<td>&ndash;</td>", f);
    html_range_cell(f, r->plain_s, "s", 2);
    fputs("</tr>\n<tr><td>UDP, reliable</td><td>0%</td>", f);
    html_range_cell(f, r->resent, "", 0);
    html_range_cell(f, r->reliable_s, "s", 2);
    fputs("</tr></table>\n", f);
    const struct chart_bar bars[] = {{"UDP", r->lost_pct.median}, {"UDP, reliable", 0}};
    chart_svg(f, "datagrams lost, percent", "%.1f%% lost", bars, 2);
    html_note(f,
              "Plain UDP says nothing of what it lost. The reliable mode numbers the datagrams "
              "and sends again what is not acknowledged in time, as TCP does.",
              "普通的 UDP 不会告诉你丢了什么。可靠模式给数据报编号，没有及时确认的就重发，就像 TCP "
              "那样。");
}

static void html_boundaries(FILE *f, const struct results *r)
{
    char what[64];
    snprintf(what, sizeof what, "The seed's words in %d writes.", r->bounds.writes);
    html_section(f, "5. Message boundaries", "5. 消息边界", what,
                 "<th>protocol</th><th>reads</th>");
    fprintf(f, "<tr><td>TCP</td><td>%d</td></tr>\n<tr><td>UDP</td><td>%d</td></tr></table>\n",
            r->bounds.tcp_reads, r->bounds.udp_reads);
    const struct chart_bar bars[] = {{"TCP", r->bounds.tcp_reads}, {"UDP", r->bounds.udp_reads}};
    chart_svg(f, "reads for the same writes", "%.0f reads", bars, 2);
    html_note(f, "TCP is a byte stream: the writes run together. Each UDP datagram arrives alone.",
              "TCP 是字节流：几次写入连在一起。UDP 的每个数据报单独到达。");
}

static void print_html(FILE *f, const struct compare_options *o, const struct results *r,
                       const struct machine *m)
{
    fprintf(f,
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            "<title>netdemo compare</title><style>%s</style></head><body>\n"
            "<h1>netdemo compare <span class=\"zh\">协议比较</span></h1>\n<p>",
            report_css);
    chart_escape(f, m->date);
    fputs(", Linux ", f);
    chart_escape(f, m->kernel);
    fprintf(f, ", %ld cores, ", m->cores);
    chart_escape(f, m->cpu);
    fprintf(f,
            ". Each figure is the median of %ld run%s (lowest&ndash;highest), on 127.0.0.1.</p>\n",
            o->repeat, o->repeat == 1 ? "" : "s");
    if (memchr(r->first_ran, true, FIRST_BYTES) != NULL)
        html_first_byte(f, r);
    if (memchr(r->rt_ran, true, ROUND_TRIPS) != NULL)
        html_round_trips(f, o, r);
    if (memchr(r->bulk_ran, true, BULKS) != NULL)
        html_bulk(f, o, r);
    if (netem_asked(o))
        html_netem(f, r);
    if (r->loss_ran)
        html_loss(f, o, r);
    if (r->bounds_ran)
        html_boundaries(f, r);
    fputs("</body></html>\n", f);
}

/* mkdir -p dir (a path of at most PATH_MAX). Returns 0 or -1 (errno). */
int compare_make_dirs(const char *dir)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s", dir);
    for (char *slash = strchr(path + 1, '/'); slash != NULL; slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        if (mkdir(path, 0755) == -1 && errno != EEXIST)
            return -1;
        *slash = '/';
    }
    return mkdir(path, 0755) == -1 && errno != EEXIST ? -1 : 0;
}

/* --out DIR exists (made if need be) and can be written, before a run
 * that takes a while. Returns 0, or -1 with err. */
int compare_out_ready(const char *dir, char *err)
{
    if (compare_make_dirs(dir) == -1)
        return cli_reason(err, "%s: %s", dir, strerror(errno));
    if (access(dir, W_OK) == -1)
        return cli_reason(err, "%s: %s", dir, strerror(errno));
    return 0;
}

/* --out DIR: report.json and report.html. Returns 0, or -1 with err. */
int compare_write_reports(const char *dir, const struct compare_options *o, const struct results *r,
                          const struct machine *m, char *err)
{
    char path[PATH_MAX], aside[PATH_MAX + 8];
    for (int html = 0; html < 2; html++) {
        snprintf(path, sizeof path, "%s/report.%s", dir, html ? "html" : "json");
        snprintf(aside, sizeof aside, "%s.new", path);
        FILE *f = fopen(aside, "w");
        if (f == NULL)
            return cli_reason(err, "%s: %s", aside, strerror(errno));
        if (html)
            print_html(f, o, r, m);
        else
            compare_print_json(f, o, r, m);
        if (fclose(f) == EOF || rename(aside, path) == -1) {
            cli_reason(err, "%s: %s", path, strerror(errno));
            unlink(aside);
            return -1;
        }
    }
    return 0;
}
