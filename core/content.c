/*
 * content.c - find the bundled content relative to the running program.
 */
#include "content.h"
#include "i18n.h"
#include "net.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* From the folder of the programs to the folder of the content, as the
 * install rules lay them out (GNUInstallDirs: bin/ and share/netdemo/). */
#ifndef NETDEMO_CONTENT_RELDIR
#define NETDEMO_CONTENT_RELDIR "../share/netdemo"
#endif
/* ... and to the translations (GNUInstallDirs: share/locale). */
#ifndef NETDEMO_LOCALE_RELDIR
#define NETDEMO_LOCALE_RELDIR "../share/locale"
#endif

/* "path: why" into err, anet-style; err may be NULL. */
static void content_set_error(char *err, const char *path, const char *why)
{
    if (err != NULL)
        snprintf(err, NET_ERR_LEN, "%.200s: %s", path, why);
}

/* exe's folder, then rel, then name (NULL: none): the folder found, or
 * -1 with err. */
static int beside(const char *exe, const char *rel, const char *name, char *buf, size_t len,
                  char *err)
{
    const char *slash = strrchr(exe, '/');
    size_t dir_len = slash == NULL ? 0 : (size_t)(slash - exe);

    /* Climb one folder for each leading "../", so that messages read
     * /usr/share/netdemo/www rather than /usr/bin/../share/netdemo/www. */
    while (strncmp(rel, "../", 3) == 0 && dir_len > 0) {
        while (dir_len > 0 && exe[dir_len - 1] != '/')
            dir_len--;
        if (dir_len > 0)
            dir_len--; /* the slash itself */
        rel += 3;
    }
    int n = snprintf(buf, len, "%.*s/%s%s%s", (int)dir_len, exe, rel, name ? "/" : "",
                     name ? name : "");
    if (n < 0 || (size_t)n >= len) {
        content_set_error(err, exe, _("path too long"));
        return -1;
    }
    struct stat st;
    if (stat(buf, &st) == -1) {
        content_set_error(err, buf, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        content_set_error(err, buf, _("not a directory"));
        return -1;
    }
    return 0;
}

int content_dir_from(const char *exe, const char *name, char *buf, size_t len, char *err)
{
    return beside(exe, NETDEMO_CONTENT_RELDIR, name, buf, len, err);
}

/* This program's path, as the kernel knows it (symlinks resolved), in
 * exe (PATH_MAX bytes). Returns 0, or -1 with err. */
static int own_path(char *exe, char *err)
{
    ssize_t n = readlink("/proc/self/exe", exe, PATH_MAX - 1);
    if (n == -1) {
        content_set_error(err, "readlink /proc/self/exe", strerror(errno));
        return -1;
    }
    exe[n] = '\0';
    return 0;
}

int content_locale_dir(char *buf, size_t len)
{
    char exe[PATH_MAX];
    if (own_path(exe, NULL) == -1)
        return -1;
    return beside(exe, NETDEMO_LOCALE_RELDIR, NULL, buf, len, NULL);
}

int content_dir(const char *name, char *buf, size_t len, char *err)
{
    char exe[PATH_MAX];

    if (own_path(exe, err) == -1) {
        if (len > 0)
            buf[0] = '\0';
        return -1;
    }
    return content_dir_from(exe, name, buf, len, err);
}
