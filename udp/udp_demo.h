/*
 * udp_demo.h - the udp-demo subcommands that are lessons more than tools:
 * boundaries, multicast, and the seed's exchange played over UDP.
 */
#ifndef NETDEMO_UDP_DEMO_H
#define NETDEMO_UDP_DEMO_H

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
