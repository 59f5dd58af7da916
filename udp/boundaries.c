/*
 * boundaries.c - `udp-demo boundaries`: the class's first question, "what
 * is the difference between SOCK_STREAM and SOCK_DGRAM?", answered by
 * showing it.
 *
 * The same three writes go over TCP and over UDP. TCP is a byte stream: the
 * receiver gets bytes, and how they are cut into reads is up to timing, so
 * the three writes can come out of one read. To make that visible every
 * time, the TCP receiver reads only once all three writes have arrived.
 * UDP is datagrams: each recvfrom() returns exactly one whole send().
 */
#include "cli.h"
#include "io.h"
#include "net.h"
#include "trace.h"
#include "udp_demo.h"
#include "i18n.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BOUNDARIES_WAIT_MS 5000

static const char *const boundaries_words[] = {"dream", " is", " handsome"}; /* the seed's */
#define BOUNDARIES_COUNT 3

static void boundaries_print_read(FILE *show, const char *call, int i, const char *buf, ssize_t n)
{
    char preview[TRACE_PREVIEW_TEXT_LEN];
    if (show != NULL)
        fprintf(show, _("  %s #%d -> %zd bytes %s\n"), call, i, n,
                trace_preview(buf, (size_t)n, preview, sizeof preview));
}

/* Connect a TCP pair on loopback: *client and *server, or -1. */
static int boundaries_tcp_pair(int *client, int *server, char *err)
{
    struct net_endpoint ep;
    uint16_t port;
    net_endpoint_from_host_port("127.0.0.1", 0, &ep, err);
    int lfd = net_listen(&ep, 1, false, err);
    if (lfd == -1)
        return -1;
    *client = -1;
    *server = -1;
    if (net_local_port(lfd, &port, err) == 0) {
        ep.port = port;
        *client = net_connect(&ep, BOUNDARIES_WAIT_MS, err);
    }
    if (*client != -1)
        *server = net_accept(lfd, false, NULL, err);
    close(lfd);
    if (*server == -1 && *client != -1)
        close(*client);
    return *server == -1 ? -1 : 0;
}

/* The receiver waits for the sender's FIN before its first read. TCP
 * delivers in order, so once the FIN is in, so is every byte before it. */
static int boundaries_tcp(FILE *show, int *reads_out, char *err)
{
    int client, server;
    char buf[256];
    if (boundaries_tcp_pair(&client, &server, err) == -1)
        return -1;
    for (int i = 0; i < BOUNDARIES_COUNT; i++) {
        size_t len = strlen(boundaries_words[i]);
        io_write_all(client, boundaries_words[i], len);
        TRACE_DATA("send", len, boundaries_words[i], len, N_("send(fd %d, %zu bytes) -> %zu"),
                   client, len, len);
    }
    shutdown(client, SHUT_WR);
    TRACE_CALL("shutdown", 0, NULL, 0, N_("shutdown(fd %d, SHUT_WR) -> 0 (FIN: no more data)"),
               client);
    struct pollfd pfd = {.fd = server, .events = POLLRDHUP};
    poll(&pfd, 1, BOUNDARIES_WAIT_MS);
    TRACE_CALL("poll", 1, NULL, 0,
               N_("poll(fd %d, POLLRDHUP) -> the FIN is in, so are all three writes"), server);
    if (show != NULL)
        fprintf(show, "%s",
                _("TCP (SOCK_STREAM, a byte stream): the receiver reads once all "
                  "three have arrived\n"));
    int reads = 0;
    for (;;) {
        ssize_t n = io_read_some(server, buf, sizeof buf);
        if (n <= 0) {
            if (show != NULL)
                fprintf(show, "  recv() #%d -> %s\n", reads + 1,
                        n == 0 ? _("0 (end of stream)") : strerror(errno));
            break;
        }
        boundaries_print_read(show, "recv()", ++reads, buf, n);
    }
    if (show != NULL)
        fprintf(show,
                ngettext("  %d writes, %d read of data: TCP keeps no message boundaries.\n\n",
                         "  %d writes, %d reads of data: TCP keeps no message boundaries.\n\n",
                         (unsigned long)reads),
                BOUNDARIES_COUNT, reads);
    *reads_out = reads;
    close(client);
    close(server);
    return 0;
}

static bool boundaries_readable(int fd)
{
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    return poll(&pfd, 1, BOUNDARIES_WAIT_MS) == 1;
}

/* A bound receiver and a connected sender on loopback. */
static int boundaries_udp(FILE *show, int *reads_out, char *err)
{
    struct net_endpoint ep;
    uint16_t port;
    char buf[256];
    net_endpoint_from_host_port("127.0.0.1", 0, &ep, err);
    int rx = net_udp_bind(&ep, false, err);
    if (rx == -1)
        return -1;
    int tx = -1;
    if (net_local_port(rx, &port, err) == 0) {
        ep.port = port;
        tx = net_udp_connect(&ep, err);
    }
    if (tx == -1) {
        close(rx);
        return -1;
    }
    for (int i = 0; i < BOUNDARIES_COUNT; i++) {
        size_t len = strlen(boundaries_words[i]);
        ssize_t rc = send(tx, boundaries_words[i], len, 0);
        TRACE_DATA("send", rc, boundaries_words[i], len, N_("send(fd %d, %zu bytes) -> %zd"), tx,
                   len, rc);
    }
    if (show != NULL)
        fprintf(show, "%s",
                _("UDP (SOCK_DGRAM, datagrams): the receiver reads once all three were sent\n"));
    int reads = 0;
    while (reads < BOUNDARIES_COUNT && boundaries_readable(rx)) {
        ssize_t n = recv(rx, buf, sizeof buf, 0);
        if (n < 0)
            break;
        boundaries_print_read(show, "recvfrom()", ++reads, buf, n);
    }
    if (show != NULL)
        fprintf(show, _("  %d writes, %d reads: each datagram keeps its boundaries.\n"),
                BOUNDARIES_COUNT, reads);
    *reads_out = reads;
    close(tx);
    close(rx);
    return 0;
}

int udp_boundaries_measure(struct udp_boundaries *out, FILE *show, char *err)
{
    out->writes = BOUNDARIES_COUNT;
    if (show != NULL) {
        fprintf(show, "%s", _("Three writes, back to back:"));
        for (int i = 0; i < BOUNDARIES_COUNT; i++)
            fprintf(show, " \"%s\"", boundaries_words[i]);
        fprintf(show, "\n\n");
    }
    return boundaries_tcp(show, &out->tcp_reads, err) == -1 ||
                   boundaries_udp(show, &out->udp_reads, err) == -1
               ? -1
               : 0;
}

int udp_boundaries_run(void)
{
    char err[NET_ERR_LEN];
    struct udp_boundaries b;
    int rc = udp_boundaries_measure(&b, stdout, err);
    fflush(stdout);
    if (rc == -1)
        return cli_error("udp-demo boundaries", CLI_EXIT_FAILURE, "%s", err);
    return CLI_EXIT_OK;
}

static const char udp_boundaries_usage[] =
    N_("usage: udp-demo boundaries [--trace[=detail]]\n"
       "\n"
       "Send \"dream\", \" is\", \" handsome\" with three writes over TCP and over UDP\n"
       "on loopback, and print what each receiver's reads return: TCP may merge\n"
       "them (a byte stream), UDP keeps three messages (datagrams).\n"
       "\n"
       "      --trace   narrate each socket call on stderr\n"
       "                =detail: no more here (no socket options)\n"
       "  -h, --help    show this help\n"
       "      --version print the version and exit\n");

int udp_boundaries_main(int argc, char *argv[])
{
    static const struct cli_syntax syntax = {
        .prog = "udp-demo boundaries",
        .version_prog = "udp-demo",
        .usage = udp_boundaries_usage,
    };
    struct cli_common common;
    int rc = cli_parse(&syntax, NULL, argc, argv, &common);
    if (rc != -1)
        return rc;
    trace_set_depth(&trace_program, common.trace);
    trace_set_role("boundaries");
    return udp_boundaries_run();
}
