/*
 * tsan_main.c - the core's thread tests, as a plain program for the
 * ThreadSanitizer build (Criterion cannot start under ThreadSanitizer).
 * Exit 0 when every test passes; a race makes ThreadSanitizer abort.
 */
#include "ring_stress.h"

#include <stdio.h>

int main(void)
{
    char why[256] = "";
    if (ring_stress(5000, why, sizeof why) == -1) {
        fprintf(stderr, "ring_stress: %s\n", why);
        return 1;
    }
    printf("ring_stress: ok\n");
    return 0;
}
