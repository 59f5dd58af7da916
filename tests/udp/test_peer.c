/*
 * test_peer.c - the loop guard from a table: which senders the server
 * answers, for servers bound to one address and to the any-address, in
 * IPv4, IPv6 and the IPv4-mapped form a dual-stack socket sees.
 */
#include "udp_peer.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <string.h>

/* "127.0.0.1", "::1" or "::ffff:127.0.0.1" and a port, as a sockaddr. */
static void addr_of(const char *ip, unsigned port, struct sockaddr_storage *out)
{
    struct sockaddr_in *v4 = (struct sockaddr_in *)out;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)out;
    memset(out, 0, sizeof *out);
    if (inet_pton(AF_INET, ip, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)port);
        return;
    }
    cr_assert_eq(inet_pton(AF_INET6, ip, &v6->sin6_addr), 1, "bad test address %s", ip);
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons((uint16_t)port);
}

Test(udp_peer, answers_and_refusals_from_a_table)
{
    static const struct {
        const char *peer;
        unsigned peer_port;
        const char *local;
        unsigned local_port;
        const char *refused; /* a word of the reason, or NULL: answered */
    } rows[] = {
        /* plain clients on ephemeral ports: answered */
        {"127.0.0.1", 51330, "127.0.0.1", 9001, NULL},
        {"127.0.0.1", 1024, "127.0.0.1", 9001, NULL},
        {"127.0.0.1", 65535, "127.0.0.1", 9001, NULL},
        {"::1", 40000, "::1", 9001, NULL},
        {"::ffff:127.0.0.1", 40000, "::", 9001, NULL},
        {"127.0.0.1", 40000, "0.0.0.0", 9001, NULL},
        /* source port 0: nobody can receive the reply */
        {"127.0.0.1", 0, "127.0.0.1", 9001, "port 0"},
        {"::1", 0, "::1", 9001, "port 0"},
        {"::ffff:127.0.0.1", 0, "::", 9001, "port 0"},
        /* well-known ports: echo, daytime, DNS, and the last one */
        {"127.0.0.1", 7, "127.0.0.1", 9001, "well-known"},
        {"127.0.0.1", 13, "127.0.0.1", 9001, "well-known"},
        {"::1", 53, "::1", 9001, "well-known"},
        {"::ffff:127.0.0.1", 19, "::", 9001, "well-known"},
        {"127.0.0.1", 1023, "0.0.0.0", 9001, "well-known"},
        /* a server on a well-known port still refuses its own port */
        {"127.0.0.1", 7, "127.0.0.1", 7, "well-known"},
        /* its own address and port: it would answer itself */
        {"127.0.0.1", 9001, "127.0.0.1", 9001, "own address"},
        {"::1", 9001, "::1", 9001, "own address"},
        /* the same address in IPv4 and IPv4-mapped form is the same address */
        {"::ffff:127.0.0.1", 9001, "127.0.0.1", 9001, "own address"},
        {"127.0.0.1", 9001, "::ffff:127.0.0.1", 9001, "own address"},
        /* bound to the any-address, the port is its own on every address */
        {"127.0.0.1", 9001, "0.0.0.0", 9001, "own address"},
        {"127.0.0.2", 9001, "0.0.0.0", 9001, "own address"},
        {"::1", 9001, "::", 9001, "own address"},
        {"::ffff:127.0.0.1", 9001, "::", 9001, "own address"},
        {"::ffff:127.0.0.1", 9001, "::ffff:0.0.0.0", 9001, "own address"},
        /* the same port on another address is another socket: answered */
        {"127.0.0.2", 9001, "127.0.0.1", 9001, NULL},
        {"::ffff:127.0.0.2", 9001, "::ffff:127.0.0.1", 9001, NULL},
        {"::2", 9001, "::1", 9001, NULL},
        /* the same address on another port is another socket: answered */
        {"127.0.0.1", 9002, "127.0.0.1", 9001, NULL},
        {"::1", 9000, "::", 9001, NULL},
    };
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        struct sockaddr_storage peer, local;
        const char *why = "unset";
        addr_of(rows[r].peer, rows[r].peer_port, &peer);
        addr_of(rows[r].local, rows[r].local_port, &local);
        bool ok = udp_peer_may_answer((struct sockaddr *)&peer, (struct sockaddr *)&local, &why);
        if (rows[r].refused == NULL) {
            cr_expect(ok, "row %zu: %s:%u to %s:%u refused: %s", r, rows[r].peer, rows[r].peer_port,
                      rows[r].local, rows[r].local_port, why);
            cr_expect_null(why, "row %zu: a reason for an answer", r);
        } else {
            cr_expect_not(ok, "row %zu: %s:%u to %s:%u answered", r, rows[r].peer,
                          rows[r].peer_port, rows[r].local, rows[r].local_port);
            cr_expect(why != NULL && strstr(why, rows[r].refused) != NULL,
                      "row %zu: reason '%s', want '%s'", r, why ? why : "(null)", rows[r].refused);
        }
    }
}

Test(udp_peer, why_may_be_null)
{
    struct sockaddr_storage peer, local;
    addr_of("127.0.0.1", 0, &peer);
    addr_of("127.0.0.1", 9001, &local);
    cr_expect_not(udp_peer_may_answer((struct sockaddr *)&peer, (struct sockaddr *)&local, NULL));
    addr_of("127.0.0.1", 40000, &peer);
    cr_expect(udp_peer_may_answer((struct sockaddr *)&peer, (struct sockaddr *)&local, NULL));
}

Test(udp_peer, refuses_what_is_not_an_ip_address)
{
    struct sockaddr_storage peer, local;
    const char *why = NULL;
    memset(&peer, 0, sizeof peer);
    peer.ss_family = AF_UNIX;
    addr_of("127.0.0.1", 9001, &local);
    cr_expect_not(udp_peer_may_answer((struct sockaddr *)&peer, (struct sockaddr *)&local, &why));
    cr_expect_str_eq(why, "not an IP address");
}

Test(udp_peer, any_address_in_every_form)
{
    static const struct {
        const char *ip;
        bool any;
    } rows[] = {
        {"0.0.0.0", true},     {"::", true},           {"::ffff:0.0.0.0", true},
        {"127.0.0.1", false},  {"::1", false},         {"::ffff:127.0.0.1", false},
        {"10.200.7.1", false}, {"fd00:200::1", false},
    };
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        struct sockaddr_storage sa;
        addr_of(rows[r].ip, 9001, &sa);
        cr_expect_eq(udp_peer_is_any((struct sockaddr *)&sa), rows[r].any, "%s", rows[r].ip);
    }
}
