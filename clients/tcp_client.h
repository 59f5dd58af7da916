/*
 * tcp_client.h - the seed's phone-call client:
 *
 *     client = socket(); client.connect()
 *     comm_loop: client.send() / client.recv()
 *     client.close()
 */
#ifndef NETDEMO_TCP_CLIENT_H
#define NETDEMO_TCP_CLIENT_H

#include "net.h"

#include <stddef.h>

#define TCP_CLIENT_CONNECT_MS   5000 /* give up on a silent host after 5 s */
#define TCP_CLIENT_MAX_MESSAGES 64

/* tcp_client_call: connect to ep, say each message, print each answer on
 * stdout (one line each). Returns 0, or -1 with the reason in err. */
int tcp_client_call(const struct net_endpoint *ep, const char *const *messages, size_t count,
                    char *err);

/* tcp_client_pump: connect to ep and relay stdin to the server and the
 * server's bytes to stdout, both at once. At end of input it half-closes
 * (shutdown SHUT_WR) and prints every remaining reply until the server
 * hangs up. Returns 0, or -1 with the reason in err. */
int tcp_client_pump(const struct net_endpoint *ep, char *err);

/* tcp_client_main: `tcp-demo client ...`; returns the exit code. */
int tcp_client_main(int argc, char *argv[]);

#endif
