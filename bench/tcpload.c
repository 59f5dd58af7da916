/*
 * tcpload.c - the load client bench/tcp.sh drives every echo server with.
 *
 *   tcpload throughput PORT BYTES   send BYTES and read them back at once;
 *                                   prints Gbit/s (one way)
 *   tcpload rr PORT SECONDS         1-byte round trips, one at a time;
 *                                   prints round trips per second
 *   tcpload idle PORT COUNT         open COUNT connections, exchange one byte
 *                                   on each, print "ready", hold them until
 *                                   stdin closes
 *
 * Writing and reading happen in one poll loop, so a large transfer never
 * deadlocks with both sides' socket buffers full.
 */
#include "cli.h"
#include "io.h"
#include "loop.h"
#include "net.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LOAD_CHUNK (256 * 1024)

static int load_connect(uint16_t port)
{
    struct net_endpoint ep;
    char err[NET_ERR_LEN];
    net_endpoint_from_host_port("127.0.0.1", port, &ep, err);
    int fd = net_connect(&ep, 5000, err);
    if (fd == -1)
        fprintf(stderr, "tcpload: %s\n", err);
    else
        net_set_nodelay(fd, NULL);
    return fd;
}

static int load_throughput(uint16_t port, long long total)
{
    static char out[LOAD_CHUNK], in[LOAD_CHUNK];
    long long sent = 0, got = 0;
    int fd = load_connect(port);
    if (fd == -1 || net_set_nonblock(fd, true, NULL) == -1)
        return 1;
    memset(out, 'a', sizeof out);
    int64_t start = loop_now_ms();
    while (got < total) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN | (sent < total ? POLLOUT : 0)};
        if (poll(&pfd, 1, 10000) <= 0) {
            fprintf(stderr, "tcpload: stalled after %lld of %lld bytes\n", got, total);
            return 1;
        }
        if ((pfd.revents & POLLOUT) && sent < total) {
            size_t want = total - sent < LOAD_CHUNK ? (size_t)(total - sent) : LOAD_CHUNK;
            ssize_t w = io_write_some(fd, out, want);
            if (w > 0)
                sent += w;
        }
        if (pfd.revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t r = io_read_some(fd, in, sizeof in);
            if (r == 0 || (r == -1 && errno != EAGAIN)) {
                fprintf(stderr, "tcpload: connection ended after %lld bytes\n", got);
                return 1;
            }
            if (r > 0)
                got += r;
        }
    }
    double secs = (double)(loop_now_ms() - start) / 1000.0;
    printf("%.2f\n", (double)total * 8 / secs / 1e9);
    close(fd);
    return 0;
}

static int load_rr(uint16_t port, long seconds)
{
    char byte = 'x';
    long long trips = 0;
    int fd = load_connect(port);
    if (fd == -1)
        return 1;
    int64_t start = loop_now_ms(), end = start + seconds * 1000;
    while (loop_now_ms() < end) {
        for (int i = 0; i < 1000; i++) {
            if (io_write_all(fd, &byte, 1) != 1 || io_read_exact(fd, &byte, 1) != 1) {
                fprintf(stderr, "tcpload: round trip failed\n");
                return 1;
            }
            byte = 'x';
        }
        trips += 1000;
    }
    printf("%.0f\n", (double)trips * 1000.0 / (double)(loop_now_ms() - start));
    close(fd);
    return 0;
}

static int load_idle(uint16_t port, long count)
{
    int *fds = calloc((size_t)count, sizeof *fds);
    char byte;
    if (fds == NULL)
        return 1;
    for (long i = 0; i < count; i++) {
        fds[i] = load_connect(port);
        if (fds[i] == -1 || io_write_all(fds[i], "x", 1) != 1 ||
            io_read_exact(fds[i], &byte, 1) != 1) {
            fprintf(stderr, "tcpload: idle connection %ld failed\n", i);
            return 1;
        }
    }
    printf("ready\n");
    fflush(stdout);
    while (io_read_some(STDIN_FILENO, &byte, 1) > 0)
        ;
    for (long i = 0; i < count; i++)
        close(fds[i]);
    free(fds);
    return 0;
}

int main(int argc, char *argv[])
{
    uint16_t port;
    long n;
    if (argc != 4 || net_parse_port(argv[2], false, &port, NULL) == -1 ||
        cli_parse_long(argv[3], 1, 1L << 40, &n) == -1)
        return cli_error("tcpload", CLI_EXIT_USAGE,
                         "usage: tcpload throughput|rr|idle PORT BYTES|SECONDS|COUNT");
    if (strcmp(argv[1], "throughput") == 0)
        return load_throughput(port, n);
    if (strcmp(argv[1], "rr") == 0)
        return load_rr(port, n);
    if (strcmp(argv[1], "idle") == 0)
        return load_idle(port, n);
    return cli_error("tcpload", CLI_EXIT_USAGE, "unknown mode '%s'", argv[1]);
}
