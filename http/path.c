/*
 * path.c - safe path resolution: the part of a web server that must be
 * right. CS:APP's tiny.c never rejects "..", which is the bug to avoid.
 */
#include "http_path.h"
#include "http.h"
#include "percent.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* An encoded '/' or '\\' would let one segment hide another. */
static bool segment_has_encoded_separator(const char *seg, size_t len)
{
    for (size_t i = 0; i + 2 < len; i++) {
        if (seg[i] != '%')
            continue;
        int v = percent_hex(seg[i + 1]) * 16 + percent_hex(seg[i + 2]);
        if (v == '/' || v == '\\')
            return true;
    }
    return false;
}

static bool segment_has_nul(const char *seg, size_t len)
{
    for (size_t i = 0; i + 2 < len; i++)
        if (seg[i] == '%' && seg[i + 1] == '0' && seg[i + 2] == '0')
            return true;
    return memchr(seg, '\0', len) != NULL;
}

/* Append one decoded segment (not "" and not "."); 403 for "..". */
static int append_segment(const char *seg, size_t len, char *out, size_t outlen, size_t *o)
{
    char dec[HTTP_PATH_MAX];
    if (segment_has_encoded_separator(seg, len))
        return HTTP_FORBIDDEN;
    if (len >= sizeof dec)
        return HTTP_URI_TOO_LONG;
    long n = percent_decode(seg, len, dec, sizeof dec);
    if (n < 0)
        return segment_has_nul(seg, len) ? HTTP_FORBIDDEN : HTTP_BAD_REQUEST;
    if (n == 0 || strcmp(dec, ".") == 0)
        return 0;
    if (strcmp(dec, "..") == 0)
        return HTTP_FORBIDDEN;
    size_t need = (*o > 0 ? 1 : 0) + (size_t)n;
    if (need + 1 > outlen - *o)
        return HTTP_URI_TOO_LONG;
    if (*o > 0)
        out[(*o)++] = '/';
    memcpy(out + *o, dec, (size_t)n + 1);
    *o += (size_t)n;
    return 0;
}

int http_path_normalize(const char *path, size_t len, char *out, size_t outlen)
{
    size_t o = 0;
    if (outlen == 0)
        return HTTP_URI_TOO_LONG;
    out[0] = '\0';
    if (len == 0 || path[0] != '/')
        return HTTP_BAD_REQUEST;
    size_t i = 1;
    while (i <= len) {
        size_t j = i;
        while (j < len && path[j] != '/')
            j++;
        int rc = append_segment(path + i, j - i, out, outlen, &o);
        if (rc != 0)
            return rc;
        i = j + 1;
    }
    return 0;
}

/* Is path inside root (or root itself)? Both are absolute and resolved. */
static bool path_is_inside(const char *root, const char *path)
{
    size_t n = strlen(root);
    if (n == 1 && root[0] == '/')
        return true;
    return strncmp(path, root, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

int http_resolve_path(const char *root, const char *path, size_t len, char *out, size_t outlen)
{
    char rel[HTTP_PATH_MAX], full[HTTP_PATH_MAX + 2], resolved[PATH_MAX];
    int rc = http_path_normalize(path, len, rel, sizeof rel);
    if (rc != 0)
        return rc;
    int n = snprintf(full, sizeof full, "%s/%s", root, rel);
    if (n < 0 || (size_t)n >= sizeof full)
        return HTTP_URI_TOO_LONG;
    /* realpath follows every symlink: what it returns is where the bytes
     * really are, and that is what must lie inside the root. */
    if (realpath(full, resolved) == NULL) {
        if (errno == ENOENT || errno == ENOTDIR)
            return HTTP_NOT_FOUND;
        return errno == ENAMETOOLONG ? HTTP_URI_TOO_LONG : HTTP_FORBIDDEN;
    }
    if (!path_is_inside(root, resolved))
        return HTTP_FORBIDDEN;
    if (strlen(resolved) + 1 > outlen)
        return HTTP_URI_TOO_LONG;
    memcpy(out, resolved, strlen(resolved) + 1);
    return 0;
}

#define HTTP_OPEN_FLAGS (O_RDONLY | O_CLOEXEC | O_NONBLOCK)

static int status_of_errno(int e)
{
    switch (e) {
    case ENOENT:
    case ENOTDIR:
        return HTTP_NOT_FOUND;
    case ENAMETOOLONG:
        return HTTP_URI_TOO_LONG;
    default:
        return HTTP_FORBIDDEN; /* EXDEV: an escape; ELOOP, EACCES: not ours to serve */
    }
}

/* Without openat2: resolve with realpath, check, then open. */
static int open_by_realpath(const char *root, const char *path, size_t len, int *status)
{
    char file[HTTP_PATH_MAX];
    *status = http_resolve_path(root, path, len, file, sizeof file);
    if (*status != 0)
        return -1;
    int fd = open(file, HTTP_OPEN_FLAGS | O_NOFOLLOW);
    if (fd == -1)
        *status = status_of_errno(errno);
    return fd;
}

int http_open_path(int root_fd, const char *root, const char *path, size_t len, char *rel,
                   size_t rellen, int *status)
{
    *status = http_path_normalize(path, len, rel, rellen);
    if (*status != 0)
        return -1;
    struct open_how how = {
        .flags = HTTP_OPEN_FLAGS,
        .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
    };
    int fd = (int)syscall(SYS_openat2, root_fd, rel[0] ? rel : ".", &how, sizeof how);
    if (fd == -1 && (errno == ENOSYS || errno == EPERM))
        return open_by_realpath(root, path, len, status);
    if (fd == -1)
        *status = status_of_errno(errno);
    return fd;
}

long http_url_encode_name(const char *name, char *out, size_t outlen)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;
    for (const unsigned char *c = (const unsigned char *)name; *c != '\0'; c++) {
        bool plain = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
                     (*c >= '0' && *c <= '9') || strchr("-._~", *c) != NULL;
        if (o + (plain ? 1 : 3) + 1 > outlen)
            return -1;
        if (plain) {
            out[o++] = (char)*c;
        } else {
            out[o++] = '%';
            out[o++] = hex[*c >> 4];
            out[o++] = hex[*c & 15];
        }
    }
    if (o >= outlen)
        return -1;
    out[o] = '\0';
    return (long)o;
}
