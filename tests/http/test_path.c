/*
 * test_path.c - percent-decoding, normalisation, and resolution under a
 * real temporary document root with symlinks pointing in and out.
 */
#include "http.h"
#include "http_path.h"
#include "percent.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Criterion runs each case in a fresh process of a position-independent
 * binary, so case tables hold arrays, not pointers. */
struct decode_case {
    char in[16];
    bool ok;
    char out[16];
};

static const struct decode_case decode_cases[] = {
    {"abc", true, "abc"},   {"%41%62c", true, "Abc"}, {"a%20b", true, "a b"},
    {"%2e%2E", true, ".."}, {"a+b", true, "a+b"},     {"%e4%bd%a0", true, "\xe4\xbd\xa0"},
    {"%", false, ""},       {"%4", false, ""},        {"%zz", false, ""},
    {"%00", false, ""},     {"a%0", false, ""},       {"", true, ""},
};

ParameterizedTestParameters(http_path, percent_decode)
{
    return cr_make_param_array(struct decode_case, decode_cases,
                               sizeof decode_cases / sizeof decode_cases[0]);
}

ParameterizedTest(const struct decode_case *c, http_path, percent_decode)
{
    char out[64];
    long n = percent_decode(c->in, strlen(c->in), out, sizeof out);
    if (!c->ok) {
        cr_expect_eq(n, -1, "%s decoded to %s", c->in, out);
    } else {
        cr_assert_eq(n, (long)strlen(c->out), "%s", c->in);
        cr_expect_str_eq(out, c->out);
    }
}

Test(http_path, percent_decode_stops_at_buffer_end)
{
    char out[4];
    cr_expect_eq(percent_decode("abcd", 4, out, sizeof out), -1);
    cr_expect_eq(percent_decode("abc", 3, out, sizeof out), 3);
}

struct norm_case {
    char in[32];
    int status;
    char out[16];
};

static const struct norm_case norm_cases[] = {
    {"/", 0, ""},
    {"/a/b.html", 0, "a/b.html"},
    {"/a//b/./c/", 0, "a/b/c"},
    {"/%20x", 0, " x"},
    {"/a%2eb", 0, "a.b"},
    {"/..", 403, ""},
    {"/../etc/passwd", 403, ""},
    {"/a/../../etc/passwd", 403, ""},
    {"/a/..", 403, ""},
    {"/%2e%2e/etc/passwd", 403, ""},
    {"/%2E%2e/", 403, ""},
    {"/.%2e/x", 403, ""},
    {"/a%2f..%2f..%2fetc", 403, ""},
    {"/a%2Fb", 403, ""},
    {"/a%5cb", 403, ""},
    {"/a%00.html", 403, ""},
    {"/a%zz", 400, ""},
    {"/a%2", 400, ""},
    {"a/b", 400, ""},
    {"", 400, ""},
};

ParameterizedTestParameters(http_path, normalize)
{
    return cr_make_param_array(struct norm_case, norm_cases,
                               sizeof norm_cases / sizeof norm_cases[0]);
}

ParameterizedTest(const struct norm_case *c, http_path, normalize)
{
    char out[HTTP_PATH_MAX];
    int rc = http_path_normalize(c->in, strlen(c->in), out, sizeof out);
    cr_expect_eq(rc, c->status, "%s: %d", c->in, rc);
    if (c->status == 0 && rc == 0)
        cr_expect_str_eq(out, c->out);
}

Test(http_path, normalize_rejects_overlong_path_with_414)
{
    char in[HTTP_PATH_MAX + 100], out[HTTP_PATH_MAX];
    in[0] = '/';
    memset(in + 1, 'a', sizeof in - 2);
    in[sizeof in - 1] = '\0';
    cr_expect_eq(http_path_normalize(in, strlen(in), out, sizeof out), 414);
}

/* A docroot in a temporary folder, with a secret beside it. */
static char base[PATH_MAX], root[PATH_MAX + 8];

static void make_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    fputs(text, f);
    fclose(f);
}

static void tree_setup(void)
{
    char tmpl[] = "/tmp/netdemo-http-path-XXXXXX", p[PATH_MAX + 64];
    cr_assert_not_null(mkdtemp(tmpl));
    cr_assert_not_null(realpath(tmpl, base));
    snprintf(root, sizeof root, "%s/root", base);
    cr_assert_eq(mkdir(root, 0755), 0);
    snprintf(p, sizeof p, "%s/secret.txt", base);
    make_file(p, "secret");
    snprintf(p, sizeof p, "%s/index.html", root);
    make_file(p, "hi");
    snprintf(p, sizeof p, "%s/sub", root);
    cr_assert_eq(mkdir(p, 0755), 0);
    snprintf(p, sizeof p, "%s/sub/inner.txt", root);
    make_file(p, "in");
    snprintf(p, sizeof p, "%s/out-file", root);
    cr_assert_eq(symlink("../secret.txt", p), 0);
    snprintf(p, sizeof p, "%s/out-dir", root);
    cr_assert_eq(symlink("/etc", p), 0);
    snprintf(p, sizeof p, "%s/in-link", root);
    cr_assert_eq(symlink("sub/inner.txt", p), 0);
    snprintf(p, sizeof p, "%s/loop", root);
    cr_assert_eq(symlink("loop", p), 0);
}

static void tree_teardown(void)
{
    char cmd[PATH_MAX + 16];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
    cr_expect_eq(system(cmd), 0);
}

struct resolve_case {
    char path[40];
    int status;
    char suffix[32]; /* expected end of the resolved path */
};

static const struct resolve_case resolve_cases[] = {
    {"/", 0, "/root"},
    {"/index.html", 0, "/root/index.html"},
    {"/sub/inner.txt", 0, "/root/sub/inner.txt"},
    {"/in-link", 0, "/root/sub/inner.txt"},
    {"/missing.html", 404, ""},
    {"/index.html/x", 404, ""},
    {"/out-file", 403, ""},
    {"/out-dir/passwd", 403, ""},
    {"/out-dir/", 403, ""},
    {"/loop", 403, ""},
    {"/../secret.txt", 403, ""},
    {"/%2e%2e/secret.txt", 403, ""},
    {"/sub/%2e%2e/%2e%2e/secret.txt", 403, ""},
    {"/sub%2f..%2f..%2fsecret.txt", 403, ""},
    {"/index.html%00.txt", 403, ""},
};

ParameterizedTestParameters(http_path, resolve)
{
    return cr_make_param_array(struct resolve_case, resolve_cases,
                               sizeof resolve_cases / sizeof resolve_cases[0]);
}

ParameterizedTest(const struct resolve_case *c, http_path, resolve, .init = tree_setup,
                  .fini = tree_teardown)
{
    char out[HTTP_PATH_MAX];
    int rc = http_resolve_path(root, c->path, strlen(c->path), out, sizeof out);
    cr_expect_eq(rc, c->status, "%s: %d", c->path, rc);
    if (c->status == 0 && rc == 0) {
        size_t n = strlen(out), m = strlen(c->suffix);
        cr_expect(n >= m && strcmp(out + n - m, c->suffix) == 0, "%s -> %s", c->path, out);
    }
}

Test(http_path, url_encode_name_escapes_reserved_bytes)
{
    char out[64];
    cr_expect_eq(http_url_encode_name("a b&c\".txt", out, sizeof out), 16);
    cr_expect_str_eq(out, "a%20b%26c%22.txt");
    cr_expect_eq(http_url_encode_name("abcdef", out, 4), -1);
}

/* The same table through openat2(RESOLVE_BENEATH), as the server opens. */
ParameterizedTestParameters(http_path, open_beneath)
{
    return cr_make_param_array(struct resolve_case, resolve_cases,
                               sizeof resolve_cases / sizeof resolve_cases[0]);
}

ParameterizedTest(const struct resolve_case *c, http_path, open_beneath, .init = tree_setup,
                  .fini = tree_teardown)
{
    char rel[HTTP_PATH_MAX];
    int status = -1;
    int root_fd = open(root, O_PATH | O_DIRECTORY);
    cr_assert_neq(root_fd, -1);
    int fd = http_open_path(root_fd, root, c->path, strlen(c->path), rel, sizeof rel, &status);
    if (c->status == 0) {
        cr_expect_neq(fd, -1, "%s: status %d", c->path, status);
    } else {
        cr_expect_eq(fd, -1, "%s opened", c->path);
        cr_expect_eq(status, c->status, "%s: %d", c->path, status);
    }
    if (fd != -1)
        close(fd);
    close(root_fd);
}

Test(http_path, open_beneath_does_not_block_on_a_fifo, .init = tree_setup, .fini = tree_teardown,
     .timeout = 5)
{
    char p[PATH_MAX + 16], rel[HTTP_PATH_MAX];
    int status;
    snprintf(p, sizeof p, "%s/fifo", root);
    cr_assert_eq(mkfifo(p, 0644), 0);
    int root_fd = open(root, O_PATH | O_DIRECTORY);
    int fd = http_open_path(root_fd, root, "/fifo", 5, rel, sizeof rel, &status);
    cr_expect_neq(fd, -1); /* opened at once; the handler then refuses it (403) */
    cr_expect_str_eq(rel, "fifo");
    close(fd);
    close(root_fd);
}
