/*
 * fuzz_ftp_command.c - the FTP command splitter, ftp_split_command.
 *
 * Input: one control line as the line reader returns it ('\n' removed; a
 * '\n' inside cannot come from the reader, so the input is cut there).
 * An accepted line gives an upper-case verb of 1 to FTP_VERB_MAX - 1
 * letters and an argument inside the line with no NUL and no CR: nothing
 * that could cut a file name short or forge a reply line. The splitter
 * never reads or writes outside the line.
 */
#include "ftp_command.h"
#include "fuzz.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nl = memchr(data, '\n', size);
    size_t len = nl ? (size_t)(nl - data) : size;
    char *line = malloc(len + 1);
    char verb[FTP_VERB_MAX];
    const char *arg = NULL;

    FUZZ_CHECK(line != NULL);
    memcpy(line, data, len);
    line[len] = '\0'; /* the reader ends each line with a NUL */
    int rc = ftp_split_command(line, len, verb, &arg);
    FUZZ_CHECK(rc == 0 || rc == -1 || rc == -2);
    if (rc == 0) {
        size_t n = strlen(verb);
        FUZZ_CHECK(n >= 1 && n < FTP_VERB_MAX);
        for (size_t i = 0; i < n; i++)
            FUZZ_CHECK(verb[i] >= 'A' && verb[i] <= 'Z');
        FUZZ_CHECK(arg >= line && arg <= line + len);
        FUZZ_CHECK(strchr(arg, '\r') == NULL);
        /* The argument runs to the end of the line: no NUL inside it. */
        FUZZ_CHECK(arg + strlen(arg) == line + len || arg + strlen(arg) == line + len - 1);
    }
    free(line);
    return 0;
}
