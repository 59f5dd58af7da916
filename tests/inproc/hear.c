/*
 * hear.c - read a reply until the expected words are in it (hear.h).
 */
#include "hear.h"

#include <string.h>
#include <sys/socket.h>

bool hear_until(int fd, char *buf, size_t len, const char *want)
{
    size_t got = 0;
    buf[0] = '\0';
    while (strstr(buf, want) == NULL && got < len - 1) {
        ssize_t n = recv(fd, buf + got, len - 1 - got, 0);
        if (n <= 0)
            break;
        got += (size_t)n;
        buf[got] = '\0';
    }
    return strstr(buf, want) != NULL;
}
