/*
 * test_trace_preview.c - how a trace line shows a message: text as text
 * on a UTF-8 terminal, and nothing that could take the terminal over.
 */
#include "ring.h"
#include "trace.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The preview of the len bytes at bytes, with UTF-8 shown as text or not. */
static const char *preview(const char *bytes, size_t len, bool utf8)
{
    static char out[TRACE_PREVIEW_TEXT_LEN];
    trace_show_utf8(utf8);
    return trace_preview(bytes, len, out, sizeof out);
}

#define PREVIEW_OF(literal, utf8) preview(literal, sizeof literal - 1, utf8)

static void reset(void)
{
    trace_show_utf8(false);
}

TestSuite(trace_preview, .fini = reset);

Test(trace_preview, quotes_plain_text)
{
    cr_expect_str_eq(PREVIEW_OF("dream is handsome", true), "\"dream is handsome\"");
    cr_expect_str_eq(PREVIEW_OF("dream is handsome", false), "\"dream is handsome\"");
}

Test(trace_preview, escapes_newlines_tabs_quotes_and_backslashes_as_c_does)
{
    cr_expect_str_eq(PREVIEW_OF("a\r\n\t\"\\", true), "\"a\\r\\n\\t\\\"\\\\\"");
}

Test(trace_preview, shows_chinese_as_text_on_a_utf8_terminal)
{
    cr_expect_str_eq(PREVIEW_OF("你好, 世界", true), "\"你好, 世界\"");
}

Test(trace_preview, escapes_utf8_on_a_terminal_of_another_charset)
{
    cr_expect_str_eq(PREVIEW_OF("你", false), "\"\\xe4\\xbd\\xa0\"");
}

Test(trace_preview, escapes_binary_bytes)
{
    cr_expect_str_eq(PREVIEW_OF("\x00\x01\xff", true), "\"\\x00\\x01\\xff\"");
}

Test(trace_preview, escapes_terminal_controls)
{
    /* ESC [ 2 J clears the screen; U+009B is a one-character ESC [ */
    cr_expect_str_eq(PREVIEW_OF("\x1b[2J\x7f", true), "\"\\x1b[2J\\x7f\"");
    cr_expect_str_eq(PREVIEW_OF("\xc2\x9b"
                                "2J",
                                true),
                     "\"\\u009b2J\"");
    cr_expect_str_eq(PREVIEW_OF("\xc2\x85", true), "\"\\u0085\"");
}

Test(trace_preview, escapes_bidirectional_overrides)
{
    /* U+202E RIGHT-TO-LEFT OVERRIDE would show "abc" as "cba" */
    cr_expect_str_eq(PREVIEW_OF("\xe2\x80\xae"
                                "abc",
                                true),
                     "\"\\u202eabc\"");
    cr_expect_str_eq(PREVIEW_OF("\xe2\x81\xa6\xe2\x81\xa9", true), "\"\\u2066\\u2069\"");
    cr_expect_str_eq(PREVIEW_OF("\xe2\x80\xa8", true), "\"\\u2028\"");
}

Test(trace_preview, escapes_what_is_not_utf8)
{
    static const struct {
        const char *bytes, *want;
    } cases[] = {
        {"\x80", "\"\\x80\""},                            /* a continuation byte alone */
        {"\xc0\xaf", "\"\\xc0\\xaf\""},                   /* an overlong '/' */
        {"\xe0\x80\xaf", "\"\\xe0\\x80\\xaf\""},          /* the same in three bytes */
        {"\xed\xa0\x80", "\"\\xed\\xa0\\x80\""},          /* a UTF-16 surrogate */
        {"\xf4\x90\x80\x80", "\"\\xf4\\x90\\x80\\x80\""}, /* past U+10FFFF */
        {"\xf5\x80\x80\x80", "\"\\xf5\\x80\\x80\\x80\""}, /* no such lead byte */
        {"\xe4\xbd", "\"\\xe4\\xbd\""},                   /* cut short by the message's end */
        {"\xe4"
         "a",
         "\"\\xe4a\""}, /* a lead byte, then ASCII */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        cr_expect_str_eq(preview(cases[i].bytes, strlen(cases[i].bytes), true), cases[i].want,
                         "case %zu", i);
}

Test(trace_preview, shows_a_four_byte_character)
{
    cr_expect_str_eq(PREVIEW_OF("\xf0\x9f\x98\x80", true), "\"\xf0\x9f\x98\x80\"");
}

Test(trace_preview, counts_what_is_beyond_the_preview)
{
    char text[TRACE_PREVIEW_LEN + 10];
    memset(text, 'a', sizeof text);
    const char *p = preview(text, sizeof text, true);
    cr_expect_eq(strlen(p), 1 + TRACE_PREVIEW_LEN + 1 + strlen(" (+10 more)"), "%s", p);
    cr_expect(strstr(p, "\" (+10 more)") != NULL, "%s", p);
}

Test(trace_preview, leaves_out_a_character_the_preview_would_cut)
{
    char text[TRACE_PREVIEW_LEN + 2];
    memset(text, 'a', TRACE_PREVIEW_LEN - 1);
    memcpy(text + TRACE_PREVIEW_LEN - 1, "你", 3); /* its last two bytes are past the end */
    const char *p = preview(text, sizeof text, true);
    cr_expect(strstr(p, "a\" (+3 more)") != NULL, "the character is left out whole: %s", p);
    cr_expect(strstr(p, "\\x") == NULL, "%s", p);
}

Test(trace_preview, never_writes_past_a_small_buffer)
{
    char out[8];
    memset(out, '#', sizeof out);
    trace_show_utf8(true);
    trace_preview("\x01\x02\x03 abc", 7, out, 6);
    cr_expect_eq(out[7], '#');
    cr_expect_eq(out[6], '#');
    cr_expect_lt(strlen(out), 6u);
    cr_expect_eq(out[0], '"');
}

/* Whatever the bytes, the preview holds no control byte and no character
 * that steers a terminal, and fits the buffer the header promises. */
Test(trace_preview, no_bytes_can_reach_the_terminal_raw)
{
    unsigned seed = 12345;
    char bytes[TRACE_PREVIEW_LEN * 2];
    for (int round = 0; round < 20000; round++) {
        size_t len = (size_t)rand_r(&seed) % sizeof bytes;
        for (size_t i = 0; i < len; i++) {
            /* mostly UTF-8 lead and continuation bytes, where the traps are */
            int r = rand_r(&seed);
            bytes[i] = (char)(r % 3 == 0 ? 0x80 + r % 0x40 : r % 3 == 1 ? 0xc2 + r % 0x33 : r);
        }
        const char *p = preview(bytes, len, true);
        cr_assert_lt(strlen(p), (size_t)TRACE_PREVIEW_TEXT_LEN);
        for (const unsigned char *c = (const unsigned char *)p; *c != '\0'; c++) {
            cr_assert(*c >= 0x20 && *c != 0x7f, "control byte %#x in %s", *c, p);
            /* C1 controls and bidi controls start with these lead bytes */
            if (c[0] == 0xc2)
                cr_assert(c[1] >= 0xa0, "a C1 control in %s", p);
            if (c[0] == 0xe2 && c[1] == 0x80)
                cr_assert(!(c[2] >= 0xa8 && c[2] <= 0xae) && c[2] != 0x8e && c[2] != 0x8f,
                          "a bidi control in %s", p);
            if (c[0] == 0xe2 && c[1] == 0x81)
                cr_assert(!(c[2] >= 0xa6 && c[2] <= 0xa9), "an isolate in %s", p);
        }
    }
}

/* Follow a ring of this thread's events, made by tracer as role. */
static struct ring *follow(struct tracer *tracer, const char *role, struct ring_reader *reader)
{
    struct ring *r = ring_create(8, TRACE_RING_RECORD_SIZE, NULL);
    cr_assert_not_null(r);
    trace_show_utf8(true);
    tracer_init(tracer, "tcp", TRACE_OFF, 0);
    trace_attach_ring(r);
    trace_ring_follow(true);
    trace_bind(tracer, role);
    ring_reader_init(reader, r, 0);
    return r;
}

static void unfollow(struct ring *r)
{
    trace_bind(NULL, NULL);
    trace_ring_follow(false);
    trace_attach_ring(NULL);
    ring_destroy(r);
}

/* The event a live page gets holds whole characters too, and its line the
 * same preview as the terminal's. */
Test(trace_preview, an_event_keeps_whole_characters)
{
    struct ring_reader reader;
    struct tracer tracer;
    struct trace_event ev;
    uint64_t missed = 0;
    char text[TRACE_PREVIEW_LEN + 2], start[64];
    memset(text, 'a', TRACE_PREVIEW_LEN - 1);
    memcpy(text + TRACE_PREVIEW_LEN - 1, "你", 3);

    struct ring *r = follow(&tracer, "tcp server", &reader);
    TRACE_DATA("recv", sizeof text, text, sizeof text, "recv(fd 5) -> %zu bytes", sizeof text);
    cr_assert_eq(ring_read(&reader, &ev, &missed), 1);
    cr_expect_eq(ev.preview_len, TRACE_PREVIEW_LEN - 1, "the cut character is left out");
    cr_expect_eq(ev.bytes, sizeof text);
    snprintf(start, sizeof start, "recv(fd 5) -> %zu bytes \"aaa", sizeof text);
    cr_expect(strncmp(ev.text, start, strlen(start)) == 0, "%s", ev.text);
    cr_expect(strstr(ev.text, "a\" (+3 more)") != NULL, "%s", ev.text);
    unfollow(r);
}

/* A line's words may come from a peer (an FTP command, a path): the line
 * itself can carry no terminal control either. */
Test(trace_preview, a_line_with_a_peers_words_stays_harmless)
{
    struct ring_reader reader;
    struct tracer tracer;
    struct trace_event ev;
    uint64_t missed = 0;

    struct ring *r = follow(&tracer, "ftp session", &reader);
    TRACE_CALL("recv", 0, NULL, 0, "C> %s", "RETR \x1b]0;owned\x07\xe2\x80\xae\"你\".txt\\");
    cr_assert_eq(ring_read(&reader, &ev, &missed), 1);
    cr_expect_str_eq(ev.text, "C> RETR \\x1b]0;owned\\x07\\u202e\"你\".txt\\");
    unfollow(r);
}
