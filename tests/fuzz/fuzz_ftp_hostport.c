/*
 * fuzz_ftp_hostport.c - the addresses inside FTP commands and replies:
 * PORT and EPRT arguments (from a client), 227 and 229 replies (from a
 * server).
 *
 * Input: one text (cut at a NUL), given to all four parsers. Whatever one
 * accepts must format back and parse again to the very same address and
 * port: PORT through ftp_format_port_arg, EPRT through ftp_format_eprt_arg,
 * a 227 reply as the server writes one ("227 Entering Passive Mode
 * (h1,...,p2)."), a 229 reply as "229 ... (|||port|)". EPRT and 229 never
 * give port 0.
 */
#include "fuzz.h"
#include "ftp_hostport.h"

#include <arpa/inet.h>
#include <string.h>

static void check_port(const char *text)
{
    struct sockaddr_in a, b;
    char back[FTP_HOSTPORT_LEN];
    if (ftp_parse_port_arg(text, &a) == -1)
        return;
    FUZZ_CHECK(a.sin_family == AF_INET);
    FUZZ_CHECK(ftp_format_port_arg(&a, back, sizeof back) == 0);
    FUZZ_CHECK(ftp_parse_port_arg(back, &b) == 0);
    FUZZ_CHECK(a.sin_addr.s_addr == b.sin_addr.s_addr && a.sin_port == b.sin_port);
}

static void check_eprt(const char *text)
{
    struct sockaddr_storage a, b;
    socklen_t alen = 0, blen = 0;
    char back[FTP_HOSTPORT_LEN];
    int rc = ftp_parse_eprt_arg(text, &a, &alen);
    FUZZ_CHECK(rc == 0 || rc == -1 || rc == -2); /* -2: a protocol other than 1 or 2 (522) */
    if (rc != 0)
        return;
    FUZZ_CHECK(ftp_format_eprt_arg((struct sockaddr *)&a, back, sizeof back) == 0);
    FUZZ_CHECK(ftp_parse_eprt_arg(back, &b, &blen) == 0);
    FUZZ_CHECK(alen == blen && a.ss_family == b.ss_family);
    if (a.ss_family == AF_INET) {
        const struct sockaddr_in *x = (const void *)&a, *y = (const void *)&b;
        FUZZ_CHECK(alen == sizeof *x && ntohs(x->sin_port) != 0);
        FUZZ_CHECK(x->sin_addr.s_addr == y->sin_addr.s_addr && x->sin_port == y->sin_port);
    } else {
        const struct sockaddr_in6 *x = (const void *)&a, *y = (const void *)&b;
        FUZZ_CHECK(a.ss_family == AF_INET6 && alen == sizeof *x && ntohs(x->sin6_port) != 0);
        FUZZ_CHECK(memcmp(&x->sin6_addr, &y->sin6_addr, sizeof x->sin6_addr) == 0);
        FUZZ_CHECK(x->sin6_port == y->sin6_port);
    }
}

static void check_pasv(const char *text)
{
    struct sockaddr_in a, b;
    char arg[FTP_HOSTPORT_LEN], reply[FTP_HOSTPORT_LEN + 40];
    if (ftp_parse_pasv_reply(text, &a) == -1)
        return;
    FUZZ_CHECK(ftp_format_port_arg(&a, arg, sizeof arg) == 0);
    snprintf(reply, sizeof reply, "227 Entering Passive Mode (%s).", arg);
    FUZZ_CHECK(ftp_parse_pasv_reply(reply, &b) == 0);
    FUZZ_CHECK(a.sin_addr.s_addr == b.sin_addr.s_addr && a.sin_port == b.sin_port);
}

static void check_epsv(const char *text)
{
    uint16_t a, b;
    char reply[64];
    if (ftp_parse_epsv_reply(text, &a) == -1)
        return;
    FUZZ_CHECK(a != 0);
    snprintf(reply, sizeof reply, "229 Entering Extended Passive Mode (|||%u|)", a);
    FUZZ_CHECK(ftp_parse_epsv_reply(reply, &b) == 0 && a == b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    FUZZ_CHECK(text != NULL);
    memcpy(text, data, size);
    text[size] = '\0';
    check_port(text);
    check_eprt(text);
    check_pasv(text);
    check_epsv(text);
    free(text);
    return 0;
}
