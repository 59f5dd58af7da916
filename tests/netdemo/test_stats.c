/*
 * test_stats.c - the figures `netdemo compare` prints: medians, ranges and
 * percentiles, on values whose answers are known.
 */
#include "netdemo/stats.h"

#include <criterion/criterion.h>

Test(stats, median_of_an_odd_count_is_the_middle_value)
{
    double v[] = {5, 1, 4, 2, 3};
    struct stats_range r = stats_range_of(v, 5);
    cr_expect_float_eq(r.median, 3, 1e-12);
    cr_expect_float_eq(r.min, 1, 1e-12);
    cr_expect_float_eq(r.max, 5, 1e-12);
}

Test(stats, median_of_an_even_count_is_the_mean_of_the_middle_two)
{
    double v[] = {10, 40, 20, 30};
    struct stats_range r = stats_range_of(v, 4);
    cr_expect_float_eq(r.median, 25, 1e-12);
}

Test(stats, one_value_is_its_own_median_and_range)
{
    double v[] = {7};
    struct stats_range r = stats_range_of(v, 1);
    cr_expect_float_eq(r.median, 7, 1e-12);
    cr_expect_float_eq(r.min, 7, 1e-12);
    cr_expect_float_eq(r.max, 7, 1e-12);
}

Test(stats, percentiles_by_nearest_rank)
{
    double v[100];
    for (int i = 0; i < 100; i++)
        v[i] = 100 - i; /* 100 .. 1, unsorted */
    cr_expect_float_eq(stats_percentile(v, 100, 50), 50, 1e-12);
    cr_expect_float_eq(stats_percentile(v, 100, 99), 99, 1e-12);
    cr_expect_float_eq(stats_percentile(v, 100, 100), 100, 1e-12);
    cr_expect_float_eq(stats_percentile(v, 100, 0), 1, 1e-12);
}

Test(stats, the_p99_of_few_values_is_the_largest)
{
    double v[] = {3, 1, 2};
    cr_expect_float_eq(stats_percentile(v, 3, 99), 3, 1e-12);
    cr_expect_float_eq(stats_percentile(v, 3, 50), 2, 1e-12);
}

Test(stats, nothing_measured_is_zero)
{
    double v[1];
    cr_expect_float_eq(stats_percentile(v, 0, 50), 0, 1e-12);
    struct stats_range r = stats_range_of(v, 0);
    cr_expect_float_eq(r.median, 0, 1e-12);
}
