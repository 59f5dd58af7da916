/*
 * cmd_list.c - the listings: LIST (ls -l lines), NLST (names), MLSD (RFC
 * 3659 facts, on the data connection) and MLST (facts of one file, on the
 * control connection).
 */
#include "ftp_listing.h"
#include "ftp_path.h"
#include "ftp_session.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum list_style { LIST_LONG, LIST_NAMES, LIST_MLSD };

/* A listing buffer flushed to the data connection as it fills. */
struct list_out {
    struct ftp_session *s;
    int fd;
    size_t used;
    int failed;
    char buf[FTP_LIST_BUFSIZE];
};

static void list_flush(struct list_out *o)
{
    if (!o->failed && o->used > 0 && ftp_data_send(o->s, o->fd, o->buf, o->used) == -1)
        o->failed = 1;
    counters_add(o->s->srv->stats, bytes_out, (long long)o->used);
    o->used = 0;
}

static void list_emit(struct list_out *o, enum list_style style, const struct ftp_facts *f)
{
    char line[FTP_LISTING_LINE_MAX];
    size_t n;
    if (style == LIST_LONG)
        n = ftp_format_list_line(f, time(NULL), line, sizeof line);
    else if (style == LIST_MLSD)
        n = ftp_format_mlsx_line(f, NULL, false, line, sizeof line);
    else
        n = (size_t)snprintf(line, sizeof line, "%s\r\n", f->name);
    if (n == 0 || n >= sizeof line)
        return; /* a name too long to list */
    if (o->used + n > sizeof o->buf)
        list_flush(o);
    memcpy(o->buf + o->used, line, n);
    o->used += n;
}

static void facts_from_stat(struct ftp_facts *f, const char *name, const struct stat *st,
                            bool writable)
{
    *f = (struct ftp_facts){
        .name = name,
        .is_dir = S_ISDIR(st->st_mode),
        .mode = st->st_mode & 07777,
        .size = (uint64_t)st->st_size,
        .mtime = st->st_mtime,
        .dev = (uint64_t)st->st_dev,
        .ino = (uint64_t)st->st_ino,
        .writable = writable,
    };
}

/* Facts of one folder entry. A symlink is shown as what it points to, and
 * not at all when it leads outside the root (or nowhere). */
static bool entry_facts(struct ftp_session *s, int dfd, const char *dir, const char *name,
                        struct stat *st)
{
    if (strpbrk(name, "\r\n") != NULL) /* cannot be written on a listing line */
        return false;
    if (fstatat(dfd, name, st, AT_SYMLINK_NOFOLLOW) == -1)
        return false;
    if (S_ISLNK(st->st_mode)) {
        char joined[PATH_MAX], real[PATH_MAX];
        int n = snprintf(joined, sizeof joined, "%s/%s", dir, name);
        if (n < 0 || (size_t)n >= sizeof joined || realpath(joined, real) == NULL ||
            !ftp_path_inside(s->srv->root_real, real) || stat(real, st) == -1)
            return false;
    }
    return S_ISREG(st->st_mode) || S_ISDIR(st->st_mode);
}

static void list_dir(struct list_out *o, enum list_style style, const char *real)
{
    DIR *d = opendir(real);
    if (d == NULL)
        return;
    while (!o->failed) {
        struct dirent *e = readdir(d);
        struct stat st;
        struct ftp_facts f;
        if (e == NULL)
            break;
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (!entry_facts(o->s, dirfd(d), real, e->d_name, &st))
            continue;
        facts_from_stat(&f, e->d_name, &st, o->s->can_write);
        list_emit(o, style, &f);
    }
    closedir(d);
}

/* Resolve and stat a listing's target; replies 550 itself on failure. */
static int list_target(struct ftp_session *s, const char *arg, char *real, struct stat *st)
{
    if (ftp_fs_resolve(s, arg, true, real, NULL) == -1)
        return -1;
    if (stat(real, st) == -1) {
        ftp_reply(s, FTP_FILE_UNAVAILABLE, "No such file or directory.");
        return -1;
    }
    return 0;
}

/* A folder's entries, or one file's line, then flush. */
static void list_write(struct list_out *o, enum list_style style, const char *real,
                       const struct stat *st)
{
    if (S_ISDIR(st->st_mode)) {
        list_dir(o, style, real);
    } else {
        struct ftp_facts f;
        facts_from_stat(&f, ftp_path_basename(real), st, o->s->can_write);
        list_emit(o, style, &f);
    }
    list_flush(o);
}

/* LIST and NLST take `ls` options ("-la") that clients add; skip them. */
static const char *skip_options(const char *arg)
{
    while (arg[0] == '-') {
        const char *space = strchr(arg, ' ');
        arg = space ? space + 1 : arg + strlen(arg);
    }
    return arg;
}

static void list_run(struct ftp_session *s, const char *arg, enum list_style style)
{
    char real[PATH_MAX];
    struct stat st;
    if (list_target(s, arg, real, &st) == -1) {
        ftp_data_forget(s);
        return;
    }
    if (style == LIST_MLSD && !S_ISDIR(st.st_mode)) {
        ftp_data_forget(s);
        ftp_reply(s, FTP_FILE_UNAVAILABLE, "MLSD needs a directory.");
        return;
    }
    struct list_out *o = malloc(sizeof *o);
    if (o == NULL) {
        ftp_data_forget(s);
        ftp_reply(s, FTP_LOCAL_ERROR, "Out of memory.");
        return;
    }
    int fd = ftp_data_open(s);
    if (fd != -1) {
        *o = (struct list_out){.s = s, .fd = fd};
        ftp_reply(s, FTP_DATA_OPENING, "Here comes the directory listing.");
        list_write(o, style, real, &st);
        ftp_data_close(s, fd);
        if (o->failed)
            ftp_reply(s, FTP_TRANSFER_ABORTED, "Listing aborted.");
        else
            ftp_reply(s, FTP_TRANSFER_OK, "Directory send OK.");
    }
    free(o);
}

void ftp_cmd_list(struct ftp_session *s, const char *arg)
{
    list_run(s, skip_options(arg), LIST_LONG);
}

void ftp_cmd_nlst(struct ftp_session *s, const char *arg)
{
    list_run(s, skip_options(arg), LIST_NAMES);
}

void ftp_cmd_mlsd(struct ftp_session *s, const char *arg)
{
    list_run(s, arg, LIST_MLSD);
}

/* STAT path: the LIST lines on the control connection, inside a 213
 * reply (RFC 959 4.1.3), with no data connection at all. */
void ftp_list_status(struct ftp_session *s, const char *arg)
{
    char real[PATH_MAX], head[FTP_PATH_MAX + 32];
    struct stat st;
    arg = skip_options(arg);
    if (list_target(s, arg, real, &st) == -1)
        return;
    struct list_out *o = malloc(sizeof *o);
    if (o == NULL) {
        ftp_reply(s, FTP_LOCAL_ERROR, "Out of memory.");
        return;
    }
    *o = (struct list_out){.s = s, .fd = s->ctrl_fd};
    int n = snprintf(head, sizeof head, "213-Status of %s:\r\n", arg);
    ftp_reply_raw(s, head, (size_t)n < sizeof head ? (size_t)n : sizeof head - 1);
    list_write(o, LIST_LONG, real, &st);
    if (o->failed)
        s->state = FTP_STATE_CLOSING;
    else
        ftp_reply(s, FTP_STAT_FILE, "End of status.");
    free(o);
}

/* MLST: the facts of one file on the control connection (RFC 3659 7.2). */
void ftp_cmd_mlst(struct ftp_session *s, const char *arg)
{
    char real[PATH_MAX], virt[FTP_PATH_MAX], line[FTP_LISTING_LINE_MAX + 64];
    struct stat st;
    struct ftp_facts f;
    if (ftp_fs_resolve(s, arg, true, real, virt) == -1)
        return;
    if (stat(real, &st) == -1) {
        ftp_reply(s, FTP_FILE_UNAVAILABLE, "No such file or directory.");
        return;
    }
    facts_from_stat(&f, virt, &st, s->can_write);
    int n = snprintf(line, sizeof line, "250-Listing %s\r\n", virt);
    size_t m = ftp_format_mlsx_line(&f, NULL, true, line + n, sizeof line - (size_t)n - 16);
    if (m == 0) {
        ftp_reply(s, FTP_FILE_UNAVAILABLE, "Name too long.");
        return;
    }
    memcpy(line + (size_t)n + m, "250 End\r\n", 9);
    ftp_reply_raw(s, line, (size_t)n + m + 9);
}
