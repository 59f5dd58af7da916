/*
 * test_client.c - what the FTP client reads from a server, without a
 * server: replies fed to its line reader, and the names of a listing.
 */
#include "ftp_client.h"

#include <criterion/criterion.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The code of the first reply in text, as the client reads it. */
static int reply_code(const char *text, char *last, size_t lastlen)
{
    struct ftp_conn c = {.ctrl = -1};
    cr_assert_eq(line_reader_init(&c.reader, -1, FTP_CLIENT_LINE_MAX), 0);
    line_feed(&c.reader, text, strlen(text));
    line_feed_eof(&c.reader);
    int code = ftp_conn_reply(&c);
    snprintf(last, lastlen, "%s", c.text);
    line_reader_free(&c.reader);
    return code;
}

Test(ftp_client, reads_single_and_multi_line_replies)
{
    char text[FTP_CLIENT_LINE_MAX];
    cr_expect_eq(reply_code("220 ready\r\n", text, sizeof text), 220);
    cr_expect_str_eq(text, "220 ready");
    cr_expect_eq(reply_code("230-Welcome\r\n more\r\n230 Logged in\r\n", text, sizeof text), 230);
    cr_expect_str_eq(text, "230 Logged in");
    cr_expect_eq(reply_code("220\r\n", text, sizeof text), 220);
}

Test(ftp_client, rejects_replies_without_a_three_digit_code)
{
    static const char *const replies[] = {
        "abc def\r\n",    "-12 negative\r\n",
        "99 short\r\n",   "600 too high\r\n",
        "099 zero\r\n",   "\r\n",
        "2x0 letter\r\n", "22\r\n220 late code\r\n",
    };
    char text[FTP_CLIENT_LINE_MAX];
    for (size_t i = 0; i < COUNT(replies); i++)
        cr_expect_eq(reply_code(replies[i], text, sizeof text), -1, "reply %zu", i);
}

Test(ftp_client, rejects_a_bare_cr_in_a_reply)
{
    char text[FTP_CLIENT_LINE_MAX];
    cr_expect_eq(reply_code("220 a\rb\r\n", text, sizeof text), -1);
    cr_expect_eq(reply_code("211-a\rb\r\n211 End\r\n", text, sizeof text), -1);
}

Test(ftp_client, local_name_is_the_last_component)
{
    cr_expect_str_eq(ftp_local_name("readme.txt"), "readme.txt");
    cr_expect_str_eq(ftp_local_name("docs/seed.txt"), "seed.txt");
    cr_expect_str_eq(ftp_local_name("../../home/user/.bashrc"), ".bashrc");
    cr_expect_str_eq(ftp_local_name("/etc/passwd"), "passwd");
}

Test(ftp_client, local_name_refuses_what_names_no_file)
{
    static const char *const listed[] = {"", ".", "..", "docs/", "a/..", "../.", "/"};
    for (size_t i = 0; i < COUNT(listed); i++)
        cr_expect_null(ftp_local_name(listed[i]), "'%s'", listed[i]);
}
