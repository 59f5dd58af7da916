/*
 * multicast.c - `udp-demo multicast send|listen`: one datagram, many
 * receivers, which a TCP connection (one peer at each end) cannot do.
 *
 * Listeners join a group address (239.x.y.z is the range for local use);
 * the kernel hands a copy of every datagram sent to the group to each
 * socket that joined it. The sender needs no membership: it just sends to
 * the group address. TTL 1 keeps the datagrams on the local network.
 * IPv6 groups (ff0x::...) work too; --if then names an interface.
 */
#include "cli.h"
#include "net.h"
#include "shutdown.h"
#include "trace.h"
#include "udp_demo.h"
#include "udp_limits.h"
#include "i18n.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MCAST_PROG         "udp-demo multicast"
#define MCAST_MAX_MESSAGES 64

struct mcast_options {
    bool listen;
    struct sockaddr_storage group; /* group address and port */
    socklen_t group_len;
    const char *iface; /* --if: an IPv4 address, or an IPv6 interface name */
    long ttl;
    long count; /* listen: stop after this many datagrams; 0 = never */
    const char *messages[MCAST_MAX_MESSAGES];
    size_t message_count;
};

/* Parse the group and port into opt->group. Returns 0 or -1. */
static int mcast_parse_group(const char *text, uint16_t port, struct mcast_options *opt)
{
    struct sockaddr_in *v4 = (struct sockaddr_in *)&opt->group;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&opt->group;
    memset(&opt->group, 0, sizeof opt->group);
    if (inet_pton(AF_INET, text, &v4->sin_addr) == 1 && IN_MULTICAST(ntohl(v4->sin_addr.s_addr))) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(port);
        opt->group_len = sizeof *v4;
        return 0;
    }
    if (inet_pton(AF_INET6, text, &v6->sin6_addr) == 1 && IN6_IS_ADDR_MULTICAST(&v6->sin6_addr)) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(port);
        opt->group_len = sizeof *v6;
        return 0;
    }
    return -1;
}

/* The interface for IPv6: a name ("lo") or an index; 0 lets the kernel pick. */
static unsigned mcast_ifindex(const char *iface)
{
    long v;
    if (iface == NULL)
        return 0;
    if (cli_parse_long(iface, 1, 1 << 30, &v) == 0)
        return (unsigned)v;
    return if_nametoindex(iface);
}

static int mcast_setsockopt(int fd, int level, int name, const void *v, socklen_t len,
                            const char *what, char *err)
{
    if (setsockopt(fd, level, name, v, len) == -1) {
        snprintf(err, NET_ERR_LEN, "setsockopt(%s): %s", what, strerror(errno));
        TRACE_CALL("setsockopt", -1, NULL, 0, "setsockopt(fd %d, %s) -> -1 (%s)", fd, what,
                   strerror(errno));
        return -1;
    }
    TRACE_CALL("setsockopt", 0, NULL, 0, "setsockopt(fd %d, %s) -> 0", fd, what);
    return 0;
}

/* Where the sender's datagrams leave, and how far they may go. */
static int mcast_sender_options(int fd, const struct mcast_options *opt, char *err)
{
    if (opt->group.ss_family == AF_INET) {
        unsigned char ttl = (unsigned char)opt->ttl, loop = 1;
        struct in_addr ifaddr = {.s_addr = htonl(INADDR_ANY)};
        if (opt->iface != NULL && inet_pton(AF_INET, opt->iface, &ifaddr) != 1) {
            snprintf(err, NET_ERR_LEN, _("--if '%s': not an IPv4 address"), opt->iface);
            return -1;
        }
        if (mcast_setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, 1, "IP_MULTICAST_TTL", err) ||
            mcast_setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &loop, 1, "IP_MULTICAST_LOOP", err))
            return -1;
        if (opt->iface == NULL)
            return 0;
        return mcast_setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &ifaddr, sizeof ifaddr,
                                "IP_MULTICAST_IF", err);
    }
    int hops = (int)opt->ttl, loop = 1;
    unsigned ifindex = mcast_ifindex(opt->iface);
    if (mcast_setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof hops,
                         "IPV6_MULTICAST_HOPS", err) ||
        mcast_setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &loop, sizeof loop,
                         "IPV6_MULTICAST_LOOP", err))
        return -1;
    if (ifindex == 0)
        return 0;
    return mcast_setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex, sizeof ifindex,
                            "IPV6_MULTICAST_IF", err);
}

/* Join the group on the chosen interface (or the kernel's choice). */
static int mcast_join(int fd, const struct mcast_options *opt, char *err)
{
    if (opt->group.ss_family == AF_INET) {
        struct ip_mreq mreq = {
            .imr_multiaddr = ((const struct sockaddr_in *)&opt->group)->sin_addr,
            .imr_interface.s_addr = htonl(INADDR_ANY),
        };
        if (opt->iface != NULL && inet_pton(AF_INET, opt->iface, &mreq.imr_interface) != 1) {
            snprintf(err, NET_ERR_LEN, _("--if '%s': not an IPv4 address"), opt->iface);
            return -1;
        }
        return mcast_setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq, sizeof mreq,
                                "IP_ADD_MEMBERSHIP", err);
    }
    struct ipv6_mreq mreq6 = {
        .ipv6mr_multiaddr = ((const struct sockaddr_in6 *)&opt->group)->sin6_addr,
        .ipv6mr_interface = mcast_ifindex(opt->iface),
    };
    return mcast_setsockopt(fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mreq6, sizeof mreq6,
                            "IPV6_JOIN_GROUP", err);
}

static int mcast_socket(const struct mcast_options *opt, char *err)
{
    int fd = socket(opt->group.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd == -1) {
        snprintf(err, NET_ERR_LEN, "socket: %s", strerror(errno));
        return -1;
    }
    TRACE_CALL("socket", fd, NULL, 0, "socket(%s, SOCK_DGRAM) -> fd %d",
               opt->group.ss_family == AF_INET ? "AF_INET" : "AF_INET6", fd);
    return fd;
}

static int mcast_send_one(int fd, const struct mcast_options *opt, const char *msg, size_t len,
                          char *err)
{
    char addr[NET_ADDRSTR_LEN];
    net_format_addr((const struct sockaddr *)&opt->group, opt->group_len, addr, sizeof addr);
    if (sendto(fd, msg, len, 0, (const struct sockaddr *)&opt->group, opt->group_len) == -1) {
        snprintf(err, NET_ERR_LEN, "sendto %s: %s", addr, strerror(errno));
        return -1;
    }
    TRACE_DATA("sendto", len, msg, len, N_("sendto(fd %d, %zu bytes, %s) -> %zu"), fd, len, addr,
               len);
    printf(_("sent %zu bytes to %s\n"), len, addr);
    fflush(stdout);
    return 0;
}

/* Send each -m message, or each line of stdin, to the group. */
static int mcast_send(const struct mcast_options *opt, char *err)
{
    int fd = mcast_socket(opt, err);
    if (fd == -1)
        return -1;
    int rc = mcast_sender_options(fd, opt, err) == 0 ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < opt->message_count; i++)
        rc = mcast_send_one(fd, opt, opt->messages[i], strlen(opt->messages[i]), err);
    if (rc == 0 && opt->message_count == 0) {
        char line[UDP_MAX_PAYLOAD_V4 + 2];
        while (rc == 0 && fgets(line, sizeof line, stdin) != NULL)
            rc = mcast_send_one(fd, opt, line, strcspn(line, "\n"), err);
    }
    close(fd);
    return rc;
}

/* Bind the group's port, with SO_REUSEADDR so that several listeners on
 * one host can share it: each gets its own copy of every datagram. */
static int mcast_bind(int fd, const struct mcast_options *opt, char *err)
{
    int yes = 1;
    struct sockaddr_storage at = opt->group;
    if (mcast_setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes, "SO_REUSEADDR", err))
        return -1;
    /* IPv4 binds the group itself, so other traffic to the port stays out;
     * IPv6 binds any address, since a scoped group would need a scope id. */
    if (at.ss_family == AF_INET6)
        ((struct sockaddr_in6 *)&at)->sin6_addr = in6addr_any;
    if (bind(fd, (struct sockaddr *)&at, opt->group_len) == -1) {
        snprintf(err, NET_ERR_LEN, "bind: %s", strerror(errno));
        return -1;
    }
    TRACE_CALL("bind", 0, NULL, 0, "bind(fd %d) -> 0", fd);
    return 0;
}

/* Print one datagram; returns 0, or -1 on a receive error. */
static int mcast_receive(int fd, char *buf, char *err)
{
    struct sockaddr_storage from;
    socklen_t len = sizeof from;
    char addr[NET_ADDRSTR_LEN];
    ssize_t n = recvfrom(fd, buf, UDP_RECV_BUFSIZE, 0, (struct sockaddr *)&from, &len);
    if (n == -1) {
        snprintf(err, NET_ERR_LEN, "recvfrom: %s", strerror(errno));
        return -1;
    }
    net_format_addr((struct sockaddr *)&from, len, addr, sizeof addr);
    TRACE_DATA("recvfrom", n, buf, (size_t)n, N_("recvfrom(fd %d) -> %zd bytes from %s"), fd, n,
               addr);
    printf(_("from %s: "), addr);
    fwrite(buf, 1, (size_t)n, stdout);
    putchar('\n');
    fflush(stdout);
    return 0;
}

static int mcast_listen(const struct mcast_options *opt, char *err)
{
    char addr[NET_ADDRSTR_LEN];
    char *buf = malloc(UDP_RECV_BUFSIZE);
    int fd = buf == NULL ? -1 : mcast_socket(opt, err);
    int rc = -1;
    if (buf == NULL)
        snprintf(err, NET_ERR_LEN, "%s", _("out of memory"));
    if (fd == -1 || mcast_bind(fd, opt, err) == -1 || mcast_join(fd, opt, err) == -1)
        goto out;
    net_format_addr((const struct sockaddr *)&opt->group, opt->group_len, addr, sizeof addr);
    /* "listening on ADDRESS" is the same in every language: scripts read it */
    printf("udp-demo multicast: listening on %s%s", addr, _(" (group joined)\n"));
    fflush(stdout);
    rc = 0;
    long got = 0;
    while (opt->count == 0 || got < opt->count) {
        enum shutdown_wait w = shutdown_wait_readable(fd, -1);
        if (w == SHUTDOWN_WAIT_STOP)
            break;
        if (w == SHUTDOWN_WAIT_ERROR && errno != EINTR) {
            snprintf(err, NET_ERR_LEN, "poll: %s", strerror(errno));
            rc = -1;
            break;
        }
        if (w != SHUTDOWN_WAIT_READY) /* a signal woke us: nothing received */
            continue;
        rc = mcast_receive(fd, buf, err);
        if (rc == -1)
            break;
        got++;
    }
out:
    if (fd != -1)
        close(fd);
    free(buf);
    return rc;
}

/* --- command line --------------------------------------------------------- */

static const char mcast_usage[] =
    N_("usage: udp-demo multicast send [--group G] [-p PORT] [--ttl N] [--if ADDR]\n"
       "                               [-m MESSAGE]... [--trace[=detail]]\n"
       "       udp-demo multicast listen [--group G] [-p PORT] [--if ADDR] [-c COUNT]\n"
       "                               [--trace[=detail]]\n"
       "\n"
       "One sender, many listeners: start 'listen' in several terminals, then 'send'.\n"
       "\n"
       "      --group G        the group (default 239.255.0.1; an IPv6 group such as\n"
       "                       ff15::1 works too)\n"
       "  -p, --port PORT      the port (default 9001)\n"
       "      --ttl N          send: how many routers the datagrams may cross\n"
       "                       (default 1: this network only)\n"
       "      --if ADDR        the interface: its IPv4 address (e.g. 127.0.0.1), or for\n"
       "                       IPv6 its name or index (default: the kernel's choice)\n"
       "  -m, --message TEXT   send: one datagram; repeat for more (default: each line\n"
       "                       of input)\n"
       "  -c, --count N        listen: stop after N datagrams (default: until Ctrl-C)\n"
       "      --trace          narrate each socket call on stderr\n"
       "                       =detail: no more here (no socket options)\n"
       "  -h, --help           show this help\n"
       "      --version        print the version and exit\n"
       "\n"
       "A listener prints one line when ready, then 'from ADDRESS: TEXT' per datagram.\n"
       "Exit: 0 ok, 1 a socket call failed, 2 bad usage.\n");

/* What the command line says besides -p and --trace. */
struct mcast_args {
    struct mcast_options *opt;
    const char *group;
};

static int mcast_option(void *ctx, int ch, const char *arg, char *err)
{
    struct mcast_args *a = ctx;
    struct mcast_options *opt = a->opt;
    switch (ch) {
    case 'g':
        a->group = arg;
        return 0;
    case 'T':
        if (cli_parse_long(arg, 0, 255, &opt->ttl) == -1)
            return cli_reason(err, _("invalid --ttl '%s': 0 to 255"), arg);
        return 0;
    case 'i':
        opt->iface = arg;
        return 0;
    case 'm':
        if (opt->message_count == MCAST_MAX_MESSAGES)
            return cli_reason(err, _("at most %d messages"), MCAST_MAX_MESSAGES);
        opt->messages[opt->message_count++] = arg;
        return 0;
    default: /* 'c' */
        if (cli_parse_long(arg, 1, INT_MAX, &opt->count) == -1)
            return cli_reason(err, _("invalid count '%s'"), arg);
        return 0;
    }
}

static int mcast_parse(int argc, char *argv[], struct mcast_options *opt)
{
    static const struct option options[] = {
        {"group", required_argument, NULL, 'g'}, {"ttl", required_argument, NULL, 'T'},
        {"if", required_argument, NULL, 'i'},    {"message", required_argument, NULL, 'm'},
        {"count", required_argument, NULL, 'c'}, {NULL, 0, NULL, 0},
    };
    static const struct cli_syntax syntax = {
        .prog = MCAST_PROG,
        .version_prog = "udp-demo",
        .usage = mcast_usage,
        .takes = CLI_TAKES_PORT,
        .default_port = UDP_DEFAULT_PORT,
        .options = options,
        .short_options = "m:c:",
        .option = mcast_option,
    };
    struct mcast_args a = {.opt = opt, .group = UDP_MCAST_DEFAULT_GROUP};
    struct cli_common common;

    int rc = cli_parse(&syntax, &a, argc, argv, &common);
    if (rc != -1)
        return rc;
    trace_set_depth(&trace_program, common.trace);
    if (mcast_parse_group(a.group, common.port, opt) == -1)
        return cli_error(MCAST_PROG, CLI_EXIT_USAGE,
                         _("--group '%s': not a multicast address (224.0.0.0/4 or ff00::/8)"),
                         a.group);
    if (opt->listen && opt->message_count > 0)
        return cli_error(MCAST_PROG, CLI_EXIT_USAGE, "%s", _("-m is for 'send'"));
    if (!opt->listen && opt->count > 0)
        return cli_error(MCAST_PROG, CLI_EXIT_USAGE, "%s", _("-c is for 'listen'"));
    return -1;
}

int udp_multicast_main(int argc, char *argv[])
{
    struct mcast_options opt = {.ttl = UDP_MCAST_DEFAULT_TTL};
    char err[NET_ERR_LEN];

    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs(_(mcast_usage), stdout);
        return CLI_EXIT_OK;
    }
    if (argc >= 2 && strcmp(argv[1], "--version") == 0)
        return cli_version("udp-demo");
    if (argc < 2 || (strcmp(argv[1], "send") != 0 && strcmp(argv[1], "listen") != 0))
        return cli_error(MCAST_PROG, CLI_EXIT_USAGE, "%s",
                         _("say 'send' or 'listen' (see --help)"));
    opt.listen = strcmp(argv[1], "listen") == 0;
    int rc = mcast_parse(argc - 1, argv + 1, &opt);
    if (rc != -1)
        return rc;
    trace_set_role(opt.listen ? "multicast listener" : "multicast sender");
    if (shutdown_install(err) == -1)
        return cli_error(MCAST_PROG, CLI_EXIT_FAILURE, "%s", err);
    rc = opt.listen ? mcast_listen(&opt, err) : mcast_send(&opt, err);
    if (rc == -1)
        return cli_error(MCAST_PROG, CLI_EXIT_FAILURE, "%s", err);
    return CLI_EXIT_OK;
}
