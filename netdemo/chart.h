/*
 * chart.h - horizontal bar charts as inline SVG, for the HTML report of
 * `netdemo compare`: drawn by the program, no JavaScript, no library.
 */
#ifndef NETDEMO_CHART_H
#define NETDEMO_CHART_H

#include <stddef.h>
#include <stdio.h>

#define CHART_WIDTH    640                               /* the whole chart, in SVG units */
#define CHART_LABEL    140                               /* the labels' column */
#define CHART_BAR_ROOM (CHART_WIDTH - CHART_LABEL - 120) /* the longest bar; its value after it */
#define CHART_ROW      34                                /* one bar and its gap */

struct chart_bar {
    const char *label; /* "TCP" */
    double value;      /* 0 or more */
};

/* chart_length: a bar's length for value, where the largest value of the
 * chart, max, gets CHART_BAR_ROOM: proportional, 0 for 0 (or when max is
 * 0), and never less than 1 for a value above 0, so it stays visible. */
double chart_length(double value, double max);

/* chart_svg: the chart, one bar per entry with its label before it and
 * its value (printed with format, e.g. "%.0f MiB/s") after it, titled
 * title. Text is escaped for XML. Writes to f. */
void chart_svg(FILE *f, const char *title, const char *format, const struct chart_bar *bars,
               size_t n);

/* chart_escape: s with &, <, >, " and ' escaped for XML and HTML text. */
void chart_escape(FILE *f, const char *s);

#endif
