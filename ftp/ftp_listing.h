/*
 * ftp_listing.h - one line of a directory listing: LIST in the `ls -l` form
 * every client parses, and MLSD/MLST facts (RFC 3659 section 7). Pure: the
 * caller stats the file and passes the facts in.
 */
#ifndef NETDEMO_FTP_LISTING_H
#define NETDEMO_FTP_LISTING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#define FTP_LISTING_LINE_MAX (FTP_LISTING_NAME_MAX + 256)
#define FTP_LISTING_NAME_MAX 1024
#define FTP_SIX_MONTHS_S     (182 * 24 * 3600) /* ls shows the year beyond this */

/* What a listing line says about one file. */
struct ftp_facts {
    const char *name; /* as shown: a bare name, or a path for MLST */
    bool is_dir;
    mode_t mode; /* permission bits */
    uint64_t size;
    time_t mtime;
    uint64_t dev, ino; /* the unique fact */
    bool writable;     /* the session may change it (the perm fact) */
};

/* ftp_format_list_line: "-rw-r--r-- 1 ftp ftp 1234 Nov 25 12:00 name\r\n"
 * (the year instead of the time when mtime is more than six months from
 * now). Returns the length, or 0 when it does not fit in outlen. */
size_t ftp_format_list_line(const struct ftp_facts *f, time_t now, char *out, size_t outlen);

/* ftp_format_mlsx_line: "type=file;size=1234;modify=20261125120000;perm=r;
 * unique=803U1a2b; name\r\n". type overrides the type fact ("cdir", "pdir")
 * when not NULL. With leading_space, the line starts with one space (as in
 * MLST's multi-line reply). Returns the length, or 0 when it does not fit. */
size_t ftp_format_mlsx_line(const struct ftp_facts *f, const char *type, bool leading_space,
                            char *out, size_t outlen);

/* ftp_format_mdtm: "YYYYMMDDHHMMSS" in UTC (MDTM and the modify fact).
 * out needs 15 bytes. Returns 0, or -1 if the time cannot be shown. */
int ftp_format_mdtm(time_t t, char *out, size_t outlen);

#endif
