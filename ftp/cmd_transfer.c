/*
 * cmd_transfer.c - moving files: RETR, STOR, APPE, REST and ABOR.
 *
 * RETR in binary mode hands the file to the kernel with sendfile(): the
 * bytes go from the page cache to the socket without passing through this
 * process. STOR reads into a large buffer and writes it out. Offsets are
 * off_t (64-bit), so files over 4 GiB work.
 *
 * An upload that fails leaves the file system as it was, with one
 * exception made on purpose (at the end). STOR, and APPE of a name that
 * does not exist yet, write to a hidden temporary name in the same folder
 * and rename it over the target only when the transfer completes (rename()
 * within a folder is atomic); any failure removes the temporary. APPE onto
 * an existing file and REST+STOR exist to extend a partial file, so they
 * write to the file itself: they open it (never create it) and check it
 * before the data connection, and change it only once the data connection
 * is open. If such a transfer then breaks or is aborted, the bytes that
 * arrived stay, as with vsftpd and pyftpdlib: the reply (426 or 451) says
 * the file is incomplete, and the client resumes from its SIZE with
 * REST+STOR or APPE. That is the exception.
 */
#include "ftp_ascii.h"
#include "ftp_path.h"
#include "ftp_session.h"
#include "lecture.h"
#include "trace.h"
#include "i18n.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

/* Binary RETR: sendfile() from off to the end of the file. */
static int send_binary(struct ftp_session *s, int dfd, int ffd, off_t off, off_t size)
{
    while (off < size) {
        off_t left = size - off;
        ssize_t n =
            sendfile(dfd, ffd, &off, left < FTP_SENDFILE_CHUNK ? (size_t)left : FTP_SENDFILE_CHUNK);
        if (n > 0) {
            ftp_data_trace(s, "sendfile", dfd, n, NULL, 0);
            counters_add(s->srv->stats, bytes_out, n);
            if (ftp_data_check(s) == -1)
                return -1;
            continue;
        }
        if (n == 0)
            return 0; /* the file shrank while we sent it */
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN || ftp_data_pause(s, dfd, POLLOUT) == -1)
            return -1;
    }
    return 0;
}

/* ASCII RETR: read, turn LF into CRLF, send. */
static int send_ascii(struct ftp_session *s, int dfd, int ffd, off_t off)
{
    struct ftp_ascii st = {0};
    size_t half = FTP_XFER_BUFSIZE / 2;
    char *buf = malloc(FTP_XFER_BUFSIZE + half);
    int rc = -1;
    if (buf == NULL || lseek(ffd, off, SEEK_SET) == -1)
        goto out;
    for (;;) {
        ssize_t n = io_read_some(ffd, buf, half);
        if (n <= 0) {
            rc = n == 0 ? 0 : -1;
            break;
        }
        size_t m = ftp_ascii_to_net(&st, buf, (size_t)n, buf + half);
        if (ftp_data_send(s, dfd, buf + half, m) == -1)
            break;
        counters_add(s->srv->stats, bytes_out, (long long)m);
    }
out:
    free(buf);
    return rc;
}

/* The end of every transfer: close the data connection and say how it went. */
static void transfer_finish(struct ftp_session *s, int dfd, int rc, const char *failure)
{
    ftp_data_close(s, dfd);
    if (s->abort_seen)
        ftp_reply(s, FTP_TRANSFER_ABORTED, "Transfer aborted.");
    else if (rc == 0)
        ftp_reply(s, FTP_TRANSFER_OK, "Transfer complete.");
    else
        ftp_reply(s, rc == -2 ? FTP_LOCAL_ERROR : FTP_TRANSFER_ABORTED, "%s", failure);
}

/* The lecture line for a transfer that went through: "RETR readme.txt
 * (121 B)", the name as the client gave it. */
static void transfer_tell(const struct ftp_session *s, int rc, const char *verb, const char *arg,
                          long long bytes)
{
    char size[LECTURE_SIZE_LEN];
    if (rc == 0 && !s->abort_seen)
        LECTURE("FTP", _("session from %s: %s %.60s%s (%s)"), s->peer_text, verb, arg,
                strlen(arg) > 60 ? "..." : "",
                lecture_size(bytes > 0 ? (unsigned long long)bytes : 0, size, sizeof size));
}

/* Open real only if it is a regular file. O_NONBLOCK makes the open of a
 * FIFO (or a device) return at once instead of waiting for its other end,
 * which would stall the session thread past shutdown; the type is then
 * checked on the open fd, and O_NONBLOCK cleared for the transfer.
 * Returns the fd with *st filled, or -1. */
static int file_open_regular(const char *real, int flags, mode_t mode, struct stat *st)
{
    int fd = open(real, flags | O_NONBLOCK | O_CLOEXEC, mode);
    if (fd == -1)
        return -1;
    int fl = fcntl(fd, F_GETFL);
    if (fstat(fd, st) == -1 || !S_ISREG(st->st_mode) || fl == -1 ||
        fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == -1) {
        close(fd);
        return -1;
    }
    return fd;
}

void ftp_cmd_retr(struct ftp_session *s, const char *arg)
{
    char real[PATH_MAX];
    struct stat st;
    off_t off = (off_t)s->rest;
    s->rest = 0;
    if (ftp_fs_resolve(s, arg, true, real, NULL) == -1) {
        ftp_data_forget(s);
        return;
    }
    int ffd = file_open_regular(real, O_RDONLY, 0, &st);
    if (ffd == -1 || off > st.st_size) {
        if (ffd != -1)
            close(ffd);
        ftp_data_forget(s);
        ftp_reply(s, FTP_FILE_UNAVAILABLE, "Failed to open file.");
        return;
    }
    int dfd = ftp_data_open(s);
    if (dfd != -1) {
        ftp_reply(s, FTP_DATA_OPENING, "Opening %s mode data connection for %s (%lld bytes).",
                  s->ascii ? "ASCII" : "BINARY", ftp_path_basename(real),
                  (long long)(st.st_size - off));
        int rc =
            s->ascii ? send_ascii(s, dfd, ffd, off) : send_binary(s, dfd, ffd, off, st.st_size);
        transfer_finish(s, dfd, rc, "Failure writing network stream.");
        transfer_tell(s, rc, "RETR", arg, (long long)(st.st_size - off));
    }
    close(ffd);
}

/* Receive the data connection into ffd until the client closes it, the
 * bytes written to the file counted in *written. Returns 0, -1 (network)
 * or -2 (disk). */
static int receive_file(struct ftp_session *s, int dfd, int ffd, long long *written)
{
    struct ftp_ascii st = {0};
    char *buf = malloc(FTP_XFER_BUFSIZE + 1);
    char *conv = s->ascii ? malloc(FTP_XFER_BUFSIZE + 1) : NULL;
    int rc = -1;
    if (buf == NULL || (s->ascii && conv == NULL))
        goto out;
    for (;;) {
        ssize_t n = io_read_some(dfd, buf, FTP_XFER_BUFSIZE);
        if (n == -1 && errno == EAGAIN) {
            if (ftp_data_pause(s, dfd, POLLIN) == -1)
                break;
            continue;
        }
        if (n >= 0)
            ftp_data_trace(s, "recv", dfd, n, buf, (size_t)n);
        if (n == -1 || (n > 0 && ftp_data_check(s) == -1))
            break;
        counters_add(s->srv->stats, bytes_in, n);
        const char *out = buf;
        size_t m = (size_t)n;
        if (s->ascii) {
            m = n == 0 ? ftp_ascii_from_net_end(&st, conv) : ftp_ascii_from_net(&st, buf, m, conv);
            out = conv;
        }
        if (m > 0 && io_write_all(ffd, out, m) == -1) {
            rc = -2;
            break;
        }
        *written += (long long)m;
        if (n == 0) {
            rc = 0;
            break;
        }
    }
out:
    free(buf);
    free(conv);
    return rc;
}

/* Open the file a STOR/APPE writes to: a fresh temporary beside the
 * target, or (in place) the existing target, untouched so far; a REST
 * offset past its end is refused. */
static int store_open(const char *real, bool in_place, off_t off, char *tmp, size_t tmplen)
{
    if (in_place) {
        /* real is the name itself: O_NOFOLLOW refuses to write in place
         * through a symlink (ELOOP), so APPE and REST+STOR onto a link get
         * 550. No O_CREAT: resuming a file that is not there is an error. */
        struct stat st;
        int fd = file_open_regular(real, O_WRONLY | O_NOFOLLOW, 0, &st);
        if (fd != -1 && off > st.st_size) {
            close(fd);
            return -1;
        }
        return fd;
    }
    const char *name = ftp_path_basename(real);
    int n = snprintf(tmp, tmplen, "%.*s.%s.part-XXXXXX", (int)(name - real), real, name);
    if (n < 0 || (size_t)n >= tmplen)
        return -1;
    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd != -1)
        fchmod(fd, 0644);
    return fd;
}

/* Where an in-place write starts, set only once the data connection is
 * open: APPE at the end, REST+STOR at off, with the rest cut away. */
static int store_seek(int ffd, bool append, off_t off)
{
    if (append)
        return lseek(ffd, 0, SEEK_END) == -1 ? -1 : 0;
    if (ftruncate(ffd, off) == -1 || lseek(ffd, off, SEEK_SET) == -1)
        return -1;
    return 0;
}

/* Open the data connection (*dfd, or -1 with no reply sent yet) and
 * receive into ffd, the bytes written in *written. Returns 0, -1
 * (network) or -2 (disk). */
static int store_transfer(struct ftp_session *s, int ffd, bool in_place, bool append, off_t off,
                          int *dfd, long long *written)
{
    *dfd = ftp_data_try_open(s);
    if (*dfd == -1)
        return -1;
    ftp_reply(s, FTP_DATA_OPENING, "Ok to send data.");
    if (in_place && store_seek(ffd, append, off) == -1)
        return -2;
    return receive_file(s, *dfd, ffd, written);
}

static void store(struct ftp_session *s, const char *arg, bool append)
{
    char real[PATH_MAX], tmp[PATH_MAX + 32] = "";
    struct stat st;
    /* REST sets where a STOR resumes; APPE always writes at the end, so it
     * ignores a REST offset rather than cutting the file there. */
    off_t off = append ? 0 : (off_t)s->rest;
    s->rest = 0;
    /* The name itself, not a symlink's target: a plain STOR onto a link
     * renames the new file over the link, replacing the link and leaving
     * its target untouched. */
    if (ftp_fs_resolve_link(s, arg, false, real) == -1) {
        ftp_data_forget(s);
        return;
    }
    bool in_place = off > 0 || (append && lstat(real, &st) == 0);
    int ffd = (stat(real, &st) == 0 && S_ISDIR(st.st_mode))
                  ? -1
                  : store_open(real, in_place, off, tmp, sizeof tmp);
    if (ffd == -1) {
        ftp_data_forget(s);
        ftp_reply(s, FTP_FILE_UNAVAILABLE, "Could not create file.");
        return;
    }
    int dfd;
    long long written = 0;
    int rc = store_transfer(s, ffd, in_place, append, off, &dfd, &written);
    if (close(ffd) == -1 && rc == 0)
        rc = -2;
    if (!in_place && rc == 0 && rename(tmp, real) == -1)
        rc = -2;
    if (!in_place && rc != 0)
        unlink(tmp); /* the old file, if any, is untouched */
    /* Only now, with the file system as it was, may the client hear of a failure. */
    if (dfd == -1)
        ftp_data_open_failed(s);
    else
        transfer_finish(s, dfd, rc,
                        rc == -2 ? "Failure writing to local file." : "Transfer failed.");
    if (dfd != -1) /* what this upload wrote, not the size of what it added to */
        transfer_tell(s, rc, append ? "APPE" : "STOR", arg, written);
}

void ftp_cmd_stor(struct ftp_session *s, const char *arg)
{
    store(s, arg, false);
}

void ftp_cmd_appe(struct ftp_session *s, const char *arg)
{
    store(s, arg, true);
}

void ftp_cmd_rest(struct ftp_session *s, const char *arg)
{
    uint64_t v = 0;
    for (const char *p = arg; *p != '\0'; p++) {
        if (*p < '0' || *p > '9' || v > (uint64_t)INT64_MAX / 10) {
            ftp_reply(s, FTP_ARG_ERROR, "REST needs a byte offset.");
            return;
        }
        v = v * 10 + (uint64_t)(*p - '0');
    }
    if (v > (uint64_t)INT64_MAX) {
        ftp_reply(s, FTP_ARG_ERROR, "REST offset too large.");
        return;
    }
    s->rest = v;
    ftp_reply(s, FTP_REST_OK, "Restart position accepted (%" PRIu64 ").", v);
}

void ftp_cmd_abor(struct ftp_session *s, const char *arg)
{
    (void)arg;
    ftp_data_forget(s);
    if (s->abort_seen) {
        s->abort_seen = false;
        ftp_reply(s, FTP_TRANSFER_OK, "ABOR successful.");
    } else {
        ftp_reply(s, FTP_ABOR_NO_TRANSFER, "No transfer to ABOR.");
    }
}
