/*
 * path.c - safe-path resolution (the check CS:APP's tiny.c never made).
 */
#include "ftp_path.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Append "/name" (len bytes) to out, which holds *used bytes. */
static int path_push(char *out, size_t outlen, size_t *used, const char *name, size_t len)
{
    if (*used + 1 + len + 1 > outlen)
        return -1;
    out[(*used)++] = '/';
    memcpy(out + *used, name, len);
    *used += len;
    out[*used] = '\0';
    return 0;
}

/* Remove the last "/name" of out: the lexical "..". At "/" it stays "/". */
static void path_pop(char *out, size_t *used)
{
    while (*used > 0 && out[*used - 1] != '/')
        (*used)--;
    if (*used > 0)
        (*used)--;
    out[*used] = '\0';
}

/* Fold each '/'-separated part of text into out. */
static int path_walk(const char *text, char *out, size_t outlen, size_t *used)
{
    const char *p = text;
    while (*p != '\0') {
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);
        if (len == 2 && p[0] == '.' && p[1] == '.')
            path_pop(out, used);
        else if (len > 0 && !(len == 1 && p[0] == '.'))
            if (path_push(out, outlen, used, p, len) == -1)
                return -1;
        p += len;
        if (*p == '/')
            p++;
    }
    return 0;
}

int ftp_path_resolve(const char *cwd, const char *arg, char *out, size_t outlen)
{
    size_t used = 0;

    if (outlen < 2)
        return -1;
    out[0] = '\0';
    if (arg[0] != '/' && path_walk(cwd, out, outlen, &used) == -1)
        return -1;
    if (path_walk(arg, out, outlen, &used) == -1)
        return -1;
    if (used == 0) {
        out[0] = '/';
        out[1] = '\0';
    }
    return 0;
}

bool ftp_path_inside(const char *root, const char *real)
{
    size_t n = strlen(root);
    if (n == 1 && root[0] == '/')
        return real[0] == '/';
    return strncmp(root, real, n) == 0 && (real[n] == '/' || real[n] == '\0');
}

const char *ftp_path_basename(const char *virt)
{
    const char *slash = strrchr(virt, '/');
    return slash ? slash + 1 : virt;
}

bool ftp_path_name_allowed(const char *name)
{
    /* Control characters are invisible in a listing, and an ESC in a name
     * drives the terminal of whoever lists it later; RFC 959 path names are
     * printable text, so a new name may hold none of them. */
    for (const unsigned char *p = (const unsigned char *)name; *p != '\0'; p++)
        if (*p < 0x20 || *p == 0x7f)
            return false;
    return true;
}

/* Canonicalise joined (root + virtual path) and check it stays inside. */
static int path_canonical(const char *root_real, const char *joined, char *out, size_t outlen)
{
    char real[PATH_MAX];
    if (realpath(joined, real) == NULL)
        return -1;
    if (!ftp_path_inside(root_real, real)) {
        errno = EACCES; /* a symlink pointed out of the root */
        return -1;
    }
    if (strlen(real) + 1 > outlen) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(out, real, strlen(real) + 1);
    return 0;
}

/* out = parent + "/" + name, for a canonical parent ("/" adds no slash). */
static int path_join_name(const char *parent, const char *name, char *out, size_t outlen)
{
    int n = snprintf(out, outlen, "%s/%s", strcmp(parent, "/") == 0 ? "" : parent, name);
    if (n < 0 || (size_t)n >= outlen) {
        errno = ENAMETOOLONG;
        return -1;
    }
    return 0;
}

int ftp_path_real(const char *root_real, const char *virt, bool must_exist, char *out,
                  size_t outlen)
{
    char joined[PATH_MAX];
    int n = snprintf(joined, sizeof joined, "%s%s", root_real, virt);
    if (n < 0 || (size_t)n >= sizeof joined) {
        errno = ENAMETOOLONG;
        return -1;
    }
    if (path_canonical(root_real, joined, out, outlen) == 0)
        return 0;
    if (errno != ENOENT || must_exist)
        return -1;
    /* A dangling symlink also gives ENOENT; writing through it could create
     * a file anywhere, so a name that exists in any form is refused here. */
    struct stat st;
    if (lstat(joined, &st) == 0) {
        errno = EACCES;
        return -1;
    }
    /* A new name: its parent must exist inside the root; the name itself
     * has no '/' and is not ".." (ftp_path_resolve folded those). */
    const char *name = ftp_path_basename(virt);
    char parent[PATH_MAX];
    joined[strlen(joined) - strlen(name) - 1] = '\0';
    if (path_canonical(root_real, joined[0] ? joined : "/", parent, sizeof parent) == -1)
        return -1;
    return path_join_name(parent, name, out, outlen);
}

int ftp_path_link(const char *root_real, const char *virt, char *out, size_t outlen)
{
    const char *name = ftp_path_basename(virt);
    char joined[PATH_MAX], parent[PATH_MAX];
    int n = snprintf(joined, sizeof joined, "%s%.*s", root_real, (int)(name - virt), virt);
    if (n < 0 || (size_t)n >= sizeof joined) {
        errno = ENAMETOOLONG;
        return -1;
    }
    if (name[0] == '\0') /* "/": the root itself, canonical already */
        return path_canonical(root_real, root_real, out, outlen);
    /* The parent is followed (it must still lie inside the root); the name is not. */
    if (path_canonical(root_real, joined, parent, sizeof parent) == -1)
        return -1;
    return path_join_name(parent, name, out, outlen);
}
