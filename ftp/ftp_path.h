/*
 * ftp_path.h - safe paths: every name a client sends resolves inside the root.
 *
 * Two steps. ftp_path_resolve() is pure: it joins the working folder and the
 * argument and folds "." and ".." lexically, so "/../../etc" is just "/etc"
 * under the root. ftp_path_real() then asks the file system (realpath) where
 * that really is, and refuses anything a symlink takes outside the root.
 *
 * The check and the later open() are two steps, so someone with a shell on
 * the server who swaps a folder for a symlink in between could win a race;
 * FTP itself offers no way to create a symlink, so FTP clients cannot.
 */
#ifndef NETDEMO_FTP_PATH_H
#define NETDEMO_FTP_PATH_H

#include <stdbool.h>
#include <stddef.h>

/* ftp_path_resolve: the virtual path ("/a/b", always absolute, no "." or
 * ".." parts, no trailing slash except "/" itself) that arg names when the
 * working folder is cwd. An empty arg names cwd; an absolute arg starts
 * from the root; ".." never climbs above "/". Returns 0, or -1 when the
 * result would not fit in outlen. */
int ftp_path_resolve(const char *cwd, const char *arg, char *out, size_t outlen);

/* ftp_path_inside: true when the canonical path real is root or lies under it. */
bool ftp_path_inside(const char *root, const char *real);

/* ftp_path_basename: the last component of a virtual path ("" for "/"). */
const char *ftp_path_basename(const char *virt);

/* ftp_path_name_allowed: may a client give a new file or folder this name
 * (the argument of STOR, APPE, MKD, RNTO)? False when it holds a C0 control
 * character (0x01-0x1f) or DEL (0x7f). */
bool ftp_path_name_allowed(const char *name);

/* ftp_path_real: the real, canonical path of the virtual path virt under
 * root_real (itself canonical). With must_exist false, a missing last
 * component is allowed (for STOR, MKD, RNTO) as long as its parent exists.
 * Returns 0, or -1 with errno: ENOENT, EACCES when a symlink leads outside
 * the root, ENAMETOOLONG. */
int ftp_path_real(const char *root_real, const char *virt, bool must_exist, char *out,
                  size_t outlen);

/* ftp_path_link: the real path of the name virt itself, not of what it
 * points to: the parent folder canonical (and inside root_real), then the
 * last component as it is. unlink() and rename() on it act on a symlink,
 * never on its target. "/" gives root_real. Returns 0, or -1 with errno as
 * ftp_path_real. */
int ftp_path_link(const char *root_real, const char *virt, char *out, size_t outlen);

#endif
