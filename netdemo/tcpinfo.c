/*
 * tcpinfo.c - TCP_INFO, read with the kernel's own struct: glibc's
 * <netinet/tcp.h> stops before the segment counts, and the two headers
 * cannot be included together, so this file includes only the kernel's.
 */
#include "tcpinfo.h"

#include <linux/tcp.h>
#include <netinet/in.h>
#include <sys/socket.h>

int tcpinfo_read(int fd, struct tcpinfo *out)
{
    struct tcp_info ti = {0};
    socklen_t len = sizeof ti;
    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) == -1)
        return -1;
    *out = (struct tcpinfo){
        .segs_out = ti.tcpi_segs_out,
        .segs_in = ti.tcpi_segs_in,
        .rtt_us = ti.tcpi_rtt,
        .retransmits = ti.tcpi_total_retrans,
        .cwnd = ti.tcpi_snd_cwnd,
        .out_of_order = ti.tcpi_rcv_ooopack,
    };
    return 0;
}
