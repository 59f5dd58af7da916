/*
 * percent.h - %XX escapes of URLs (RFC 3986 §2.1), which http-demo's paths
 * and ftp-demo's ftp:// URLs both carry.
 */
#ifndef NETDEMO_PERCENT_H
#define NETDEMO_PERCENT_H

#include <stddef.h>

/* percent_hex: the value of one hex digit, or -1. */
int percent_hex(char c);

/* percent_decode: decode the %XX escapes of in[0..len) into out (outlen
 * bytes, NUL-terminated). '+' stays '+' (that is only for forms). Returns
 * the decoded length, or -1 for a malformed escape, a decoded NUL, or no
 * room. */
long percent_decode(const char *in, size_t len, char *out, size_t outlen);

#endif
