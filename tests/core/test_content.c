/*
 * test_content.c - finding the bundled content beside the program, in a
 * made-up prefix: found, missing, not a folder, too long for the buffer.
 */
#include "content.h"
#include "net.h"

#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char prefix[] = "/tmp/netdemo-content-XXXXXX";
static char exe[PATH_MAX];

/* A prefix with bin/, and share/netdemo/www as a folder beside it. */
static void make_prefix(void)
{
    char path[PATH_MAX];
    cr_assert_not_null(mkdtemp(prefix));
    snprintf(exe, sizeof exe, "%s/bin/http-demo", prefix);
    const char *dirs[] = {"bin", "share", "share/netdemo", "share/netdemo/www"};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", prefix, dirs[i]);
        cr_assert_eq(mkdir(path, 0755), 0, "mkdir %s", path);
    }
    snprintf(path, sizeof path, "%s/share/netdemo/ftp-sample", prefix);
    FILE *f = fopen(path, "w"); /* a file where a folder should be */
    cr_assert_not_null(f);
    fclose(f);
}

static void remove_prefix(void)
{
    char cmd[PATH_MAX + 16];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", prefix);
    cr_expect_eq(system(cmd), 0);
}

TestSuite(content, .init = make_prefix, .fini = remove_prefix);

Test(content, finds_share_beside_bin)
{
    char dir[PATH_MAX], err[NET_ERR_LEN], want[PATH_MAX];
    snprintf(want, sizeof want, "%s/share/netdemo/www", prefix);
    cr_assert_eq(content_dir_from(exe, CONTENT_SITE, dir, sizeof dir, err), 0, "%s", err);
    cr_expect_str_eq(dir, want);
}

Test(content, missing_folder_names_the_path_looked_for)
{
    char dir[PATH_MAX], err[NET_ERR_LEN], want[PATH_MAX];
    snprintf(want, sizeof want, "%s/share/netdemo/nothing", prefix);
    cr_assert_eq(content_dir_from(exe, "nothing", dir, sizeof dir, err), -1);
    cr_expect_str_eq(dir, want);
    cr_expect_not_null(strstr(err, "No such file or directory"), "%s", err);
}

Test(content, file_in_place_of_folder_fails)
{
    char dir[PATH_MAX], err[NET_ERR_LEN];
    cr_assert_eq(content_dir_from(exe, CONTENT_SAMPLE, dir, sizeof dir, err), -1);
    cr_expect_not_null(strstr(err, "not a directory"), "%s", err);
}

Test(content, path_longer_than_buffer_fails)
{
    char dir[16], err[NET_ERR_LEN];
    cr_assert_eq(content_dir_from(exe, CONTENT_SITE, dir, sizeof dir, err), -1);
    cr_expect_not_null(strstr(err, "too long"), "%s", err);
}

Test(content, err_may_be_null)
{
    char dir[PATH_MAX];
    cr_expect_eq(content_dir_from(exe, "nothing", dir, sizeof dir, NULL), -1);
}

/* The build tree has the installed shape: this test program, in
 * build/<preset>/bin, finds the site the way http-demo does. */
Test(content, build_tree_finds_the_site)
{
    char dir[PATH_MAX], err[NET_ERR_LEN], index[PATH_MAX + 16];
    cr_assert_eq(content_dir(CONTENT_SITE, dir, sizeof dir, err), 0, "%s", err);
    snprintf(index, sizeof index, "%s/index.html", dir);
    cr_expect_eq(access(index, R_OK), 0, "%s", index);
}
