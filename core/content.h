/*
 * content.h - where the bundled content lives: the site http-demo serves
 * and the folder ftp-demo shares.
 *
 * Nothing is compiled in as an absolute path. A program looks beside its
 * own binary: <exe dir>/../share/netdemo/<name>, the Debian layout, so an
 * installed copy works from any prefix and after the prefix is moved. The
 * build tree has the same shape (build/<preset>/share/netdemo links back
 * to the sources), so a freshly built program finds them too.
 */
#ifndef NETDEMO_CONTENT_H
#define NETDEMO_CONTENT_H

#include <stddef.h>

#define CONTENT_SITE   "www"        /* the site http-demo serves by default */
#define CONTENT_SAMPLE "ftp-sample" /* the folder ftp-demo serves by default */

/* content_dir: find the bundled folder NAME next to the running program.
 * On success buf holds its path and 0 is returned. On failure -1 is
 * returned, buf still holds the path looked for (when it fits, so that the
 * caller can name it) and err (NET_ERR_LEN bytes, may be NULL) the reason. */
int content_dir(const char *name, char *buf, size_t len, char *err);

/* content_dir_from: the same, for a program at the path exe. It reads
 * nothing but the one folder it checks; tests give it a made-up exe. */
int content_dir_from(const char *exe, const char *name, char *buf, size_t len, char *err);

/* content_locale_dir: the translations next to the running program,
 * <exe dir>/../share/locale, for bindtextdomain() (core/i18n.c). Returns
 * 0 with the path in buf, or -1 when there is no such folder. */
int content_locale_dir(char *buf, size_t len);

#endif
