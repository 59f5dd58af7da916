/*
 * test_client_url.c - `http-demo get`'s URL parser.
 */
#include "http_client.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <string.h>

/* Arrays, not pointers: Criterion reruns each case in a fresh process. */
struct url_case {
    char url[64];
    int rc;
    char host[32];
    uint16_t port;
    char host_header[40];
    char path[32];
};

static const struct url_case url_cases[] = {
    {"http://127.0.0.1:8080/", 0, "127.0.0.1", 8080, "127.0.0.1:8080", "/"},
    {"http://localhost", 0, "localhost", 80, "localhost", "/"},
    {"HTTP://example.org/a/b?c=d#frag", 0, "example.org", 80, "example.org", "/a/b?c=d"},
    {"http://[::1]:9000/x", 0, "::1", 9000, "[::1]:9000", "/x"},
    {"http://h?q", 0, "h", 80, "h", "/?q"},
    {"https://example.org/", -1, "", 0, "", ""},
    {"ftp://example.org/", -1, "", 0, "", ""},
    {"http://", -1, "", 0, "", ""},
    {"http:///path", -1, "", 0, "", ""},
    {"http://user@host/", -1, "", 0, "", ""},
    {"http://host:99999/", -1, "", 0, "", ""},
    {"http://host:0/", -1, "", 0, "", ""},
    {"http://unix:x", -1, "", 0, "", ""},
    {"http://h/a b", -1, "", 0, "", ""},
    {"http://h/a\r\nX: y", -1, "", 0, "", ""},
    {"http://h\t/", -1, "", 0, "", ""},
    {"http://h/\x7f", -1, "", 0, "", ""},
    {"example.org", -1, "", 0, "", ""},
};

ParameterizedTestParameters(http_client, parse_url)
{
    return cr_make_param_array(struct url_case, url_cases, sizeof url_cases / sizeof url_cases[0]);
}

ParameterizedTest(const struct url_case *c, http_client, parse_url)
{
    struct http_url u;
    char err[NET_ERR_LEN] = "";
    int rc = http_url_parse(c->url, &u, err);
    cr_assert_eq(rc, c->rc, "%s: %d (%s)", c->url, rc, err);
    if (rc != 0) {
        cr_expect_neq(err[0], '\0', "%s: no reason given", c->url);
        return;
    }
    cr_expect_str_eq(u.endpoint.host, c->host);
    cr_expect_eq(u.endpoint.port, c->port);
    cr_expect_str_eq(u.host_header, c->host_header);
    cr_expect_str_eq(u.path, c->path);
}
