/*
 * test_trace_json.c - an event as the hub receives it: one line of JSON
 * that any bytes a peer sent cannot break.
 */
#include "trace.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

static struct trace_event event_with_preview(const char *bytes, size_t len)
{
    struct trace_event ev = {.time_us = 1, .conn = 7, .result = (int64_t)len, .bytes = len};
    snprintf(ev.server, sizeof ev.server, "%s", "tcp");
    snprintf(ev.role, sizeof ev.role, "%s", "tcp server");
    snprintf(ev.call, sizeof ev.call, "%s", "recv");
    snprintf(ev.peer, sizeof ev.peer, "%s", "127.0.0.1:53122");
    memcpy(ev.preview, bytes, len);
    ev.preview_len = (uint32_t)len;
    snprintf(ev.text, sizeof ev.text, "%s", "recv(fd 5) -> 17 bytes");
    return ev;
}

/* Does the JSON at p start with want? */
static bool starts(const char *p, const char *want)
{
    return strncmp(p, want, strlen(want)) == 0;
}

static const char *preview_json(const char *bytes, size_t len, char *out, size_t outlen)
{
    struct trace_event ev = event_with_preview(bytes, len);
    cr_assert_gt(trace_event_json(&ev, 42, out, outlen), 0);
    const char *p = strstr(out, "\"preview\":");
    cr_assert_not_null(p, "%s", out);
    return p + strlen("\"preview\":");
}

Test(trace_json, names_every_field)
{
    char out[TRACE_EVENT_JSON_MAX];
    struct trace_event ev = event_with_preview("dream is handsome", 17);
    int n = trace_event_json(&ev, 42, out, sizeof out);
    cr_assert_eq((size_t)n, strlen(out));
    cr_expect_str_eq(out, "{\"id\":42,\"t\":1,\"conn\":7,\"parent\":0,\"result\":17,\"bytes\":17,"
                          "\"server\":\"tcp\",\"role\":\"tcp server\",\"call\":\"recv\","
                          "\"local\":\"\",\"peer\":\"127.0.0.1:53122\","
                          "\"preview\":\"dream is handsome\","
                          "\"text\":\"recv(fd 5) -> 17 bytes\"}");
}

Test(trace_json, escapes_quotes_backslashes_and_control_bytes)
{
    char out[TRACE_EVENT_JSON_MAX];
    const char *p = preview_json("a\"b\\c\n\x01\x7f", 8, out, sizeof out);
    cr_expect(starts(p, "\"a\\\"b\\\\c\\u000a\\u0001\\u007f\","), "%s", p);
}

Test(trace_json, keeps_utf8_and_replaces_what_is_not)
{
    char out[TRACE_EVENT_JSON_MAX];
    /* 收 is e6 94 b6; then a lone continuation byte, an overlong '/', and
     * a sequence cut short at the end of the preview */
    const char *p = preview_json("\xe6\x94\xb6\x80\xc0\xaf\xe6\x94", 8, out, sizeof out);
    cr_expect(starts(p, "\"\xe6\x94\xb6\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\","), "%s", p);
}

Test(trace_json, markup_stays_text_in_a_string)
{
    char out[TRACE_EVENT_JSON_MAX];
    const char *p = preview_json("</script><img src=x>", 20, out, sizeof out);
    /* JSON needs no escaping here: the page inserts it as text, never HTML */
    cr_expect(starts(p, "\"</script><img src=x>\","), "%s", p);
}

Test(trace_json, refuses_a_buffer_too_small)
{
    char out[64];
    struct trace_event ev = event_with_preview("dream is handsome", 17);
    cr_expect_eq(trace_event_json(&ev, 42, out, sizeof out), -1);
}

Test(trace_json, replaces_bytes_that_lead_no_utf8_character)
{
    char out[TRACE_EVENT_JSON_MAX];
    /* f5 to ff begin no character: not even a three-byte one */
    const char *p = preview_json("\xf5\x80\x80", 3, out, sizeof out);
    cr_expect(starts(p, "\"\\ufffd\\ufffd\\ufffd\","), "%s", p);
}
