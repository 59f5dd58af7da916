/*
 * test_parse.c - the FTP server's pure parsers, from tables: the command
 * splitter, safe-path resolution, and the PORT/EPRT/PASV/EPSV texts.
 */
#include "ftp_command.h"
#include "ftp_hostport.h"
#include "ftp_path.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* --- the command splitter -------------------------------------------------- */

struct split_case {
    const char *line;
    int rc;
    const char *verb, *arg;
};

Test(ftp_command, splits_verb_and_argument_from_table)
{
    static const struct split_case cases[] = {
        {"USER anonymous\r", 0, "USER", "anonymous"},
        {"user ann", 0, "USER", "ann"},
        {"QUIT", 0, "QUIT", ""},
        {"NOOP\r", 0, "NOOP", ""},
        {"RETR my file.txt\r", 0, "RETR", "my file.txt"},
        {"CWD  lead", 0, "CWD", " lead"},
        {"LIST \r", 0, "LIST", ""},
        {"\xff\xf4\xff\xf2"
         "ABOR\r",
         0, "ABOR", ""},
        {"\xf2"
         "ABOR",
         0, "ABOR", ""},
        {"", -1, NULL, NULL},
        {"\r", -1, NULL, NULL},
        {" USER x", -1, NULL, NULL},
        {"US3R x", -1, NULL, NULL},
        {"TOOLONGVERB x", -1, NULL, NULL},
        {"R\xc3\xa9TR x", -1, NULL, NULL},
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        char line[64], verb[FTP_VERB_MAX];
        const char *arg = NULL;
        size_t len = strlen(cases[i].line);
        memcpy(line, cases[i].line, len + 1);
        int rc = ftp_split_command(line, len, verb, &arg);
        cr_expect_eq(rc, cases[i].rc, "line %zu '%s': rc %d", i, cases[i].line, rc);
        if (rc == 0 && cases[i].rc == 0) {
            cr_expect_str_eq(verb, cases[i].verb, "line %zu", i);
            cr_expect_str_eq(arg, cases[i].arg, "line %zu", i);
        }
    }
}

Test(ftp_command, rejects_embedded_nul)
{
    char line[] = "RETR a\0b";
    char verb[FTP_VERB_MAX];
    const char *arg;
    cr_expect_eq(ftp_split_command(line, sizeof line - 1, verb, &arg), -2);
    char in_verb[] = "RE\0TR a";
    cr_expect_eq(ftp_split_command(in_verb, sizeof in_verb - 1, verb, &arg), -1);
}

Test(ftp_command, rejects_bare_cr_in_argument_from_table)
{
    static const char *const lines[] = {
        "MKD a\rb", "MKD a\rb\r", "RETR \r257 forged\r", "CWD \r\r", "PASS x\ry",
    };
    for (size_t i = 0; i < COUNT(lines); i++) {
        char line[64], verb[FTP_VERB_MAX];
        const char *arg;
        size_t len = strlen(lines[i]);
        memcpy(line, lines[i], len + 1);
        cr_expect_eq(ftp_split_command(line, len, verb, &arg), -2, "line %zu", i);
    }
}

Test(ftp_command, finds_abor_among_buffered_lines_from_table)
{
    static const struct {
        const char *bytes;
        bool abor;
    } cases[] = {
        {"ABOR\r\n", true},
        {"abor\n", true},
        {"NOOP\r\nSTAT\r\nABOR\r\n", true},
        {"\xff\xf4\xff\xf2"
         "ABOR\r\n",
         true},
        {"\xf2"
         "ABOR\r\n",
         true},
        {"ABOR now\r\n", true},
        {"ABOR", false}, /* not a whole line yet */
        {"NOOP\r\nABO", false},
        {"ABORT\r\n", false},
        {"XABOR\r\n", false},
        {"RETR ABOR\r\n", false},
        {"", false},
    };
    for (size_t i = 0; i < COUNT(cases); i++)
        cr_expect_eq(ftp_lines_hold_abor(cases[i].bytes, strlen(cases[i].bytes)), cases[i].abor,
                     "case %zu", i);
}

/* --- path resolution -------------------------------------------------------- */

struct path_case {
    const char *cwd, *arg, *want;
};

Test(ftp_path, resolves_every_escape_attempt_inside_root)
{
    static const struct path_case cases[] = {
        {"/", "", "/"},
        {"/", "a.txt", "/a.txt"},
        {"/docs", "a.txt", "/docs/a.txt"},
        {"/docs", "", "/docs"},
        {"/docs", ".", "/docs"},
        {"/docs", "..", "/"},
        {"/", "..", "/"},
        {"/", "../../etc/passwd", "/etc/passwd"},
        {"/docs", "../../../../etc/passwd", "/etc/passwd"},
        {"/a/b", "../../../x", "/x"},
        {"/", "/etc/passwd", "/etc/passwd"},
        {"/docs", "/", "/"},
        {"/docs", "//etc//passwd", "/etc/passwd"},
        {"/", "a/./b/../c", "/a/c"},
        {"/", "a/..", "/"},
        {"/", "./..//./..", "/"},
        {"/", "...", "/..."},
        {"/", "..a", "/..a"},
        {"/", "a\\..\\..", "/a\\..\\.."},
        {"/docs", "sub/", "/docs/sub"},
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        char out[256];
        cr_assert_eq(ftp_path_resolve(cases[i].cwd, cases[i].arg, out, sizeof out), 0, "case %zu",
                     i);
        cr_expect_str_eq(out, cases[i].want, "cwd '%s' arg '%s'", cases[i].cwd, cases[i].arg);
    }
}

Test(ftp_path, rejects_result_too_long)
{
    char out[8];
    cr_expect_eq(ftp_path_resolve("/", "abcdefghij", out, sizeof out), -1);
    cr_expect_eq(ftp_path_resolve("/", "abcdef", out, sizeof out), 0);
    cr_expect_str_eq(out, "/abcdef");
}

Test(ftp_path, inside_accepts_root_and_children_only)
{
    cr_expect(ftp_path_inside("/srv/ftp", "/srv/ftp"));
    cr_expect(ftp_path_inside("/srv/ftp", "/srv/ftp/a"));
    cr_expect_not(ftp_path_inside("/srv/ftp", "/srv/ftpx"));
    cr_expect_not(ftp_path_inside("/srv/ftp", "/srv"));
    cr_expect_not(ftp_path_inside("/srv/ftp", "/etc/passwd"));
    cr_expect(ftp_path_inside("/", "/etc"));
}

Test(ftp_path, new_names_refuse_control_characters_from_table)
{
    static const struct {
        const char *name;
        bool allowed;
    } cases[] = {
        {"plain.txt", true},
        {"with space", true},
        {"d/e/f", true},
        {"caf\xc3\xa9", true},
        {"~tilde", true},
        {"a\x01"
         "b",
         false},
        {"\x1b[31m", false},
        {"tab\there", false},
        {"del\x7f", false},
        {"\x1f", false},
        {"end\n", false},
    };
    for (size_t i = 0; i < COUNT(cases); i++)
        cr_expect_eq(ftp_path_name_allowed(cases[i].name), cases[i].allowed, "case %zu", i);
}

Test(ftp_path, basename_of_virtual_paths)
{
    cr_expect_str_eq(ftp_path_basename("/a/b.txt"), "b.txt");
    cr_expect_str_eq(ftp_path_basename("/"), "");
}

/* --- PORT / PASV ------------------------------------------------------------ */

Test(ftp_hostport, parses_port_arguments)
{
    struct sockaddr_in sa;
    cr_assert_eq(ftp_parse_port_arg("127,0,0,1,4,1", &sa), 0);
    cr_expect_eq(ntohl(sa.sin_addr.s_addr), 0x7f000001u);
    cr_expect_eq(ntohs(sa.sin_port), 1025);
    cr_assert_eq(ftp_parse_port_arg("10,1,2,3,255,255", &sa), 0);
    cr_expect_eq(ntohs(sa.sin_port), 65535);
}

Test(ftp_hostport, rejects_malformed_and_overflowing_port_arguments)
{
    static const char *const bad[] = {
        "",
        "127,0,0,1,4",
        "127,0,0,1,4,1,7",
        "127,0,0,1,4,256",
        "256,0,0,1,4,1",
        "127,0,0,1,4,-1",
        "127,0,0,1,4,+1",
        "127,0,0,1,4,0001",
        "127,0,0,1,4,99999999999999999999",
        "127,0,0,1,4,1 ",
        " 127,0,0,1,4,1",
        "127,0,0,1,,4",
        "127.0.0.1,4,1",
        "a,b,c,d,e,f",
        "127,0,0,1,4,1,",
    };
    struct sockaddr_in sa;
    for (size_t i = 0; i < COUNT(bad); i++)
        cr_expect_eq(ftp_parse_port_arg(bad[i], &sa), -1, "'%s' should be refused", bad[i]);
}

Test(ftp_hostport, formats_port_and_pasv_text_and_reads_it_back)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(50000)};
    struct sockaddr_in back;
    char text[FTP_HOSTPORT_LEN], reply[128];
    inet_pton(AF_INET, "192.168.1.20", &sa.sin_addr);
    cr_assert_eq(ftp_format_port_arg(&sa, text, sizeof text), 0);
    cr_expect_str_eq(text, "192,168,1,20,195,80");
    snprintf(reply, sizeof reply, "227 Entering Passive Mode (%s).", text);
    cr_assert_eq(ftp_parse_pasv_reply(reply, &back), 0);
    cr_expect_eq(back.sin_addr.s_addr, sa.sin_addr.s_addr);
    cr_expect_eq(back.sin_port, sa.sin_port);
    /* RFC 1123: the numbers may come without parentheses. */
    cr_assert_eq(ftp_parse_pasv_reply("227 =127,0,0,1,4,1", &back), 0);
    cr_expect_eq(ntohs(back.sin_port), 1025);
    cr_expect_eq(ftp_parse_pasv_reply("227 Entering Passive Mode (1,2,3)", &back), -1);
    cr_expect_eq(ftp_parse_pasv_reply("227 (300,1,1,1,1,1)", &back), -1);
    cr_expect_eq(ftp_format_port_arg(&sa, text, 5), -1);
}

/* --- EPRT / EPSV ------------------------------------------------------------ */

Test(ftp_hostport, parses_eprt_for_both_families)
{
    struct sockaddr_storage ss;
    socklen_t len;
    cr_assert_eq(ftp_parse_eprt_arg("|1|132.235.1.2|6275|", &ss, &len), 0);
    cr_expect_eq(ss.ss_family, AF_INET);
    cr_expect_eq(len, sizeof(struct sockaddr_in));
    cr_expect_eq(ntohs(((struct sockaddr_in *)&ss)->sin_port), 6275);
    cr_assert_eq(ftp_parse_eprt_arg("!2!::1!5282!", &ss, &len), 0);
    cr_expect_eq(ss.ss_family, AF_INET6);
    cr_expect_eq(ntohs(((struct sockaddr_in6 *)&ss)->sin6_port), 5282);
}

Test(ftp_hostport, rejects_malformed_and_overflowing_eprt)
{
    static const char *const bad[] = {
        "",
        "|1|132.235.1.2|6275",
        "|1|132.235.1.2|6275||",
        "|1|::1|6275|",
        "|2|127.0.0.1|6275|",
        "|1|132.235.1.2|65536|",
        "|1|132.235.1.2|0|",
        "|1|132.235.1.2|-5|",
        "|1|132.235.1.2|999999999999|",
        "|1|132.235.1.256|6275|",
        "|1||6275|",
        " 1 127.0.0.1 6275 ",
        "\x01"
        "1\x01"
        "127.0.0.1\x01"
        "5000\x01",
    };
    struct sockaddr_storage ss;
    socklen_t len;
    for (size_t i = 0; i < COUNT(bad); i++)
        cr_expect_eq(ftp_parse_eprt_arg(bad[i], &ss, &len), -1, "'%s' should be refused", bad[i]);
}

Test(ftp_hostport, eprt_with_another_protocol_number_is_unsupported_not_malformed)
{
    static const char *const other[] = {"|3|132.235.1.2|6275|", "|9|x|6275|", "|0|::1|6275|"};
    static const char *const bad[] = {"|x|132.235.1.2|6275|", "||132.235.1.2|6275|", "|9|x|0|",
                                      "|9|x|6275", "|1000|x|6275|"};
    struct sockaddr_storage ss;
    socklen_t len;
    for (size_t i = 0; i < COUNT(other); i++)
        cr_expect_eq(ftp_parse_eprt_arg(other[i], &ss, &len), -2, "'%s' is a net-prt", other[i]);
    for (size_t i = 0; i < COUNT(bad); i++)
        cr_expect_eq(ftp_parse_eprt_arg(bad[i], &ss, &len), -1, "'%s' is malformed", bad[i]);
}

Test(ftp_hostport, formats_eprt_and_reads_epsv)
{
    struct sockaddr_in6 six = {.sin6_family = AF_INET6, .sin6_port = htons(2121)};
    struct sockaddr_in four = {.sin_family = AF_INET, .sin_port = htons(40000)};
    char text[FTP_HOSTPORT_LEN];
    uint16_t port;
    inet_pton(AF_INET6, "::1", &six.sin6_addr);
    inet_pton(AF_INET, "127.0.0.1", &four.sin_addr);
    cr_assert_eq(ftp_format_eprt_arg((struct sockaddr *)&six, text, sizeof text), 0);
    cr_expect_str_eq(text, "|2|::1|2121|");
    cr_assert_eq(ftp_format_eprt_arg((struct sockaddr *)&four, text, sizeof text), 0);
    cr_expect_str_eq(text, "|1|127.0.0.1|40000|");
    cr_assert_eq(ftp_parse_epsv_reply("229 Entering Extended Passive Mode (|||6446|)", &port), 0);
    cr_expect_eq(port, 6446);
    cr_expect_eq(ftp_parse_epsv_reply("229 (|||65536|)", &port), -1);
    cr_expect_eq(ftp_parse_epsv_reply("229 (|||0|)", &port), -1);
    cr_expect_eq(ftp_parse_epsv_reply("229 (||6446|)", &port), -1);
    cr_expect_eq(ftp_parse_epsv_reply("229 (|||6446)", &port), -1);
    cr_expect_eq(ftp_parse_epsv_reply("229 no port", &port), -1);
}
