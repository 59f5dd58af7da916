/*
 * lossylink.h - a lossy Ethernet link between two network namespaces, for
 * `netdemo compare --netem`: TCP's retransmissions, which loopback never
 * needs, made visible.
 *
 * The link is a veth pair: one end in a "server" namespace, the other in a
 * "client" namespace, both made here and private to this process. Each way
 * loses a share of its packets: tc netem drops them as they leave (and adds
 * a small delay, as a real link has) or, on a kernel built without netem,
 * an nftables rule drops them as they arrive.
 *
 * A network namespace belongs to each thread on its own, and a socket stays
 * in the namespace it was made in: enter one, make the sockets (or start
 * the threads that will), and go home. The namespaces go away with the
 * last socket and the link's own descriptors; nothing is left behind.
 */
#ifndef NETDEMO_LOSSYLINK_H
#define NETDEMO_LOSSYLINK_H

#include <stdint.h>

#define LOSSY_SERVER_ADDR "10.213.0.1" /* in the server namespace */
#define LOSSY_CLIENT_ADDR "10.213.0.2" /* in the client namespace */
#define LOSSY_DELAY_MS    1            /* each way, with netem */

struct lossy_link {
    int home, server, client; /* network namespace descriptors */
    char how[96];             /* "tc netem: 1% loss and 1 ms delay each way" */
};

/* lossy_link_open: make both namespaces and the link, losing percent of
 * the packets each way. Needs root. Returns 0, or -1 with why it cannot
 * in err (NET_ERR_LEN bytes); the thread is home either way. */
int lossy_link_open(struct lossy_link *link, unsigned percent, char *err);

/* lossy_link_enter: move this thread into ns (link->server, link->client,
 * or link->home to go back). Returns 0, or -1 with errno. */
int lossy_link_enter(int ns);

void lossy_link_close(struct lossy_link *link);

#endif
