/*
 * test_format.c - what the FTP server writes: LIST and MLSD lines, MDTM
 * times, and TYPE A conversion across buffer boundaries; and the client's
 * ftp:// URL parser.
 */
#include "ftp_ascii.h"
#include "ftp_client.h"
#include "ftp_listing.h"

#include <criterion/criterion.h>
#include <string.h>

/* 2026-11-25 12:34:56 UTC */
#define T_NOW 1795610096

static struct ftp_facts file_facts(void)
{
    return (struct ftp_facts){.name = "readme.txt",
                              .mode = 0644,
                              .size = 1234,
                              .mtime = T_NOW - 3600,
                              .dev = 0x803,
                              .ino = 0x1a2b};
}

Test(ftp_listing, list_line_is_ls_style_with_time_when_recent)
{
    struct ftp_facts f = file_facts();
    char out[FTP_LISTING_LINE_MAX];
    size_t n = ftp_format_list_line(&f, T_NOW, out, sizeof out);
    cr_expect_str_eq(out, "-rw-r--r-- 1 ftp ftp         1234 Nov 25 11:34 readme.txt\r\n");
    cr_expect_eq(n, strlen(out));
}

Test(ftp_listing, list_line_shows_year_when_old_and_d_for_folders)
{
    struct ftp_facts f = file_facts();
    char out[FTP_LISTING_LINE_MAX];
    f.is_dir = true;
    f.mode = 0755;
    f.name = "docs";
    f.size = 4096;
    f.mtime = T_NOW - 400L * 24 * 3600;
    ftp_format_list_line(&f, T_NOW, out, sizeof out);
    cr_expect_str_eq(out, "drwxr-xr-x 1 ftp ftp         4096 Oct 21  2025 docs\r\n");
}

Test(ftp_listing, list_line_reports_no_room)
{
    struct ftp_facts f = file_facts();
    char out[20];
    cr_expect_eq(ftp_format_list_line(&f, T_NOW, out, sizeof out), 0);
}

Test(ftp_listing, mlsd_line_has_the_five_facts)
{
    struct ftp_facts f = file_facts();
    char out[FTP_LISTING_LINE_MAX];
    ftp_format_mlsx_line(&f, NULL, false, out, sizeof out);
    cr_expect_str_eq(
        out, "type=file;size=1234;modify=20261125113456;perm=r;unique=803U1a2b; readme.txt\r\n");
    f.writable = true;
    ftp_format_mlsx_line(&f, NULL, true, out, sizeof out);
    cr_expect_str_eq(
        out,
        " type=file;size=1234;modify=20261125113456;perm=radfw;unique=803U1a2b; readme.txt\r\n");
}

Test(ftp_listing, mlsd_line_for_folders_has_no_size)
{
    struct ftp_facts f = file_facts();
    char out[FTP_LISTING_LINE_MAX];
    f.is_dir = true;
    f.name = "docs";
    ftp_format_mlsx_line(&f, NULL, false, out, sizeof out);
    cr_expect_str_eq(out, "type=dir;modify=20261125113456;perm=el;unique=803U1a2b; docs\r\n");
    ftp_format_mlsx_line(&f, "cdir", false, out, sizeof out);
    cr_expect(strncmp(out, "type=cdir;", 10) == 0);
}

Test(ftp_listing, mdtm_is_utc_digits)
{
    char out[16];
    cr_assert_eq(ftp_format_mdtm(0, out, sizeof out), 0);
    cr_expect_str_eq(out, "19700101000000");
    cr_expect_eq(ftp_format_mdtm(0, out, 10), -1);
}

/* --- TYPE A ----------------------------------------------------------------- */

/* Convert text in pieces of every size from 1 to its length; the result
 * must not depend on where the pieces break. */
static void to_net_in_pieces(const char *in, const char *want)
{
    size_t n = strlen(in);
    for (size_t piece = 1; piece <= n; piece++) {
        struct ftp_ascii st = {0};
        char out[256];
        size_t o = 0;
        for (size_t i = 0; i < n; i += piece) {
            size_t k = n - i < piece ? n - i : piece;
            o += ftp_ascii_to_net(&st, in + i, k, out + o);
        }
        out[o] = '\0';
        cr_expect_str_eq(out, want, "pieces of %zu", piece);
    }
}

static void from_net_in_pieces(const char *in, const char *want)
{
    size_t n = strlen(in);
    for (size_t piece = 1; piece <= n; piece++) {
        struct ftp_ascii st = {0};
        char out[256];
        size_t o = 0;
        for (size_t i = 0; i < n; i += piece) {
            size_t k = n - i < piece ? n - i : piece;
            o += ftp_ascii_from_net(&st, in + i, k, out + o);
        }
        o += ftp_ascii_from_net_end(&st, out + o);
        out[o] = '\0';
        cr_expect_str_eq(out, want, "pieces of %zu", piece);
    }
}

Test(ftp_ascii, lf_becomes_crlf_across_buffer_boundaries)
{
    to_net_in_pieces("a\nb\n\nc", "a\r\nb\r\n\r\nc");
    to_net_in_pieces("dos\r\nline\n", "dos\r\nline\r\n");
    to_net_in_pieces("\n", "\r\n");
    to_net_in_pieces("lone\rcr", "lone\rcr");
}

Test(ftp_ascii, crlf_becomes_lf_across_buffer_boundaries)
{
    from_net_in_pieces("a\r\nb\r\n\r\nc", "a\nb\n\nc");
    from_net_in_pieces("lone\rcr\r\n", "lone\rcr\n");
    from_net_in_pieces("ends with cr\r", "ends with cr\r");
    from_net_in_pieces("\r\r\n", "\r\n");
    from_net_in_pieces("plain\n", "plain\n");
}

/* --- ftp:// URLs (the client) ---------------------------------------------- */

Test(ftp_url, parses_user_password_host_port_path)
{
    struct ftp_url u;
    cr_assert_eq(ftp_parse_url("ftp://ann:s%40cret@127.0.0.1:2121/docs/a%20b.txt", &u), 0);
    cr_expect_str_eq(u.user, "ann");
    cr_expect_str_eq(u.pass, "s@cret");
    cr_expect_str_eq(u.host, "127.0.0.1");
    cr_expect_eq(u.port, 2121);
    cr_expect_str_eq(u.path, "docs/a b.txt");
    cr_assert_eq(ftp_parse_url("ftp://[::1]/x", &u), 0);
    cr_expect_str_eq(u.host, "::1");
    cr_expect_eq(u.port, 21);
    cr_expect_str_eq(u.user, "");
}

Test(ftp_url, rejects_bad_urls)
{
    static const char *const bad[] = {
        "http://h/x",
        "ftp:///x",
        "ftp://h:0/x",
        "ftp://h:70000/x",
        "ftp://h:/x",
        "ftp://[::1/x",
        "ftp://h/a%0d%0aDELE%20x",
        "ftp://h/a%zz",
        "ftp://h/a%2",
        "ftp://h\n/x",
        "ftp://a b/x",
        "ftp://[::1\r]/x",
    };
    struct ftp_url u;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        cr_expect_eq(ftp_parse_url(bad[i], &u), -1, "'%s' should be refused", bad[i]);
}
