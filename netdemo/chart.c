/*
 * chart.c - bar charts as SVG: the geometry, then the markup.
 */
#include "chart.h"

#include <string.h>

double chart_length(double value, double max)
{
    if (value <= 0 || max <= 0)
        return 0;
    double len = value / max * CHART_BAR_ROOM;
    return len < 1 ? 1 : len;
}

void chart_escape(FILE *f, const char *s)
{
    static const char special[] = "&<>\"'";
    static const char *const entity[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&#39;"};
    for (; *s != '\0'; s++) {
        const char *at = strchr(special, *s);
        if (at != NULL)
            fputs(entity[at - special], f);
        else
            fputc(*s, f);
    }
}

void chart_svg(FILE *f, const char *title, const char *format, const struct chart_bar *bars,
               size_t n)
{
    double max = 0;
    for (size_t i = 0; i < n; i++)
        if (bars[i].value > max)
            max = bars[i].value;
    int height = (int)n * CHART_ROW + 10;
    fprintf(f, "<svg class=\"chart\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"", CHART_WIDTH,
            height);
    chart_escape(f, title);
    fputs("\">\n", f);
    for (size_t i = 0; i < n; i++) {
        double y = 5 + (double)i * CHART_ROW;
        double len = chart_length(bars[i].value, max);
        fprintf(f, "<text class=\"label\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">",
                CHART_LABEL - 8, y + 18);
        chart_escape(f, bars[i].label);
        fprintf(f,
                "</text>\n<rect class=\"bar\" x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"24\"/>\n",
                CHART_LABEL, y, len);
        fprintf(f, "<text class=\"value\" x=\"%.1f\" y=\"%.1f\">", CHART_LABEL + len + 6, y + 18);
        char value[64];
        snprintf(value, sizeof value, format, bars[i].value);
        chart_escape(f, value);
        fputs("</text>\n", f);
    }
    fputs("</svg>\n", f);
}
