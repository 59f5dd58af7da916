/*
 * date.c - HTTP dates. Servers send one form (IMF-fixdate) but must read
 * all three that RFC 1945 §3.3 lists:
 *
 *     Sun, 06 Nov 1994 08:49:37 GMT    RFC 822/1123
 *     Sunday, 06-Nov-94 08:49:37 GMT   RFC 850
 *     Sun Nov  6 08:49:37 1994         ANSI C asctime()
 */
#include "http_fields.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static const char *const date_months[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
static const char *const date_days[7] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

char *http_date_format(time_t t, char *out, size_t outlen)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    snprintf(out, outlen, "%s, %02d %s %04d %02d:%02d:%02d GMT", date_days[tm.tm_wday], tm.tm_mday,
             date_months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return out;
}

/* A cursor over the text: each reader advances it or fails. */
struct date_cursor {
    const char *s;
    bool ok;
};

static int read_number(struct date_cursor *c, int min_digits, int max_digits)
{
    int v = 0, n = 0;
    while (n < max_digits && c->s[n] >= '0' && c->s[n] <= '9') {
        v = v * 10 + (c->s[n] - '0');
        n++;
    }
    if (n < min_digits)
        c->ok = false;
    c->s += n;
    return v;
}

static void expect_text(struct date_cursor *c, const char *text)
{
    size_t n = strlen(text);
    if (strncmp(c->s, text, n) != 0)
        c->ok = false;
    else
        c->s += n;
}

static int read_month(struct date_cursor *c)
{
    for (int m = 0; m < 12; m++) {
        if (strncmp(c->s, date_months[m], 3) == 0) {
            c->s += 3;
            return m;
        }
    }
    c->ok = false;
    return 0;
}

static void read_time(struct date_cursor *c, struct tm *tm)
{
    tm->tm_hour = read_number(c, 2, 2);
    expect_text(c, ":");
    tm->tm_min = read_number(c, 2, 2);
    expect_text(c, ":");
    tm->tm_sec = read_number(c, 2, 2);
}

/* Skip the weekday name: "Sun", "Sunday"; the caller checks what follows. */
static void skip_weekday(struct date_cursor *c)
{
    int n = 0;
    while ((c->s[n] >= 'a' && c->s[n] <= 'z') || (c->s[n] >= 'A' && c->s[n] <= 'Z'))
        n++;
    if (n < 3)
        c->ok = false;
    c->s += n;
}

static void parse_rfc1123(struct date_cursor *c, struct tm *tm)
{
    tm->tm_mday = read_number(c, 2, 2);
    expect_text(c, " ");
    tm->tm_mon = read_month(c);
    expect_text(c, " ");
    tm->tm_year = read_number(c, 4, 4) - 1900;
    expect_text(c, " ");
    read_time(c, tm);
    expect_text(c, " GMT");
}

static void parse_rfc850(struct date_cursor *c, struct tm *tm)
{
    tm->tm_mday = read_number(c, 2, 2);
    expect_text(c, "-");
    tm->tm_mon = read_month(c);
    expect_text(c, "-");
    int yy = read_number(c, 2, 2);
    /* Two-digit years: RFC 9110 §5.6.7 says read them as within 50 years
     * of now; 70..99 as 19xx and 00..69 as 20xx is the usual reading. */
    tm->tm_year = yy < 70 ? yy + 100 : yy;
    expect_text(c, " ");
    read_time(c, tm);
    expect_text(c, " GMT");
}

static void parse_asctime(struct date_cursor *c, struct tm *tm)
{
    tm->tm_mon = read_month(c);
    expect_text(c, " ");
    if (c->s[0] == ' ')
        c->s++;
    tm->tm_mday = read_number(c, 1, 2);
    expect_text(c, " ");
    read_time(c, tm);
    expect_text(c, " ");
    tm->tm_year = read_number(c, 4, 4) - 1900;
}

int http_date_parse(const char *text, time_t *t)
{
    struct date_cursor c = {.s = text, .ok = true};
    struct tm tm = {0};

    skip_weekday(&c);
    if (strnlen(c.s, 5) < 5)
        return -1;
    if (c.ok && c.s[0] == ',' && c.s[1] == ' ' && c.s[4] == '-') {
        c.s += 2;
        parse_rfc850(&c, &tm);
    } else if (c.ok && c.s[0] == ',' && c.s[1] == ' ') {
        c.s += 2;
        parse_rfc1123(&c, &tm);
    } else if (c.ok && c.s[0] == ' ') {
        c.s += 1;
        parse_asctime(&c, &tm);
    } else {
        return -1;
    }
    if (!c.ok || c.s[0] != '\0' || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
        tm.tm_min > 59 || tm.tm_sec > 60)
        return -1;
    *t = timegm(&tm);
    return 0;
}
