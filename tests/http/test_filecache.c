/*
 * test_filecache.c - the per-worker open-file cache: hits, expiry, and
 * never closing a file that is still being sent.
 */
#include "http_filecache.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

static int open_null(struct stat *st)
{
    int fd = open("/dev/null", O_RDONLY);
    cr_assert_neq(fd, -1);
    cr_assert_eq(fstat(fd, st), 0);
    return fd;
}

static bool fd_is_open(int fd)
{
    return fcntl(fd, F_GETFD) != -1;
}

Test(http_filecache, put_then_get_hits_until_it_expires)
{
    static struct http_filecache fc;
    struct stat st;
    http_filecache_init(&fc, 0);
    cr_expect_null(http_filecache_get(&fc, "a.txt", 0));
    int fd = open_null(&st);
    struct http_cached_file *f = http_filecache_put(&fc, "a.txt", fd, &st, 0);
    cr_assert_not_null(f);
    http_filecache_release(f);
    struct http_cached_file *g = http_filecache_get(&fc, "a.txt", HTTP_FILECACHE_VALID_MS - 1);
    cr_assert_eq(g, f);
    cr_expect_eq(g->fd, fd);
    http_filecache_release(g);
    cr_expect_null(http_filecache_get(&fc, "a.txt", HTTP_FILECACHE_VALID_MS));
    cr_expect_not(fd_is_open(fd), "a stale entry with no user is closed");
    http_filecache_clear(&fc);
}

Test(http_filecache, entry_in_use_is_never_closed_or_replaced)
{
    static struct http_filecache fc;
    struct stat st;
    http_filecache_init(&fc, 0);
    int fd = open_null(&st);
    struct http_cached_file *f = http_filecache_put(&fc, "a.txt", fd, &st, 0);
    cr_assert_not_null(f); /* held: a response is sending from it */
    cr_expect_null(http_filecache_get(&fc, "a.txt", 5 * HTTP_FILECACHE_VALID_MS));
    cr_expect(fd_is_open(fd));
    int fd2 = open_null(&st);
    cr_expect_null(http_filecache_put(&fc, "a.txt", fd2, &st, 0), "slot busy: caller keeps fd");
    close(fd2);
    http_filecache_release(f);
    http_filecache_clear(&fc);
    cr_expect_not(fd_is_open(fd));
}

Test(http_filecache, long_or_empty_names_are_not_cached)
{
    static struct http_filecache fc;
    char name[HTTP_FILECACHE_NAME_MAX + 10];
    struct stat st;
    http_filecache_init(&fc, 0);
    memset(name, 'n', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    int fd = open_null(&st);
    cr_expect_null(http_filecache_put(&fc, name, fd, &st, 0));
    cr_expect_null(http_filecache_put(&fc, "", fd, &st, 0));
    close(fd);
    http_filecache_clear(&fc);
}

/* A file below data_max is kept in memory as it was when opened; a larger
 * one (or any, with data_max 0) is only kept open. */
static struct http_cached_file *put_file(struct http_filecache *fc, const char *rel,
                                         const char *text, size_t len)
{
    char path[] = "/tmp/netdemo-filecache-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_neq(fd, -1);
    unlink(path);
    cr_assert_eq(write(fd, text, len), (ssize_t)len);
    struct stat st;
    cr_assert_eq(fstat(fd, &st), 0);
    struct http_cached_file *f = http_filecache_put(fc, rel, fd, &st, 0);
    cr_assert_not_null(f);
    return f;
}

Test(http_filecache, small_files_are_kept_in_memory)
{
    static struct http_filecache fc;
    http_filecache_init(&fc, 8);
    struct http_cached_file *small = put_file(&fc, "small.txt", "1234567", 7);
    struct http_cached_file *large = put_file(&fc, "large.txt", "12345678", 8);
    cr_assert_not_null(small->data);
    cr_expect_eq(memcmp(small->data, "1234567", 7), 0);
    cr_expect_null(large->data, "8 bytes is not below a data_max of 8");
    http_filecache_release(small);
    http_filecache_release(large);
    http_filecache_clear(&fc);

    http_filecache_init(&fc, 0);
    struct http_cached_file *none = put_file(&fc, "small.txt", "1234567", 7);
    cr_expect_null(none->data);
    http_filecache_release(none);
    http_filecache_clear(&fc);
}
