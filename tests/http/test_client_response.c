/*
 * test_client_response.c - how `http-demo get` reads a response, from
 * bytes in tables: no server, no socket.
 */
#include "http_client.h"

#include <criterion/criterion.h>
#include <string.h>

struct read_result {
    int rc;
    int status;
    char body[64];
    char err[NET_ERR_LEN];
};

/* Feed text, then the server's close, as http-demo get would. */
static struct read_result read_response(const char *text)
{
    static struct http_client_response r;
    struct http_get_options opts = {.url = "http://test/"};
    struct read_result out = {0};
    char *body = NULL;
    size_t body_len = 0;
    FILE *f = open_memstream(&body, &body_len);
    cr_assert_not_null(f);
    http_client_response_init(&r, &opts, f);
    out.rc = http_client_response_feed(&r, text, strlen(text), out.err);
    if (out.rc == 0)
        out.rc = http_client_response_feed(&r, NULL, 0, out.err);
    fclose(f);
    out.status = r.status;
    snprintf(out.body, sizeof out.body, "%.*s", (int)body_len, body);
    free(body);
    return out;
}

Test(http_client, reads_a_response_with_content_length)
{
    struct read_result r = read_response("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
    cr_expect_eq(r.rc, 1);
    cr_expect_eq(r.status, 200);
    cr_expect_str_eq(r.body, "hello");
}

Test(http_client, rejects_a_status_code_of_fewer_than_three_digits)
{
    struct read_result r = read_response("HTTP/1.1 1 OK\r\nContent-Length: 0\r\n\r\n");
    cr_expect_eq(r.rc, -1);
    cr_expect_str_eq(r.err, "Invalid status code");
    r = read_response("HTTP/1.1 99 OK\r\nContent-Length: 0\r\n\r\n");
    cr_expect_eq(r.rc, -1);
}

Test(http_client, reads_past_interim_responses_to_the_final_one)
{
    struct read_result r = read_response("HTTP/1.1 100 Continue\r\n\r\n"
                                         "HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n"
                                         "HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\nno");
    cr_expect_eq(r.rc, 1);
    cr_expect_eq(r.status, 404);
    cr_expect_str_eq(r.body, "no");
}

Test(http_client, an_interim_response_has_no_body)
{
    struct read_result r = read_response("HTTP/1.1 100 Continue\r\nContent-Length: 2\r\n\r\n"
                                         "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    cr_expect_eq(r.rc, 1);
    cr_expect_eq(r.status, 200);
    cr_expect_str_eq(r.body, "ok");
}

Test(http_client, fails_when_the_server_closes_early)
{
    struct read_result r = read_response("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
    cr_expect_eq(r.rc, -1);
    cr_expect_neq(r.err[0], '\0', "a reason is given");
}
