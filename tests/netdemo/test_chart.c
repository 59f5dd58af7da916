/*
 * test_chart.c - the report's bar charts: bars proportional to their
 * values, every label and value present, text escaped.
 */
#include "netdemo/chart.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

Test(chart, bars_are_proportional_and_the_largest_fills_the_room)
{
    cr_expect_float_eq(chart_length(100, 100), CHART_BAR_ROOM, 1e-9);
    cr_expect_float_eq(chart_length(50, 100), CHART_BAR_ROOM / 2.0, 1e-9);
    cr_expect_float_eq(chart_length(25, 100) * 4, chart_length(100, 100), 1e-9);
}

Test(chart, nothing_is_no_bar_and_a_little_is_still_seen)
{
    cr_expect_float_eq(chart_length(0, 100), 0, 1e-9);
    cr_expect_float_eq(chart_length(5, 0), 0, 1e-9);
    cr_expect_float_eq(chart_length(1e-9, 100), 1, 1e-9);
}

/* The chart's SVG, as a string. */
static char *svg_of(const struct chart_bar *bars, size_t n)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    cr_assert_not_null(f);
    chart_svg(f, "MiB/s", "%.0f MiB/s", bars, n);
    fclose(f);
    return text;
}

Test(chart, the_svg_draws_each_bar_with_its_label_and_value)
{
    const struct chart_bar bars[] = {{"TCP", 3000}, {"HTTP", 1500}, {"FTP", 750}};
    char *svg = svg_of(bars, 3);
    double w[3];
    const char *p = svg;
    for (int i = 0; i < 3; i++) {
        p = strstr(p, "<rect class=\"bar\"");
        cr_assert_not_null(p, "%s", svg);
        const char *width = strstr(p, "width=\"");
        cr_assert_not_null(width);
        w[i] = strtod(width + 7, NULL);
        p = width;
    }
    cr_expect_float_eq(w[0], 2 * w[1], 0.2, "%s", svg);
    cr_expect_float_eq(w[1], 2 * w[2], 0.2, "%s", svg);
    for (int i = 0; i < 3; i++)
        cr_expect(strstr(svg, bars[i].label) != NULL, "no label %s", bars[i].label);
    cr_expect(strstr(svg, ">3000 MiB/s<") != NULL, "%s", svg);
    cr_expect(strstr(svg, ">750 MiB/s<") != NULL, "%s", svg);
    free(svg);
}

Test(chart, text_is_escaped)
{
    const struct chart_bar bars[] = {{"<b>&\"'", 1}};
    char *svg = svg_of(bars, 1);
    cr_expect(strstr(svg, "&lt;b&gt;&amp;&quot;&#39;") != NULL, "%s", svg);
    cr_expect(strstr(svg, "<b>") == NULL);
    free(svg);
}
