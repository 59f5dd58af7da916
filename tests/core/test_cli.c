/*
 * test_cli.c - --connect-timeout's seconds and --trace's depths, from
 * tables of good and bad inputs.
 */
#include "cli.h"

#include <criterion/criterion.h>

struct seconds_case {
    const char *text;
    int rc;
    int ms;
};

static const struct seconds_case seconds_cases[] = {
    {"10", 0, 10000},
    {"0.5", 0, 500},
    {"1.25", 0, 1250},
    {"0.001", 0, 1},
    {"3600", 0, 3600000},
    /* bad: not a number, nothing to wait, too long, words after it */
    {"", -1, 0},
    {"abc", -1, 0},
    {"-1", -1, 0},
    {"0", -1, 0},
    {"0.0001", -1, 0},
    {"3601", -1, 0},
    {"1s", -1, 0},
    {"1 ", -1, 0},
    {"nan", -1, 0},
    {"inf", -1, 0},
};

Test(cli_seconds, parses_the_table)
{
    for (size_t i = 0; i < sizeof seconds_cases / sizeof seconds_cases[0]; i++) {
        const struct seconds_case *c = &seconds_cases[i];
        int ms = -7;
        int rc = cli_parse_seconds(c->text, CLI_CONNECT_TIMEOUT_MAX_MS, &ms);
        cr_expect_eq(rc, c->rc, "'%s': rc %d, expected %d", c->text, rc, c->rc);
        cr_expect_eq(ms, c->rc == 0 ? c->ms : -7, "'%s': %d ms", c->text, ms);
    }
}

struct depth_case {
    const char *value; /* what follows "--trace=", NULL for a bare --trace */
    int rc;
    enum trace_depth depth;
};

static const struct depth_case depth_cases[] = {
    {NULL, 0, TRACE_LESSON},
    {"detail", 0, TRACE_DETAIL},
    /* bad: only the two forms, spelt exactly */
    {"", -1, TRACE_OFF},
    {"lesson", -1, TRACE_OFF},
    {"DETAIL", -1, TRACE_OFF},
    {"details", -1, TRACE_OFF},
    {"detail ", -1, TRACE_OFF},
    {"1", -1, TRACE_OFF},
};

Test(cli_trace, parses_the_table)
{
    for (size_t i = 0; i < sizeof depth_cases / sizeof depth_cases[0]; i++) {
        const struct depth_case *c = &depth_cases[i];
        enum trace_depth depth = TRACE_OFF;
        int rc = trace_parse_depth(c->value, &depth);
        const char *shown = c->value ? c->value : "(none)";
        cr_expect_eq(rc, c->rc, "'%s': rc %d, expected %d", shown, rc, c->rc);
        cr_expect_eq(depth, c->depth, "'%s': depth %d", shown, (int)depth);
    }
}

/* cli_parse gives both forms to every command, and refuses the rest. */
Test(cli_trace, every_command_takes_both_forms)
{
    struct cli_syntax cmd = {.prog = "demo", .version_prog = "demo", .usage = ""};
    struct cli_common common;
    const struct {
        const char *arg;
        int rc;
        enum trace_depth depth;
    } cases[] = {
        {"--trace", -1, TRACE_LESSON},
        {"--trace=detail", -1, TRACE_DETAIL},
        {"--trace=loud", CLI_EXIT_USAGE, TRACE_OFF},
        {"--no-option", CLI_EXIT_USAGE, TRACE_OFF},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *argv[] = {"demo", (char *)cases[i].arg, NULL};
        int rc = cli_parse(&cmd, NULL, 2, argv, &common);
        cr_expect_eq(rc, cases[i].rc, "%s: rc %d", cases[i].arg, rc);
        if (rc == -1)
            cr_expect_eq(common.trace, cases[i].depth, "%s: depth %d", cases[i].arg,
                         (int)common.trace);
    }
    struct cli_common none;
    char *bare[] = {"demo", NULL};
    cr_expect_eq(cli_parse(&cmd, NULL, 1, bare, &none), -1);
    cr_expect_eq(none.trace, TRACE_OFF, "no --trace: no trace");
}
