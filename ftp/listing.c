/*
 * listing.c - LIST and MLSD/MLST lines.
 */
#include "ftp_listing.h"

#include <inttypes.h>
#include <stdio.h>
#include <sys/stat.h>

static void format_mode(const struct ftp_facts *f, char out[11])
{
    static const char rwx[] = "rwxrwxrwx";
    out[0] = f->is_dir ? 'd' : '-';
    for (int i = 0; i < 9; i++)
        out[i + 1] = (f->mode & (1u << (8 - i))) ? rwx[i] : '-';
    out[10] = '\0';
}

size_t ftp_format_list_line(const struct ftp_facts *f, time_t now, char *out, size_t outlen)
{
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char mode[11], when[64];
    struct tm tm;

    format_mode(f, mode);
    if (gmtime_r(&f->mtime, &tm) == NULL)
        return 0;
    /* ls shows the time for recent files and the year for old or future ones. */
    time_t age = now - f->mtime;
    if (age < FTP_SIX_MONTHS_S && age > -FTP_SIX_MONTHS_S)
        snprintf(when, sizeof when, "%s %2d %02d:%02d", months[tm.tm_mon], tm.tm_mday, tm.tm_hour,
                 tm.tm_min);
    else
        snprintf(when, sizeof when, "%s %2d  %4d", months[tm.tm_mon], tm.tm_mday,
                 tm.tm_year + 1900);
    /* The owner is always "ftp": local user names are none of a client's business. */
    int n =
        snprintf(out, outlen, "%s 1 ftp ftp %12" PRIu64 " %s %s\r\n", mode, f->size, when, f->name);
    return n < 0 || (size_t)n >= outlen ? 0 : (size_t)n;
}

int ftp_format_mdtm(time_t t, char *out, size_t outlen)
{
    struct tm tm;
    if (gmtime_r(&t, &tm) == NULL || tm.tm_year + 1900 > 9999 || tm.tm_year + 1900 < 0)
        return -1;
    int n = snprintf(out, outlen, "%04d%02d%02d%02d%02d%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

size_t ftp_format_mlsx_line(const struct ftp_facts *f, const char *type, bool leading_space,
                            char *out, size_t outlen)
{
    char modify[16];
    if (ftp_format_mdtm(f->mtime, modify, sizeof modify) == -1)
        return 0;
    /* perm (RFC 3659 7.5.5): files r(etrieve), and a(ppend) d(elete)
     * f(rename) w(rite) when writable; folders e(nter) l(ist), and
     * c(reate) m(kdir) p(urge) d f when writable. */
    const char *perm = f->is_dir ? (f->writable ? "elcmpdf" : "el") : (f->writable ? "radfw" : "r");
    const char *lead = leading_space ? " " : "";
    int n;
    if (type == NULL)
        type = f->is_dir ? "dir" : "file";
    if (f->is_dir)
        n = snprintf(out, outlen,
                     "%stype=%s;modify=%s;perm=%s;unique=%" PRIx64 "U%" PRIx64 "; %s\r\n", lead,
                     type, modify, perm, f->dev, f->ino, f->name);
    else
        n = snprintf(out, outlen,
                     "%stype=%s;size=%" PRIu64 ";modify=%s;perm=%s;unique=%" PRIx64 "U%" PRIx64
                     "; %s\r\n",
                     lead, type, f->size, modify, perm, f->dev, f->ino, f->name);
    return n < 0 || (size_t)n >= outlen ? 0 : (size_t)n;
}
