/*
 * ftp_hostport.c - PORT/PASV and EPRT/EPSV address texts, both directions.
 */
#include "ftp_hostport.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* A strict decimal of 1..maxdigits digits, value <= max. Advances *p. */
static int parse_number(const char **p, int maxdigits, long max, long *out)
{
    long v = 0;
    int digits = 0;
    while (**p >= '0' && **p <= '9') {
        if (++digits > maxdigits)
            return -1;
        v = v * 10 + (**p - '0');
        (*p)++;
    }
    if (digits == 0 || v > max)
        return -1;
    *out = v;
    return 0;
}

/* Six comma-separated bytes; stops where they end. Returns 0 or -1. */
static int parse_six(const char **p, unsigned char b[6])
{
    for (int i = 0; i < 6; i++) {
        long v;
        if (parse_number(p, 3, 255, &v) == -1)
            return -1;
        b[i] = (unsigned char)v;
        if (i < 5 && *(*p)++ != ',')
            return -1;
    }
    return 0;
}

static void six_to_sockaddr(const unsigned char b[6], struct sockaddr_in *out)
{
    memset(out, 0, sizeof *out);
    out->sin_family = AF_INET;
    memcpy(&out->sin_addr, b, 4);
    out->sin_port = htons((uint16_t)(b[4] << 8 | b[5]));
}

int ftp_parse_port_arg(const char *arg, struct sockaddr_in *out)
{
    unsigned char b[6];
    const char *p = arg;
    if (parse_six(&p, b) == -1 || *p != '\0')
        return -1;
    six_to_sockaddr(b, out);
    return 0;
}

int ftp_format_port_arg(const struct sockaddr_in *sa, char *out, size_t outlen)
{
    const unsigned char *a = (const unsigned char *)&sa->sin_addr;
    unsigned port = ntohs(sa->sin_port);
    int n =
        snprintf(out, outlen, "%u,%u,%u,%u,%u,%u", a[0], a[1], a[2], a[3], port >> 8, port & 0xff);
    return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

/* Copy the field up to delimiter d into buf; advance *p past d. */
static int eprt_field(const char **p, char d, char *buf, size_t buflen)
{
    const char *end = strchr(*p, d);
    if (end == NULL || (size_t)(end - *p) >= buflen)
        return -1;
    memcpy(buf, *p, (size_t)(end - *p));
    buf[end - *p] = '\0';
    *p = end + 1;
    return 0;
}

/* The address of net-prt 1 (IPv4) or 2 (IPv6), with its port, into out. */
static int eprt_address(int family, const char *host, uint16_t port, struct sockaddr_storage *out,
                        socklen_t *len)
{
    memset(out, 0, sizeof *out);
    if (family == AF_INET) {
        struct sockaddr_in *in = (struct sockaddr_in *)out;
        in->sin_family = AF_INET;
        in->sin_port = htons(port);
        *len = sizeof *in;
        return inet_pton(AF_INET, host, &in->sin_addr) == 1 ? 0 : -1;
    }
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)out;
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(port);
    *len = sizeof *in6;
    return inet_pton(AF_INET6, host, &in6->sin6_addr) == 1 ? 0 : -1;
}

int ftp_parse_eprt_arg(const char *arg, struct sockaddr_storage *out, socklen_t *len)
{
    char proto[4], host[64], port[8];
    char d = arg[0];
    const char *p = arg + 1;
    long v, net_prt;

    if (d < 33 || d > 126 || eprt_field(&p, d, proto, sizeof proto) == -1 ||
        eprt_field(&p, d, host, sizeof host) == -1 || eprt_field(&p, d, port, sizeof port) == -1 ||
        *p != '\0')
        return -1;
    const char *q = port;
    if (parse_number(&q, 5, 65535, &v) == -1 || *q != '\0' || v == 0)
        return -1;
    q = proto;
    if (parse_number(&q, 3, 999, &net_prt) == -1 || *q != '\0')
        return -1;
    /* A well-formed request for a protocol we do not speak gets its own
     * answer (522, RFC 2428 section 2), apart from a garbled one (501). */
    if (strcmp(proto, "1") != 0 && strcmp(proto, "2") != 0)
        return -2;
    return eprt_address(net_prt == 1 ? AF_INET : AF_INET6, host, (uint16_t)v, out, len);
}

int ftp_format_eprt_arg(const struct sockaddr *sa, char *out, size_t outlen)
{
    char host[INET6_ADDRSTRLEN];
    unsigned port;
    int proto;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
        port = ntohs(in->sin_port);
        proto = 1;
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
        inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
        port = ntohs(in6->sin6_port);
        proto = 2;
    } else {
        return -1;
    }
    int n = snprintf(out, outlen, "|%d|%s|%u|", proto, host, port);
    return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

int ftp_parse_pasv_reply(const char *text, struct sockaddr_in *out)
{
    /* RFC 1123 4.1.2.6: scan for the first digit after the reply code. */
    const char *p = strlen(text) > 3 ? text + 3 : text + strlen(text);
    for (; *p != '\0'; p++) {
        unsigned char b[6];
        const char *q = p;
        bool run_start = !(p[-1] >= '0' && p[-1] <= '9'); /* not inside "300" */
        if (run_start && *p >= '0' && *p <= '9' && parse_six(&q, b) == 0) {
            six_to_sockaddr(b, out);
            return 0;
        }
    }
    return -1;
}

int ftp_parse_epsv_reply(const char *text, uint16_t *port)
{
    const char *open = strchr(text, '(');
    long v;
    if (open == NULL || open[1] == '\0')
        return -1;
    char d = open[1];
    if (open[2] != d || open[3] != d)
        return -1;
    const char *p = open + 4;
    if (parse_number(&p, 5, 65535, &v) == -1 || v == 0 || p[0] != d || p[1] != ')')
        return -1;
    *port = (uint16_t)v;
    return 0;
}
