/*
 * fuzz_url.c - the URL parsers of the clients: http_url_parse
 * (`http-demo get`) and ftp_parse_url (`ftp-demo get/put`).
 *
 * Input: the URL text (cut at a NUL, as a C string is). Each parser that
 * accepts it must give bounded strings, a port in 1..65535, and nothing
 * that would split or forge the line it is sent in: the HTTP path and Host
 * hold no control character or space, the FTP user, password and path no
 * CR or LF. A refusal always says why (HTTP).
 */
#include "ftp_client.h"
#include "fuzz.h"
#include "http_client.h"

#include <stdbool.h>
#include <string.h>

/* No control character, DEL or space: safe inside a request line. */
static bool is_visible(const char *s)
{
    for (; *s != '\0'; s++)
        if ((unsigned char)*s <= ' ' || *s == 0x7f)
            return false;
    return true;
}

static void check_http(const char *text)
{
    struct http_url u;
    char err[NET_ERR_LEN] = "";
    if (http_url_parse(text, &u, err) == -1) {
        FUZZ_CHECK(err[0] != '\0');
        return;
    }
    FUZZ_CHECK(!u.endpoint.is_unix);
    FUZZ_CHECK(u.endpoint.port >= 1);
    FUZZ_CHECK(memchr(u.endpoint.host, '\0', sizeof u.endpoint.host) != NULL);
    FUZZ_CHECK(u.endpoint.host[0] != '\0');
    FUZZ_CHECK(memchr(u.host_header, '\0', sizeof u.host_header) != NULL);
    FUZZ_CHECK(memchr(u.path, '\0', sizeof u.path) != NULL);
    FUZZ_CHECK(u.path[0] == '/' && strchr(u.path, '#') == NULL);
    FUZZ_CHECK(is_visible(u.path) && is_visible(u.host_header));
}

static void check_ftp(const char *text)
{
    struct ftp_url u;
    if (ftp_parse_url(text, &u) == -1)
        return;
    FUZZ_CHECK(u.port >= 1);
    FUZZ_CHECK(memchr(u.host, '\0', sizeof u.host) != NULL && u.host[0] != '\0');
    FUZZ_CHECK(memchr(u.user, '\0', sizeof u.user) != NULL);
    FUZZ_CHECK(memchr(u.pass, '\0', sizeof u.pass) != NULL);
    FUZZ_CHECK(memchr(u.path, '\0', sizeof u.path) != NULL);
    FUZZ_CHECK(strpbrk(u.user, "\r\n") == NULL && strpbrk(u.pass, "\r\n") == NULL);
    FUZZ_CHECK(strpbrk(u.path, "\r\n") == NULL && strpbrk(u.host, "\r\n") == NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    FUZZ_CHECK(text != NULL);
    memcpy(text, data, size);
    text[size] = '\0';
    check_http(text);
    check_ftp(text);
    free(text);
    return 0;
}
