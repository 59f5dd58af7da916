/*
 * test_net_reuseport.c - net_listen_reuseport: several listening sockets
 * on one port, which plain net_listen refuses.
 */
#include "net.h"

#include <criterion/criterion.h>
#include <string.h>
#include <unistd.h>

Test(net_reuseport, two_sockets_share_one_port)
{
    struct net_endpoint ep;
    char err[NET_ERR_LEN];
    uint16_t port;
    cr_assert_eq(net_parse_endpoint("127.0.0.1:0", 0, &ep, err), 0);
    int a = net_listen_reuseport(&ep, 16, true, err);
    cr_assert_neq(a, -1, "%s", err);
    cr_assert_eq(net_local_port(a, &port, err), 0);
    ep.port = port;
    int b = net_listen_reuseport(&ep, 16, true, err);
    cr_expect_neq(b, -1, "%s", err);
    /* without SO_REUSEPORT the port is taken */
    int c = net_listen(&ep, 16, true, err);
    cr_expect_eq(c, -1);
    cr_expect(strstr(err, "Address already in use") != NULL, "%s", err);
    close(a);
    if (b != -1)
        close(b);
}

Test(net_reuseport, refuses_a_unix_endpoint)
{
    struct net_endpoint ep;
    char err[NET_ERR_LEN];
    cr_assert_eq(net_parse_endpoint("unix:/tmp/netdemo-reuseport.sock", 0, &ep, err), 0);
    cr_expect_eq(net_listen_reuseport(&ep, 16, true, err), -1);
}
