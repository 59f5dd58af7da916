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

#define TCP_CLIENT_MAX_MESSAGES 64
#define TCP_CLIENT_TIMEOUT_MS   10000 /* -t: for an answer to start */
#define TCP_CLIENT_QUIET_MS     200   /* silence after some bytes: the answer is over */

/* tcp_client_call: connect to ep, say each message, print each whole
 * answer on stdout (ending in a newline). connect_timeout_ms bounds the
 * connect, timeout_ms the wait for each answer to start. Returns 0, or -1
 * with the reason in err. */
int tcp_client_call(const struct net_endpoint *ep, const char *const *messages, size_t count,
                    int connect_timeout_ms, int timeout_ms, char *err);

/* tcp_client_pump: connect to ep and relay stdin to the server and the
 * server's bytes to stdout, both at once. At end of input it half-closes
 * (shutdown SHUT_WR) and prints every remaining reply until the server
 * hangs up, or goes quiet after answering; silent for timeout_ms, it is an
 * error. connect_timeout_ms bounds the connect. Returns 0, or -1 with the
 * reason in err. */
int tcp_client_pump(const struct net_endpoint *ep, int connect_timeout_ms, int timeout_ms,
                    char *err);

/* tcp_client_main: `tcp-demo client ...`; returns the exit code. */
int tcp_client_main(int argc, char *argv[]);

#endif
