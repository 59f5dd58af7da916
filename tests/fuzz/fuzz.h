/*
 * fuzz.h - what every harness in tests/fuzz shares.
 *
 * A harness is one function, LLVMFuzzerTestOneInput, that feeds one input
 * to one parser and checks what the parser says about it. libFuzzer calls
 * it millions of times with inputs it mutates (`make fuzz`); replay.c calls
 * it once per file of the committed corpus (the fuzz_replay_* tests).
 */
#ifndef NETDEMO_FUZZ_H
#define NETDEMO_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* LLVMFuzzerTestOneInput: run one input; always returns 0. A property
 * that does not hold aborts, which libFuzzer reports as a crash. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* FUZZ_CHECK: a property of the parser, not a mere "did not crash". */
#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: property violated: %s\n", __FILE__, __LINE__, #cond);          \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#endif
