/*
 * test_source.c - the reply's source address from the request's control
 * messages, without sockets: what recvmsg() could hand over, and what
 * sendmsg() must get.
 */
#include "udp_source.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <string.h>

/* Append one control message to m, as recvmsg() would have written it. */
static void add_cmsg(struct msghdr *m, int level, int type, const void *data, size_t len)
{
    struct cmsghdr *c = (struct cmsghdr *)((unsigned char *)m->msg_control + m->msg_controllen);
    c->cmsg_level = level;
    c->cmsg_type = type;
    c->cmsg_len = CMSG_LEN(len);
    memcpy(CMSG_DATA(c), data, len);
    m->msg_controllen += CMSG_SPACE(len);
}

static struct in_pktinfo v4_info(const char *dst, int ifindex)
{
    struct in_pktinfo info = {.ipi_ifindex = ifindex};
    inet_pton(AF_INET, dst, &info.ipi_spec_dst);
    inet_pton(AF_INET, dst, &info.ipi_addr);
    return info;
}

static struct in6_pktinfo v6_info(const char *dst, unsigned ifindex)
{
    struct in6_pktinfo info = {.ipi6_ifindex = ifindex};
    inet_pton(AF_INET6, dst, &info.ipi6_addr);
    return info;
}

Test(udp_source, ipv4_destination_becomes_the_source_on_any_interface)
{
    union udp_source_cmsg ctl;
    struct msghdr m = {.msg_control = ctl.buf};
    struct in_pktinfo in = v4_info("10.200.7.3", 2), out;
    add_cmsg(&m, IPPROTO_IP, IP_PKTINFO, &in, sizeof in);

    cr_assert_eq(udp_source_reply(&m), CMSG_SPACE(sizeof in));
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    cr_assert_eq(c->cmsg_level, IPPROTO_IP);
    cr_assert_eq(c->cmsg_type, IP_PKTINFO);
    memcpy(&out, CMSG_DATA(c), sizeof out);
    cr_expect_eq(out.ipi_spec_dst.s_addr, in.ipi_spec_dst.s_addr);
    cr_expect_eq(out.ipi_ifindex, 0);
}

Test(udp_source, ipv6_destination_becomes_the_source)
{
    union udp_source_cmsg ctl;
    struct msghdr m = {.msg_control = ctl.buf};
    struct in6_pktinfo in = v6_info("fd00:200::3", 2), out;
    add_cmsg(&m, IPPROTO_IPV6, IPV6_PKTINFO, &in, sizeof in);

    cr_assert_eq(udp_source_reply(&m), CMSG_SPACE(sizeof in));
    memcpy(&out, CMSG_DATA(CMSG_FIRSTHDR(&m)), sizeof out);
    cr_expect(IN6_ARE_ADDR_EQUAL(&out.ipi6_addr, &in.ipi6_addr));
    cr_expect_eq(out.ipi6_ifindex, 0);
}

Test(udp_source, ipv4_on_a_dual_stack_socket_prefers_the_ipv4_message_and_moves_it_first)
{
    /* Both arrive, IPv6's first; the IPv4 one names the interface's own
     * address even for a broadcast, so the reply carries that one alone. */
    union udp_source_cmsg ctl;
    struct msghdr m = {.msg_control = ctl.buf};
    struct in6_pktinfo in6 = v6_info("::ffff:10.200.7.255", 2);
    struct in_pktinfo in = v4_info("10.200.7.1", 2), out;
    add_cmsg(&m, IPPROTO_IPV6, IPV6_PKTINFO, &in6, sizeof in6);
    add_cmsg(&m, IPPROTO_IP, IP_PKTINFO, &in, sizeof in);

    m.msg_controllen = udp_source_reply(&m);
    cr_assert_eq(m.msg_controllen, CMSG_SPACE(sizeof in));
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    cr_assert_eq(c->cmsg_type, IP_PKTINFO);
    memcpy(&out, CMSG_DATA(c), sizeof out);
    cr_expect_eq(out.ipi_spec_dst.s_addr, in.ipi_spec_dst.s_addr);
    cr_expect_null(CMSG_NXTHDR(&m, c));
}

Test(udp_source, no_source_when_there_is_none_to_give)
{
    union udp_source_cmsg ctl;
    struct msghdr none = {0};
    cr_expect_eq(udp_source_reply(&none), 0, "no control buffer: bound to one address");

    struct msghdr empty = {.msg_control = ctl.buf};
    cr_expect_eq(udp_source_reply(&empty), 0, "no control message came");

    struct msghdr group = {.msg_control = ctl.buf};
    struct in6_pktinfo in6 = v6_info("ff15::1", 2);
    add_cmsg(&group, IPPROTO_IPV6, IPV6_PKTINFO, &in6, sizeof in6);
    cr_expect_eq(udp_source_reply(&group), 0, "a multicast group is never a source");

    struct msghdr cut = {.msg_control = ctl.buf, .msg_flags = MSG_CTRUNC};
    struct in_pktinfo in = v4_info("10.200.7.1", 2);
    add_cmsg(&cut, IPPROTO_IP, IP_PKTINFO, &in, sizeof in);
    cr_expect_eq(udp_source_reply(&cut), 0, "truncated control data is not trusted");
}
