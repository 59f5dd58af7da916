/*
 * mime.c - Content-Type by file extension.
 */
#include "http_fields.h"

#include <string.h>
#include <strings.h>

/* Text types carry charset=utf-8: the bundled site and most text today is
 * UTF-8, and without it a browser may guess wrong. */
static const struct {
    const char *ext;
    const char *type;
} http_mime_table[] = {
    {"html", "text/html; charset=utf-8"},
    {"htm", "text/html; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"json", "application/json; charset=utf-8"},
    {"txt", "text/plain; charset=utf-8"},
    {"md", "text/markdown; charset=utf-8"},
    {"csv", "text/csv; charset=utf-8"},
    {"xml", "application/xml; charset=utf-8"},
    {"svg", "image/svg+xml; charset=utf-8"},
    {"png", "image/png"},
    {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"gif", "image/gif"},
    {"webp", "image/webp"},
    {"ico", "image/x-icon"},
    {"pdf", "application/pdf"},
    {"wasm", "application/wasm"},
    {"mp4", "video/mp4"},
    {"webm", "video/webm"},
    {"woff2", "font/woff2"},
    {"zip", "application/zip"},
    {"gz", "application/gzip"},
};

const char *http_mime_type(const char *name)
{
    const char *slash = strrchr(name, '/');
    const char *base = slash ? slash + 1 : name;
    const char *dot = strrchr(base, '.');
    if (dot != NULL && dot != base) {
        for (size_t i = 0; i < sizeof http_mime_table / sizeof http_mime_table[0]; i++)
            if (strcasecmp(dot + 1, http_mime_table[i].ext) == 0)
                return http_mime_table[i].type;
    }
    return "application/octet-stream";
}
