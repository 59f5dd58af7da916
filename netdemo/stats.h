/*
 * stats.h - the few statistics `netdemo compare` reports: a median with
 * its range over repeated runs, and percentiles of many round trips.
 * Pure arithmetic on arrays of doubles, no I/O.
 */
#ifndef NETDEMO_STATS_H
#define NETDEMO_STATS_H

#include <stddef.h>

/* A figure measured several times: its median, lowest and highest. */
struct stats_range {
    double median, min, max;
};

/* stats_percentile: the p-th percentile (0..100) of the n values at v,
 * by the nearest-rank method (the value below which p % of them lie, as
 * sockperf and wrk report): sorts v in place. 0 when n is 0. */
double stats_percentile(double *v, size_t n, double p);

/* stats_range_of: the median (the mean of the middle two for an even n),
 * min and max of the n values at v; sorts v in place. All 0 when n is 0. */
struct stats_range stats_range_of(double *v, size_t n);

#endif
