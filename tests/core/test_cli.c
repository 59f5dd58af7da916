/*
 * test_cli.c - --connect-timeout's seconds, from a table of good and bad
 * inputs.
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
