/*
 * fuzz_ftp_path.c - the FTP path resolver, ftp_path_resolve.
 *
 * Input: a working folder and an argument, separated by a NUL (no NUL:
 * the working folder is "/"). The working folder is first resolved from
 * "/", as CWD does, then the argument against it, as every file command
 * does. A resolved path is canonical (absolute, no empty, "." or ".."
 * part, no trailing slash but "/" itself), resolves to itself, and joined
 * to a root it never leaves that root.
 */
#include "fuzz.h"
#include "ftp_path.h"
#include "ftp_server.h"

#include <stdbool.h>
#include <string.h>

#define FUZZ_ROOT "/srv/ftp"

static bool has_part(const char *path, const char *part)
{
    size_t n = strlen(part);
    for (const char *p = strstr(path, part); p != NULL; p = strstr(p + 1, part))
        if (p[n] == '/' || p[n] == '\0')
            return true;
    return false;
}

static void check_canonical(const char *virt)
{
    size_t len = strlen(virt);
    FUZZ_CHECK(virt[0] == '/');
    FUZZ_CHECK(len == 1 || virt[len - 1] != '/');
    FUZZ_CHECK(strstr(virt, "//") == NULL);
    FUZZ_CHECK(!has_part(virt, "/.") && !has_part(virt, "/.."));
    FUZZ_CHECK(strchr(ftp_path_basename(virt), '/') == NULL);

    char again[FTP_PATH_MAX];
    FUZZ_CHECK(ftp_path_resolve("/", virt, again, sizeof again) == 0);
    FUZZ_CHECK(strcmp(again, virt) == 0);

    /* What ftp_path_real() joins before asking the file system. */
    char joined[sizeof FUZZ_ROOT + FTP_PATH_MAX];
    snprintf(joined, sizeof joined, "%s%s", FUZZ_ROOT, strcmp(virt, "/") == 0 ? "" : virt);
    FUZZ_CHECK(strcmp(joined, FUZZ_ROOT) == 0 || strncmp(joined, FUZZ_ROOT "/", 9) == 0);
    FUZZ_CHECK(strstr(joined, "/../") == NULL && strstr(joined, "/./") == NULL);
    FUZZ_CHECK(ftp_path_inside(FUZZ_ROOT, joined));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 2);
    char cwd[FTP_PATH_MAX], out[FTP_PATH_MAX];

    FUZZ_CHECK(text != NULL);
    memcpy(text, data, size);
    text[size] = text[size + 1] = '\0';
    size_t first = strlen(text);
    const char *cwd_arg = first < size ? text : "/";
    const char *arg = first < size ? text + first + 1 : text;

    if (ftp_path_resolve("/", cwd_arg, cwd, sizeof cwd) == 0) {
        check_canonical(cwd);
        if (ftp_path_resolve(cwd, arg, out, sizeof out) == 0)
            check_canonical(out);
    }
    free(text);
    return 0;
}
