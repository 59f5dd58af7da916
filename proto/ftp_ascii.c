/*
 * ftp_ascii.c - LF <-> CRLF for TYPE A transfers, safe across buffer ends.
 */
#include "ftp_ascii.h"

size_t ftp_ascii_to_net(struct ftp_ascii *st, const char *in, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (in[i] == '\n' && !st->last_cr)
            out[o++] = '\r';
        out[o++] = in[i];
        st->last_cr = in[i] == '\r';
    }
    return o;
}

size_t ftp_ascii_from_net(struct ftp_ascii *st, const char *in, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (st->last_cr) {
            st->last_cr = false;
            if (in[i] != '\n')
                out[o++] = '\r'; /* a lone CR is data */
        }
        if (in[i] == '\r')
            st->last_cr = true;
        else
            out[o++] = in[i];
    }
    return o;
}

size_t ftp_ascii_from_net_end(struct ftp_ascii *st, char *out)
{
    if (!st->last_cr)
        return 0;
    st->last_cr = false;
    out[0] = '\r';
    return 1;
}
