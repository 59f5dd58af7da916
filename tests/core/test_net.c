/*
 * test_net.c - address parsing, from a table of good and bad inputs.
 */
#include "net.h"

#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct endpoint_case {
    const char *text;
    uint16_t default_port;
    int rc;
    bool is_unix;
    const char *host;
    uint16_t port;
};

static const struct endpoint_case endpoint_cases[] = {
    {"127.0.0.1:9000", 0, 0, false, "127.0.0.1", 9000},
    {"localhost:80", 0, 0, false, "localhost", 80},
    {"[::1]:8080", 0, 0, false, "::1", 8080},
    {"[::]:0", 0, 0, false, "::", 0},
    {"[fe80::1%lo]:21", 0, 0, false, "fe80::1%lo", 21},
    {"example.org", 443, 0, false, "example.org", 443},
    {"::1", 9000, 0, false, "::1", 9000}, /* a bare IPv6 literal takes the default port */
    {"[::1]", 7, 0, false, "::1", 7},
    {"unix:/tmp/netdemo.sock", 0, 0, true, "/tmp/netdemo.sock", 0},
    {"127.0.0.1:65535", 0, 0, false, "127.0.0.1", 65535},
    /* bad */
    {"127.0.0.1:65536", 0, -1, false, NULL, 0},
    {"127.0.0.1:-1", 0, -1, false, NULL, 0},
    {"127.0.0.1:80x", 0, -1, false, NULL, 0},
    {"127.0.0.1:", 0, -1, false, NULL, 0},
    {"127.0.0.1:99999999999999999999", 0, -1, false, NULL, 0},
    {"localhost", 0, -1, false, NULL, 0}, /* port required */
    {":80", 0, -1, false, NULL, 0},
    {"[::1", 0, -1, false, NULL, 0},
    {"[::1]80", 0, -1, false, NULL, 0},
    {"[]:80", 0, -1, false, NULL, 0},
    {"unix:", 0, -1, false, NULL, 0},
    {"", 0, -1, false, NULL, 0},
};

Test(net_parse_endpoint, accepts_good_and_rejects_bad_addresses)
{
    for (size_t i = 0; i < sizeof endpoint_cases / sizeof endpoint_cases[0]; i++) {
        const struct endpoint_case *c = &endpoint_cases[i];
        struct net_endpoint ep;
        char err[NET_ERR_LEN] = "";
        int rc = net_parse_endpoint(c->text, c->default_port, &ep, err);
        cr_expect_eq(rc, c->rc, "'%s': rc %d, expected %d (%s)", c->text, rc, c->rc, err);
        if (rc == 0 && c->rc == 0) {
            cr_expect_eq(ep.is_unix, c->is_unix, "'%s': is_unix", c->text);
            cr_expect_str_eq(ep.host, c->host, "'%s': host", c->text);
            cr_expect_eq(ep.port, c->port, "'%s': port %u", c->text, ep.port);
        }
        if (rc == -1)
            cr_expect(strlen(err) > 0, "'%s': an error message is given", c->text);
    }
}

Test(net_parse_endpoint, rejects_unix_path_longer_than_sun_path)
{
    char text[200] = "unix:/";
    memset(text + 6, 'a', sizeof text - 7);
    text[sizeof text - 1] = '\0';
    struct net_endpoint ep;
    char err[NET_ERR_LEN];
    cr_assert_eq(net_parse_endpoint(text, 0, &ep, err), -1);
}

Test(net_parse_port, accepts_only_1_to_65535)
{
    uint16_t port = 0;
    char err[NET_ERR_LEN];
    cr_expect_eq(net_parse_port("1", false, &port, err), 0);
    cr_expect_eq(port, 1);
    cr_expect_eq(net_parse_port("65535", false, &port, err), 0);
    cr_expect_eq(port, 65535);
    cr_expect_eq(net_parse_port("0", false, &port, err), -1);
    cr_expect_eq(net_parse_port("0", true, &port, err), 0);
    cr_expect_eq(net_parse_port("65536", false, &port, err), -1);
    cr_expect_eq(net_parse_port("+80", false, &port, err), -1);
    cr_expect_eq(net_parse_port(" 80", false, &port, err), -1);
    cr_expect_eq(net_parse_port("", false, &port, err), -1);
    cr_expect_str_eq(err, "invalid port '': expected a number from 1 to 65535");
}

Test(net_endpoint_from_host_port, strips_brackets_and_keeps_unix_paths)
{
    struct net_endpoint ep;
    char err[NET_ERR_LEN];
    cr_assert_eq(net_endpoint_from_host_port("[::1]", 9000, &ep, err), 0);
    cr_expect_str_eq(ep.host, "::1");
    cr_expect_eq(ep.port, 9000);
    cr_assert_eq(net_endpoint_from_host_port("unix:/tmp/x", 9000, &ep, err), 0);
    cr_expect(ep.is_unix);
    cr_expect_str_eq(ep.host, "/tmp/x");
    cr_expect_eq(net_endpoint_from_host_port("", 9000, &ep, err), -1);
}

Test(net_format_addr, formats_v4_v6_and_unix)
{
    struct sockaddr_in in = {.sin_family = AF_INET, .sin_port = htons(53122)};
    struct sockaddr_in6 in6 = {.sin6_family = AF_INET6, .sin6_port = htons(8080)};
    char out[NET_ADDRSTR_LEN];
    inet_pton(AF_INET, "127.0.0.1", &in.sin_addr);
    inet_pton(AF_INET6, "::1", &in6.sin6_addr);
    cr_expect_str_eq(net_format_addr((struct sockaddr *)&in, sizeof in, out, sizeof out),
                     "127.0.0.1:53122");
    cr_expect_str_eq(net_format_addr((struct sockaddr *)&in6, sizeof in6, out, sizeof out),
                     "[::1]:8080");
}

Test(net_listen, reports_address_in_use)
{
    struct net_endpoint ep;
    char err[NET_ERR_LEN] = "";
    uint16_t port;
    cr_assert_eq(net_parse_endpoint("127.0.0.1:0", 0, &ep, err), 0);
    int fd = net_listen(&ep, 16, false, err);
    cr_assert_neq(fd, -1, "%s", err);
    cr_assert_eq(net_local_port(fd, &port, err), 0);
    ep.port = port;
    int second = net_listen(&ep, 16, false, err);
    cr_expect_eq(second, -1);
    cr_expect(strstr(err, "Address already in use") != NULL, "err: %s", err);
    close(fd);
}

Test(net_format_listening, shows_the_port_the_kernel_chose)
{
    struct net_endpoint ep;
    char err[NET_ERR_LEN] = "", where[NET_WHERE_LEN], want[NET_WHERE_LEN];
    uint16_t port;
    cr_assert_eq(net_parse_endpoint("127.0.0.1:0", 0, &ep, err), 0);
    int fd = net_listen(&ep, 16, false, err);
    cr_assert_neq(fd, -1, "%s", err);
    cr_assert_eq(net_local_port(fd, &port, err), 0);
    snprintf(want, sizeof want, "127.0.0.1:%u", port);
    cr_expect_str_eq(net_format_listening(fd, &ep, where, sizeof where), want);
    close(fd);

    cr_assert_eq(net_parse_endpoint("[::1]:8080", 0, &ep, err), 0);
    cr_expect_str_eq(net_format_listening(-1, &ep, where, sizeof where), "[::1]:8080");
    cr_assert_eq(net_parse_endpoint("unix:/tmp/x.sock", 0, &ep, err), 0);
    cr_expect_str_eq(net_format_listening(-1, &ep, where, sizeof where), "unix:/tmp/x.sock");
}

/* The limit set on a listening socket is what every accepted socket
 * starts with: http-demo sets it once, on the listener. */
Test(net_limit_unsent, accepted_sockets_inherit_it_from_the_listener)
{
    struct net_endpoint ep;
    char err[NET_ERR_LEN];
    uint16_t port;
    cr_assert_eq(net_parse_endpoint("127.0.0.1:0", 0, &ep, err), 0);
    int l = net_listen(&ep, 4, true, err);
    cr_assert_neq(l, -1, "%s", err);
    cr_assert_eq(net_limit_unsent(l, NET_UNSENT_LIMIT, err), 0, "%s", err);
    cr_assert_eq(net_local_port(l, &port, err), 0);
    ep.port = port;
    int c = net_connect(&ep, 1000, err);
    cr_assert_neq(c, -1, "%s", err);
    int a = accept(l, NULL, NULL);
    cr_assert_neq(a, -1);
    int got = 0;
    socklen_t len = sizeof got;
    cr_assert_eq(getsockopt(a, IPPROTO_TCP, TCP_NOTSENT_LOWAT, &got, &len), 0);
    cr_expect_eq(got, NET_UNSENT_LIMIT);
    close(a);
    close(c);
    close(l);
}
