/*
 * test_response.c - response heads: the lines every response has, the
 * Connection decision, Content-Length, and a line that does not fit.
 */
#include "http_request.h"
#include "http_response.h"

#include <criterion/criterion.h>
#include <regex.h>
#include <string.h>

static struct http_response resp;

static const char *head(void)
{
    resp.head[resp.head_len] = '\0';
    return resp.head;
}

static void expect_head_matches(const char *pattern)
{
    regex_t re;
    cr_assert_eq(regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB), 0);
    cr_expect_eq(regexec(&re, head(), 0, NULL, 0), 0, "head %s\ndoes not match %s", head(),
                 pattern);
    regfree(&re);
}

/* A whole head: the status line and fixed lines, then Content-Length. */
static void make_head(enum http_version version, bool http10, int status, uint64_t length)
{
    struct http_request req = {.version = version, .keep_alive = true};
    http_response_init(&resp);
    resp.http10 = http10;
    http_response_begin(&resp, &req, status);
    http_response_end(&resp, &req, length);
}

#define DATE "[A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT"

Test(response_head, a_line_joins_its_parts_and_ends_in_crlf)
{
    http_response_init(&resp);
    http_response_line(&resp, "Content-Type: ", "text/plain", "; charset=utf-8", NULL);
    http_response_line(&resp, NULL);
    cr_expect_str_eq(head(), "Content-Type: text/plain; charset=utf-8\r\n\r\n");
}

Test(response_head, a_line_that_does_not_fit_is_dropped_whole)
{
    static char big[HTTP_RESP_HEAD_MAX];
    memset(big, 'x', sizeof big - 1);
    http_response_init(&resp);
    http_response_line(&resp, "A: 1", NULL);
    http_response_line(&resp, "Big: ", big, NULL);
    http_response_line(&resp, "B: 2", NULL);
    cr_expect_str_eq(head(), "A: 1\r\nB: 2\r\n");
}

Test(response_head, keep_alive_11_says_no_connection_and_counts_the_body)
{
    make_head(HTTP_V11, false, 200, UINT64_C(18446744073709551615));
    cr_expect_not(resp.close);
    expect_head_matches("^HTTP/1\\.1 200 OK\r\nDate: " DATE "\r\nServer: [^\r]+\r\n"
                        "Content-Length: 18446744073709551615\r\n\r\n$");
}

Test(response_head, a_10_client_asking_keep_alive_is_told_so)
{
    make_head(HTTP_V10, false, 404, 0);
    expect_head_matches("^HTTP/1\\.1 404 Not Found\r\n.*\r\nConnection: keep-alive\r\n"
                        "Content-Length: 0\r\n\r\n$");
}

Test(response_head, an_error_that_leaves_the_stream_in_doubt_closes)
{
    make_head(HTTP_V11, false, 400, 5);
    cr_expect(resp.close);
    expect_head_matches("^HTTP/1\\.1 400 Bad Request\r\n.*\r\nConnection: close\r\n"
                        "Content-Length: 5\r\n\r\n$");
}

Test(response_head, http10_mode_says_10_and_leaves_close_implied)
{
    make_head(HTTP_V11, true, 200, 1);
    cr_expect(resp.close);
    expect_head_matches("^HTTP/1\\.0 200 OK\r\nDate: " DATE "\r\nServer: [^\r]+\r\n"
                        "Content-Length: 1\r\n\r\n$");
}

Test(response_head, http09_has_no_head)
{
    make_head(HTTP_V09, false, 200, 10);
    cr_expect_eq(resp.head_len, 0);
}
