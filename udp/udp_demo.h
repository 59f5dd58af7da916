/*
 * udp_demo.h - the udp-demo subcommands that are lessons more than tools:
 * boundaries, multicast, and the seed's exchange played over UDP.
 */
#ifndef NETDEMO_UDP_DEMO_H
#define NETDEMO_UDP_DEMO_H

#include <stdio.h>

/* What the boundaries lesson found: the reads each receiver needed for
 * the same writes. */
struct udp_boundaries {
    int writes;    /* three: the seed's words, one write each */
    int tcp_reads; /* reads that returned data: usually one */
    int udp_reads; /* datagrams read: one a write */
};

/* udp_boundaries_measure: the three writes over TCP and over UDP, on
 * loopback; the reads into out, narrated on show unless it is NULL.
 * Returns 0, or -1 with the reason in err (NET_ERR_LEN bytes). */
int udp_boundaries_measure(struct udp_boundaries *out, FILE *show, char *err);

/* udp_boundaries_run: the same three writes over TCP and over UDP, and
 * what each receiver's reads returned, printed on stdout. Returns 0, or
 * 1 after printing one error line. */
int udp_boundaries_run(void);

/* udp_boundaries_main: `udp-demo boundaries`; returns the exit code. */
int udp_boundaries_main(int argc, char *argv[]);

/* udp_multicast_main: `udp-demo multicast send|listen ...`. */
int udp_multicast_main(int argc, char *argv[]);

/* udp_demo_main: `udp-demo` alone; returns the exit code. */
int udp_demo_main(void);

#endif
