/*
 * fuzz_http_response.c - the response parser of `http-demo get`.
 *
 * Input: one byte of options (bit 0: --fail; bits 1-7 seed where the
 * bytes are cut), then the bytes a server sends, then its close. The
 * response is read twice, at once and in pieces of 1 to 32 bytes, and
 * both readings must agree on the outcome, the status and the body. A
 * complete response has a three-digit status, is not an interim 1xx
 * response (but 101), and has a body no longer than
 * the bytes that came; --fail and a status of 400 or more write no body;
 * a failure always says why.
 */
#include "fuzz.h"
#include "http_client.h"

#include <stdbool.h>
#include <string.h>

struct outcome {
    int rc; /* http_client_response_feed's last answer */
    int status;
    char *body; /* malloc'd by open_memstream */
    size_t body_len;
};

static struct http_client_response resp;

static size_t next_piece(uint32_t *state, size_t left)
{
    if (*state == 0)
        return left;
    *state = *state * 1103515245u + 12345u;
    size_t n = 1 + (*state >> 16) % 32;
    return n < left ? n : left;
}

static void read_all(const char *data, size_t size, const struct http_get_options *opts,
                     uint32_t seed, struct outcome *out)
{
    char err[NET_ERR_LEN] = "";
    size_t pos = 0;
    FILE *body = open_memstream(&out->body, &out->body_len);
    FUZZ_CHECK(body != NULL);

    http_client_response_init(&resp, opts, body);
    out->rc = 0;
    while (out->rc == 0 && pos < size) {
        size_t n = next_piece(&seed, size - pos);
        out->rc = http_client_response_feed(&resp, data + pos, n, err);
        pos += n;
    }
    if (out->rc == 0)
        out->rc = http_client_response_feed(&resp, NULL, 0, err); /* the server closes */
    FUZZ_CHECK(out->rc == 1 || out->rc == -1);
    FUZZ_CHECK(out->rc == 1 || err[0] != '\0');
    out->status = out->rc == 1 ? resp.status : 0;
    fclose(body);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct http_get_options opts = {.url = "http://fuzz/"};
    struct outcome whole, pieces;
    if (size < 1)
        return 0;
    opts.fail = data[0] & 1;
    read_all((const char *)data + 1, size - 1, &opts, 0, &whole);
    read_all((const char *)data + 1, size - 1, &opts, data[0] >> 1 | 1, &pieces);

    FUZZ_CHECK(whole.rc == pieces.rc && whole.status == pieces.status);
    FUZZ_CHECK(whole.body_len == pieces.body_len);
    FUZZ_CHECK(memcmp(whole.body, pieces.body, whole.body_len) == 0);
    if (whole.rc == 1) {
        FUZZ_CHECK(whole.status >= 100 && whole.status <= 999);
        FUZZ_CHECK(whole.status >= 200 || whole.status == 101); /* not an interim one */
        FUZZ_CHECK(!(opts.fail && whole.status >= 400) || whole.body_len == 0);
        FUZZ_CHECK(whole.body_len < size);
    }
    free(whole.body);
    free(pieces.body);
    return 0;
}
