/*
 * trace_text.c - how a trace shows bytes: message previews, lines a
 * terminal cannot be steered by, and events as JSON for a live page.
 */
#include "trace.h"
#include "trace_text.h"
#include "i18n.h"

#include <langinfo.h>
#include <locale.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

/* Whether a preview may show UTF-8 text as it is (trace_use_locale). */
static atomic_bool trace_utf8;

void trace_use_locale(void)
{
    setlocale(LC_CTYPE, "");
    trace_show_utf8(strcmp(nl_langinfo(CODESET), "UTF-8") == 0);
}

void trace_show_utf8(bool on)
{
    atomic_store_explicit(&trace_utf8, on, memory_order_relaxed);
}

/* The UTF-8 character at s (n bytes there): its length, with its code
 * point in *cp; 0 when the bytes are not one (a stray continuation byte,
 * an overlong form, a surrogate, past U+10FFFF, or cut short). */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    static const uint32_t least[] = {0, 0, 0x80, 0x800, 0x10000}; /* by length: no overlongs */
    size_t len = s[0] >= 0xc2 && s[0] <= 0xdf   ? 2
                 : s[0] >= 0xe0 && s[0] <= 0xef ? 3
                 : s[0] >= 0xf0 && s[0] <= 0xf4 ? 4
                                                : 0;
    if (len == 0 || len > n)
        return 0;
    uint32_t c = s[0] & (0x7fu >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        c = c << 6 | (s[i] & 0x3fu);
    }
    if (c < least[len] || (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
        return 0;
    *cp = c;
    return len;
}

/* Characters that are valid UTF-8 yet must not reach a terminal as they
 * are: the C1 controls (a terminal may take U+009B as ESC [), and the
 * bidirectional controls and line separators, which make a line read
 * otherwise than its bytes ("Trojan Source", CVE-2021-42574). */
static const struct {
    uint32_t first, last;
} trace_unsafe[] = {
    {0x0080, 0x009f}, /* C1 controls */
    {0x061c, 0x061c}, /* ARABIC LETTER MARK */
    {0x200e, 0x200f}, /* LEFT-TO-RIGHT and RIGHT-TO-LEFT MARK */
    {0x2028, 0x202e}, /* LINE and PARAGRAPH SEPARATOR; embeddings and overrides */
    {0x2066, 0x2069}, /* isolates */
};

static bool trace_is_unsafe(uint32_t cp)
{
    for (size_t i = 0; i < sizeof trace_unsafe / sizeof trace_unsafe[0]; i++)
        if (cp >= trace_unsafe[i].first && cp <= trace_unsafe[i].last)
            return true;
    return false;
}

/* The short escapes a preview uses, as C writes them. */
static const struct {
    unsigned char byte;
    const char *escape;
} trace_named[] = {{'\n', "\\n"}, {'\r', "\\r"}, {'\t', "\\t"}, {'"', "\\\""}, {'\\', "\\\\"}};

#define PREVIEW_PIECE_LEN 16 /* room for the longest piece: "\\u202e", "\\x1b", a character */

/* One piece of a preview: what to print for the byte or character at s
 * (n bytes there), written to piece (PREVIEW_PIECE_LEN bytes). Returns
 * the piece's length; *used is how many bytes of s it stands for. */
static size_t preview_piece(const unsigned char *s, size_t n, char *piece, size_t *used)
{
    uint32_t cp;
    size_t len;

    *used = 1;
    for (size_t i = 0; i < sizeof trace_named / sizeof trace_named[0]; i++)
        if (s[0] == trace_named[i].byte)
            return (size_t)snprintf(piece, PREVIEW_PIECE_LEN, "%s", trace_named[i].escape);
    if (s[0] >= 0x20 && s[0] < 0x7f) {
        piece[0] = (char)s[0];
        return 1;
    }
    len = atomic_load_explicit(&trace_utf8, memory_order_relaxed) ? utf8_decode(s, n, &cp) : 0;
    if (len == 0) /* a control byte (ESC among them), or not text */
        return (size_t)snprintf(piece, PREVIEW_PIECE_LEN, "\\x%02x", s[0]);
    *used = len;
    if (trace_is_unsafe(cp))
        return (size_t)snprintf(piece, PREVIEW_PIECE_LEN, "\\u%04x", (unsigned)cp);
    memcpy(piece, s, len);
    return len;
}

const char *trace_preview(const void *data, size_t len, char *out, size_t outlen)
{
    const unsigned char *p = data;
    size_t shown = len < TRACE_PREVIEW_LEN ? len : TRACE_PREVIEW_LEN;
    size_t o = 0, i = 0;

    if (outlen < 3) { /* no room even for "" */
        if (outlen > 0)
            out[0] = '\0';
        return out;
    }
    out[o++] = '"';
    while (i < shown) {
        char piece[PREVIEW_PIECE_LEN];
        size_t used;
        /* the character is decoded from all the bytes there are, so one
         * that the preview's end would cut is left out whole, not halved */
        size_t n = preview_piece(p + i, len - i, piece, &used);
        if (i + used > shown || o + n + 2 > outlen) /* 2: the closing quote and '\0' */
            break;
        memcpy(out + o, piece, n);
        o += n;
        i += used;
    }
    out[o++] = '"';
    out[o] = '\0';
    if (i < len)
        /* TRANSLATORS: the bytes of a message its preview leaves out; the same
           words count the lost datagrams udp-demo ping leaves unlisted */
        snprintf(out + o, outlen - o, _(" (+%zu more)"), len - i);
    return out;
}

/* Copy text to out (outlen bytes), escaping as a preview does every byte
 * a terminal could act on: a line's words may come from a peer (an FTP
 * command, a path), and none may steer the class's terminal. */
void trace_text_safe(const char *text, char *out, size_t outlen)
{
    const unsigned char *p = (const unsigned char *)text;
    size_t n = strlen(text), o = 0;
    for (size_t i = 0; i < n;) {
        char piece[PREVIEW_PIECE_LEN];
        size_t used = 1, len = 1;
        if (p[i] >= 0x20 && p[i] < 0x7f) /* quotes and backslashes too: the text is no string */
            piece[0] = (char)p[i];
        else
            len = preview_piece(p + i, n - i, piece, &used);
        if (o + len >= outlen)
            break;
        memcpy(out + o, piece, len);
        o += len;
        i += used;
    }
    out[o] = '\0';
}

/* How many of the len bytes at data fit in limit without cutting a UTF-8
 * character in two: the page shows a preview as the terminal does. */
size_t trace_text_whole(const void *data, size_t len, size_t limit)
{
    const unsigned char *p = data;
    uint32_t cp;
    if (len <= limit)
        return len;
    size_t start = limit; /* back to the first byte of the character at limit */
    while (start > 0 && limit - start < 3 && (p[start] & 0xc0) == 0x80)
        start--;
    size_t n = utf8_decode(p + start, len - start, &cp);
    return n > 0 && start + n > limit ? start : limit;
}

/* --- events as JSON, for a live page --------------------------------------- */

/* Append a JSON string of the n bytes at s to out (*used so far). */
static void json_string(char *out, size_t outlen, size_t *used, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t at = *used;
    char esc[8];
    uint32_t cp;

    if (at < outlen)
        out[at] = '"';
    at++;
    for (size_t i = 0; i < n;) {
        const char *piece = esc;
        size_t len = 1;
        if (p[i] == '"' || p[i] == '\\') {
            esc[0] = '\\', esc[1] = (char)p[i], len = 2;
        } else if (p[i] < 0x20 || p[i] == 0x7f) {
            len = (size_t)snprintf(esc, sizeof esc, "\\u%04x", p[i]);
        } else if (p[i] < 0x80) {
            piece = (const char *)p + i;
        } else if ((len = utf8_decode(p + i, n - i, &cp)) > 0) {
            piece = (const char *)p + i;
        } else {
            piece = "\\ufffd", len = 6; /* not UTF-8: one replacement per byte */
        }
        if (at + len < outlen)
            memcpy(out + at, piece, len);
        at += len;
        i += piece == (const char *)p + i ? len : 1;
    }
    if (at < outlen)
        out[at] = '"';
    *used = at + 1;
}

/* Append ,"name":"value" to out. */
static void json_field(char *out, size_t outlen, size_t *used, const char *name, const char *s,
                       size_t n)
{
    size_t at = *used;
    int k = snprintf(out + (at < outlen ? at : outlen), at < outlen ? outlen - at : 0,
                     ",\"%s\":", name);
    *used = at + (size_t)k;
    json_string(out, outlen, used, s, n);
}

int trace_event_json(const struct trace_event *ev, uint64_t id, char *out, size_t outlen)
{
    int n = snprintf(out, outlen,
                     "{\"id\":%llu,\"t\":%llu,\"conn\":%llu,\"parent\":%llu,\"result\":%lld,"
                     "\"bytes\":%llu",
                     (unsigned long long)id, (unsigned long long)ev->time_us,
                     (unsigned long long)ev->conn, (unsigned long long)ev->parent,
                     (long long)ev->result, (unsigned long long)ev->bytes);
    if (n < 0)
        return -1;
    size_t used = (size_t)n;
    json_field(out, outlen, &used, "server", ev->server, strnlen(ev->server, sizeof ev->server));
    json_field(out, outlen, &used, "role", ev->role, strnlen(ev->role, sizeof ev->role));
    json_field(out, outlen, &used, "call", ev->call, strnlen(ev->call, sizeof ev->call));
    json_field(out, outlen, &used, "local", ev->local, strnlen(ev->local, sizeof ev->local));
    json_field(out, outlen, &used, "peer", ev->peer, strnlen(ev->peer, sizeof ev->peer));
    json_field(out, outlen, &used, "preview", ev->preview,
               ev->preview_len < sizeof ev->preview ? ev->preview_len : sizeof ev->preview);
    json_field(out, outlen, &used, "text", ev->text, strnlen(ev->text, sizeof ev->text));
    if (used + 1 >= outlen)
        return -1;
    out[used++] = '}';
    out[used] = '\0';
    return (int)used;
}
