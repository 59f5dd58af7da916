/*
 * ftp_hostport.h - the addresses FTP carries inside its commands and replies:
 * PORT and PASV (RFC 959, "h1,h2,h3,h4,p1,p2"), EPRT and EPSV (RFC 2428,
 * "|1|132.235.1.2|6275|" and "(|||6446|)"). Pure: no I/O. The server parses
 * PORT/EPRT and writes PASV/EPSV; the client does the opposite.
 */
#ifndef NETDEMO_FTP_HOSTPORT_H
#define NETDEMO_FTP_HOSTPORT_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define FTP_HOSTPORT_LEN 96 /* room for any of the texts below */

/* ftp_parse_port_arg: "h1,h2,h3,h4,p1,p2" (each 0..255, decimal, at most
 * three digits, nothing else) into an IPv4 address. Returns 0 or -1. */
int ftp_parse_port_arg(const char *arg, struct sockaddr_in *out);

/* ftp_format_port_arg: the inverse, for PORT and for the 227 reply's
 * "(h1,h2,h3,h4,p1,p2)" (without the parentheses). Returns 0 or -1. */
int ftp_format_port_arg(const struct sockaddr_in *sa, char *out, size_t outlen);

/* ftp_parse_eprt_arg: "<d>1<d>addr<d>port<d>" with any delimiter d in
 * 33..126; net-prt 1 is IPv4, 2 is IPv6; port 1..65535. Fills out (an
 * IPv4 or IPv6 sockaddr) and *len. Returns 0; -2 when the argument is
 * well formed but names another net-prt (a decimal number: reply 522);
 * -1 when it is malformed (reply 501). */
int ftp_parse_eprt_arg(const char *arg, struct sockaddr_storage *out, socklen_t *len);

/* ftp_format_eprt_arg: "|1|127.0.0.1|5000|" or "|2|::1|5000|". Returns 0 or -1. */
int ftp_format_eprt_arg(const struct sockaddr *sa, char *out, size_t outlen);

/* ftp_parse_pasv_reply: the address in a 227 reply's text: the first
 * run of "h1,h2,h3,h4,p1,p2" after the code. Returns 0 or -1. */
int ftp_parse_pasv_reply(const char *text, struct sockaddr_in *out);

/* ftp_parse_epsv_reply: the port in a 229 reply's "(|||port|)". Returns 0 or -1. */
int ftp_parse_epsv_reply(const char *text, uint16_t *port);

#endif
