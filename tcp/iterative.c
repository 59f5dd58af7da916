/*
 * iterative.c - one caller at a time: the seed's server, line for line.
 *
 *     server = socket(); server.bind(); server.listen()   -> tcp_server_open
 *     inf_loop:
 *         conn = server.accept()
 *         comm_loop: conn.recv() / conn.send()
 *         conn.close()
 *
 * While one caller is connected, the next waits in the listen backlog:
 * start two clients and watch the second one hang until the first leaves.
 */
#include "tcp_server.h"

int tcp_serve_iterative(struct tcp_server *srv, char *err)
{
    (void)err;
    while (!stop_requested(srv->stop)) { /* inf_loop */
        int conn = tcp_accept_call(srv, -1);
        if (conn == -1)
            continue;
        tcp_comm_loop(srv, conn); /* comm_loop */
        tcp_hang_up(srv, conn);
    }
    return 0;
}
