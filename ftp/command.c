/*
 * command.c - the FTP command splitter (RFC 959 section 5.3: "VERB SP arg CRLF").
 */
#include "ftp_command.h"

#include <string.h>
#include <strings.h>

#define TELNET_IAC 0xff /* "interpret as command": the next byte is a Telnet command */
#define TELNET_DM  0xf2 /* data mark: may arrive alone when the IAC went as urgent data */

/* Skip the Telnet bytes ftplib and others put before ABOR (IAC IP IAC DM). */
static const char *skip_telnet(const char *p, const char *end)
{
    while (p < end) {
        unsigned char c = (unsigned char)*p;
        if (c == TELNET_IAC && p + 1 < end)
            p += 2;
        else if (c == TELNET_DM || c == TELNET_IAC)
            p += 1;
        else
            break;
    }
    return p;
}

int ftp_split_command(char *line, size_t len, char verb[FTP_VERB_MAX], const char **arg)
{
    if (len > 0 && line[len - 1] == '\r')
        line[--len] = '\0';
    const char *end = line + len;
    const char *p = skip_telnet(line, end);
    size_t n = 0;

    while (p < end && *p != ' ') {
        char c = *p++;
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (c < 'A' || c > 'Z' || n + 1 >= FTP_VERB_MAX)
            return -1;
        verb[n++] = c;
    }
    verb[n] = '\0';
    if (n == 0)
        return -1;
    *arg = p < end ? p + 1 : end; /* the argument follows the one space */
    /* A NUL would silently cut a file name short; a bare CR would end up in
     * a file name and, echoed in a reply, start a forged reply line. RFC 959
     * path names hold neither. (A bare LF never gets here: it ends the line.) */
    size_t arglen = (size_t)(end - *arg);
    if (memchr(*arg, '\0', arglen) != NULL || memchr(*arg, '\r', arglen) != NULL)
        return -2;
    return 0;
}

/* One line from p to end ('\n' excluded): is its verb ABOR? */
static bool line_is_abor(const char *p, const char *end)
{
    if (end > p && end[-1] == '\r')
        end--;
    p = skip_telnet(p, end);
    if (end - p < 4 || strncasecmp(p, "ABOR", 4) != 0)
        return false;
    return end - p == 4 || p[4] == ' ';
}

bool ftp_lines_hold_abor(const char *bytes, size_t n)
{
    const char *p = bytes, *end = bytes + n;
    for (;;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (nl == NULL)
            return false;
        if (line_is_abor(p, nl))
            return true;
        p = nl + 1;
    }
}
