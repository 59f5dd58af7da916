/*
 * ftp_ascii.h - TYPE A: text travels with CRLF line ends (RFC 959 3.1.1.1).
 *
 * Files on disk end lines with LF. On the way out each LF becomes CRLF; on
 * the way in each CRLF becomes LF. A CR may end one buffer and its LF start
 * the next, so the converters carry that one byte of state across calls.
 * Pure: no I/O.
 */
#ifndef NETDEMO_FTP_ASCII_H
#define NETDEMO_FTP_ASCII_H

#include <stdbool.h>
#include <stddef.h>

struct ftp_ascii {
    bool last_cr; /* out: the last byte sent was CR; in: a CR is held back */
};

/* ftp_ascii_to_net: LF -> CRLF (an LF already after a CR is left alone).
 * out must have room for 2 * n bytes. Returns the bytes written. */
size_t ftp_ascii_to_net(struct ftp_ascii *st, const char *in, size_t n, char *out);

/* ftp_ascii_from_net: CRLF -> LF; a CR not followed by LF is kept. out must
 * have room for n + 1 bytes. Returns the bytes written. */
size_t ftp_ascii_from_net(struct ftp_ascii *st, const char *in, size_t n, char *out);

/* ftp_ascii_from_net_end: at end of data, release a held-back CR into out
 * (room for 1 byte). Returns 0 or 1. */
size_t ftp_ascii_from_net_end(struct ftp_ascii *st, char *out);

#endif
