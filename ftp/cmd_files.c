/*
 * cmd_files.c - the commands that look at or change files by name: PWD, CWD, CDUP,
 * SIZE, MDTM, DELE, MKD, RMD, RNFR, RNTO. Every name goes through
 * ftp_fs_resolve(), the one door into the file system.
 *
 * Commands that remove or rename a name act on the name itself, as vsftpd
 * does: DELE of a symlink removes the link, not the file it points to.
 * ftp_fs_resolve_link() gives that path (its folder canonical, its last
 * component not followed); unlink(), rmdir() and rename() never follow
 * the last component.
 */
#include "ftp_listing.h"
#include "ftp_path.h"
#include "ftp_session.h"
#include "trace.h"
#include "i18n.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int ftp_fs_resolve(struct ftp_session *s, const char *arg, bool must_exist, char *real, char *virt)
{
    char v[FTP_PATH_MAX];
    if (ftp_path_resolve(s->cwd, arg, v, sizeof v) == -1) {
        ftp_reply(s, FTP_NAME_NOT_ALLOWED, "File name too long.");
        return -1;
    }
    if (ftp_path_real(s->srv->root_real, v, must_exist, real, PATH_MAX) == -1) {
        if (errno == EACCES)
            TRACE(N_("path: \"%s\" leads outside the root: refused"), arg);
        ftp_reply(s, FTP_FILE_UNAVAILABLE, "%s.",
                  errno == ENOENT ? "No such file or directory" : "Permission denied");
        return -1;
    }
    if (virt != NULL)
        memcpy(virt, v, strlen(v) + 1);
    return 0;
}

int ftp_fs_resolve_link(struct ftp_session *s, const char *arg, bool must_exist, char *real)
{
    char virt[FTP_PATH_MAX];
    if (ftp_fs_resolve(s, arg, must_exist, real, virt) == -1)
        return -1;
    if (ftp_path_link(s->srv->root_real, virt, real, PATH_MAX) == -1) {
        TRACE(N_("path: the folder of \"%s\" leads outside the root: refused"), arg);
        ftp_reply(s, FTP_FILE_UNAVAILABLE, "Permission denied.");
        return -1;
    }
    return 0;
}

/* RFC 959: a '"' inside a quoted path name is doubled. */
static void quote_path(const char *in, char *out, size_t outlen)
{
    size_t o = 0;
    for (; *in != '\0' && o + 3 < outlen; in++) {
        if (*in == '"')
            out[o++] = '"';
        out[o++] = *in;
    }
    out[o] = '\0';
}

void ftp_cmd_pwd(struct ftp_session *s, const char *arg)
{
    char q[2 * FTP_PATH_MAX];
    (void)arg;
    quote_path(s->cwd, q, sizeof q);
    ftp_reply(s, FTP_PATH_CREATED, "\"%s\" is the current directory.", q);
}

void ftp_cmd_cwd(struct ftp_session *s, const char *arg)
{
    char real[PATH_MAX], virt[FTP_PATH_MAX];
    struct stat st;
    if (ftp_fs_resolve(s, arg, true, real, virt) == -1)
        return;
    if (stat(real, &st) == -1 || !S_ISDIR(st.st_mode) || access(real, X_OK) == -1) {
        ftp_reply(s, FTP_FILE_UNAVAILABLE, "Failed to change directory.");
        return;
    }
    memcpy(s->cwd, virt, strlen(virt) + 1);
    ftp_reply(s, FTP_FILE_OK, "Directory successfully changed.");
}

void ftp_cmd_cdup(struct ftp_session *s, const char *arg)
{
    (void)arg;
    ftp_cmd_cwd(s, "..");
}

/* stat() a regular file by name; replies 550 itself when it is not one. */
static int fs_stat_file(struct ftp_session *s, const char *arg, struct stat *st)
{
    char real[PATH_MAX];
    if (ftp_fs_resolve(s, arg, true, real, NULL) == -1)
        return -1;
    if (stat(real, st) == -1 || !S_ISREG(st->st_mode)) {
        ftp_reply(s, FTP_FILE_UNAVAILABLE, "Not a regular file.");
        return -1;
    }
    return 0;
}

void ftp_cmd_size(struct ftp_session *s, const char *arg)
{
    struct stat st;
    if (fs_stat_file(s, arg, &st) == 0)
        ftp_reply(s, FTP_STAT_FILE, "%lld", (long long)st.st_size);
}

void ftp_cmd_mdtm(struct ftp_session *s, const char *arg)
{
    struct stat st;
    char when[16];
    if (fs_stat_file(s, arg, &st) == -1)
        return;
    if (ftp_format_mdtm(st.st_mtime, when, sizeof when) == -1)
        ftp_reply(s, FTP_FILE_UNAVAILABLE, "Cannot show that time.");
    else
        ftp_reply(s, FTP_STAT_FILE, "%s", when);
}

void ftp_cmd_dele(struct ftp_session *s, const char *arg)
{
    char real[PATH_MAX];
    struct stat st;
    if (ftp_fs_resolve_link(s, arg, true, real) == -1)
        return;
    if (lstat(real, &st) == -1 || S_ISDIR(st.st_mode) || unlink(real) == -1) {
        ftp_reply(s, FTP_FILE_UNAVAILABLE, "Delete operation failed.");
        return;
    }
    ftp_reply(s, FTP_FILE_OK, "Delete operation successful.");
}

void ftp_cmd_mkd(struct ftp_session *s, const char *arg)
{
    char real[PATH_MAX], virt[FTP_PATH_MAX], q[2 * FTP_PATH_MAX];
    if (ftp_fs_resolve(s, arg, false, real, virt) == -1)
        return;
    if (mkdir(real, 0755) == -1) {
        ftp_reply(s, FTP_FILE_UNAVAILABLE, "Create directory operation failed.");
        return;
    }
    quote_path(virt, q, sizeof q);
    ftp_reply(s, FTP_PATH_CREATED, "\"%s\" created.", q);
}

void ftp_cmd_rmd(struct ftp_session *s, const char *arg)
{
    char real[PATH_MAX];
    /* The name itself: rmdir() on a symlink fails (ENOTDIR), as it should,
     * rather than removing the folder it points to. */
    if (ftp_fs_resolve_link(s, arg, true, real) == -1)
        return;
    if (strcmp(real, s->srv->root_real) == 0 || rmdir(real) == -1) {
        ftp_reply(s, FTP_FILE_UNAVAILABLE, "Remove directory operation failed.");
        return;
    }
    ftp_reply(s, FTP_FILE_OK, "Remove directory operation successful.");
}

void ftp_cmd_rnfr(struct ftp_session *s, const char *arg)
{
    char real[PATH_MAX];
    s->have_rename = false;
    if (ftp_fs_resolve_link(s, arg, true, real) == -1)
        return;
    if (strcmp(real, s->srv->root_real) == 0 || strlen(real) >= sizeof s->rename_from) {
        ftp_reply(s, FTP_FILE_UNAVAILABLE, "Cannot rename that.");
        return;
    }
    memcpy(s->rename_from, real, strlen(real) + 1);
    s->have_rename = true;
    ftp_reply(s, FTP_REST_OK, "Ready for RNTO.");
}

void ftp_cmd_rnto(struct ftp_session *s, const char *arg)
{
    char real[PATH_MAX];
    if (!s->have_rename) {
        ftp_reply(s, FTP_BAD_SEQUENCE, "RNFR required first.");
        return;
    }
    s->have_rename = false;
    if (ftp_fs_resolve_link(s, arg, false, real) == -1)
        return;
    if (rename(s->rename_from, real) == -1) {
        ftp_reply(s, FTP_FILE_UNAVAILABLE, "Rename failed.");
        return;
    }
    ftp_reply(s, FTP_FILE_OK, "Rename successful.");
}
