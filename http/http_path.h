/*
 * http_path.h - from a request target to a file under the document root, safely.
 *
 * Every way out of the root ends in 403 or 404 and never serves the file:
 * `..` segments (plain or as %2e%2e), encoded slashes (%2f), NUL (%00), bad
 * escapes, and symbolic links whose target lies outside the root.
 */
#ifndef NETDEMO_HTTP_PATH_H
#define NETDEMO_HTTP_PATH_H

#include <stddef.h>

/* http_path_normalize: turn the path part of a target (before any '?')
 * into a clean relative path: decoded, without empty or "." segments, and
 * without a leading '/'. "" stands for the root itself. Returns 0, or an
 * HTTP status: 400 (not starting with '/', bad escape), 403 (a ".."
 * segment, an encoded '/' or '\\', a NUL), 414 (too long). */
int http_path_normalize(const char *path, size_t len, char *out, size_t outlen);

/* http_resolve_path: the file a target's path names under root (which must
 * be an absolute path with no symlinks, such as realpath() gives). Follows
 * symbolic links and checks the result is still inside root. On success
 * out holds the resolved absolute path. Returns 0, or an HTTP status: 400,
 * 403 (escape, unreadable), 404 (missing), 414. */
int http_resolve_path(const char *root, const char *path, size_t len, char *out, size_t outlen);

/* http_open_path: open what a target's path names under the root, in one
 * step the kernel checks: openat2(RESOLVE_BENEATH) refuses any ".." or
 * symlink (absolute or relative) that would leave root_fd. Where openat2
 * is missing it falls back to http_resolve_path(root, ...) and open().
 * rel receives the normalised relative path ("" for the root). Returns an
 * fd (O_RDONLY, non-blocking, so a FIFO cannot stall the worker), or -1
 * with an HTTP status in *status: 400, 403, 404 or 414. */
int http_open_path(int root_fd, const char *root, const char *path, size_t len, char *rel,
                   size_t rellen, int *status);

/* http_url_encode_name: percent-encode a file name for an href (keeps
 * unreserved characters). Returns the length, or -1 if out is too small. */
long http_url_encode_name(const char *name, char *out, size_t outlen);

#endif
