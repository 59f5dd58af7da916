/*
 * stats.c - medians, ranges and percentiles for `netdemo compare`.
 */
#include "stats.h"

#include <math.h>
#include <stdlib.h>

static int stats_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double stats_percentile(double *v, size_t n, double p)
{
    if (n == 0)
        return 0;
    qsort(v, n, sizeof *v, stats_cmp);
    /* nearest rank: the smallest value with at least p % at or below it */
    double rank = ceil(p / 100.0 * (double)n);
    size_t i = rank < 1 ? 0 : (size_t)rank - 1;
    return v[i < n ? i : n - 1];
}

struct stats_range stats_range_of(double *v, size_t n)
{
    struct stats_range r = {0, 0, 0};
    if (n == 0)
        return r;
    qsort(v, n, sizeof *v, stats_cmp);
    r.min = v[0];
    r.max = v[n - 1];
    r.median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    return r;
}
