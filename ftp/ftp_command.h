/*
 * ftp_command.h - the FTP command splitter: one control line in, a verb and its
 * argument out. Pure: no I/O, so tests feed it lines from a table.
 */
#ifndef NETDEMO_FTP_COMMAND_H
#define NETDEMO_FTP_COMMAND_H

#include <stdbool.h>
#include <stddef.h>

#define FTP_VERB_MAX 8 /* the longest verb we accept ("XPWD", "OPTS"), plus room */

/* ftp_split_command: split a line the line reader returned ('\n' already
 * removed) into an upper-cased verb and its argument. Accepts "VERB",
 * "VERB arg" and "verb arg\r"; drops a trailing CR and any Telnet IAC pairs
 * (IAC IP, IAC DM) that clients send in front of ABOR. The argument starts
 * after the first space and keeps any further spaces (file names may hold
 * them); it is "" when there is none, and points into line.
 * Returns 0; -1 when the verb is empty, longer than FTP_VERB_MAX - 1, or
 * holds anything but letters (reply 500); -2 when the argument holds a NUL
 * or a CR other than the final one (reply 501). */
int ftp_split_command(char *line, size_t len, char verb[FTP_VERB_MAX], const char **arg);

/* ftp_lines_hold_abor: does one of the complete ('\n'-ended) lines in
 * bytes hold the verb ABOR, read as ftp_split_command reads it (Telnet
 * bytes before it, any case, a final CR)? For a look at the control
 * connection during a transfer, without taking the lines. */
bool ftp_lines_hold_abor(const char *bytes, size_t n);

#endif
