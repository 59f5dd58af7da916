/*
 * fuzz_ftp_reply.c - what the FTP client reads from a server: replies on
 * the control connection (ftp_conn_reply) and the names of an NLST
 * listing that mget saves (ftp_local_name).
 *
 * Input: the bytes a server sends, then its close; as replies they go
 * through the client's line reader as from the socket (up to one buffer
 * of them), as a listing they are split into lines as mget does. Each
 * reply read has a code of three digits, 100 to 599, that its last line
 * starts with; that line holds no CR or LF. A listed name becomes a
 * local file name with no '/' that is not "", "." or "..": a server must
 * not choose where the client writes.
 */
#include "ftp_client.h"
#include "fuzz.h"

#include <string.h>

#define FUZZ_REPLIES_MAX 64

static void check_replies(const uint8_t *data, size_t size)
{
    struct ftp_conn c = {.ctrl = -1};
    FUZZ_CHECK(line_reader_init(&c.reader, -1, FTP_CLIENT_LINE_MAX) == 0);
    line_feed(&c.reader, data, size); /* the rest would not fit: dropped */
    line_feed_eof(&c.reader);
    for (int i = 0; i < FUZZ_REPLIES_MAX; i++) {
        int code = ftp_conn_reply(&c);
        if (code == -1)
            break;
        char digits[4];
        snprintf(digits, sizeof digits, "%d", code);
        FUZZ_CHECK(code >= 100 && code <= 599);
        FUZZ_CHECK(strncmp(c.text, digits, 3) == 0);
        FUZZ_CHECK(strpbrk(c.text, "\r\n") == NULL);
    }
    line_reader_free(&c.reader);
}

static void check_listing(const uint8_t *data, size_t size)
{
    const uint8_t *p = data, *end = data + size;
    while (p < end) {
        const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        char *name = malloc(len + 1);
        FUZZ_CHECK(name != NULL);
        memcpy(name, p, len);
        name[len] = '\0';
        name[strcspn(name, "\r\n")] = '\0'; /* as mget trims a line */
        const char *local = ftp_local_name(name);
        if (local != NULL) {
            FUZZ_CHECK(local[0] != '\0' && strchr(local, '/') == NULL);
            FUZZ_CHECK(strcmp(local, ".") != 0 && strcmp(local, "..") != 0);
        }
        free(name);
        p += len + 1;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_replies(data, size);
    check_listing(data, size);
    return 0;
}
