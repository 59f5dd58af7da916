/*
 * replay.c - a main() for the harnesses without libFuzzer: run each file
 * named on the command line, or each file in a folder named there, through
 * LLVMFuzzerTestOneInput once. The normal compiler builds it, so the
 * committed corpora are regression tests wherever the suite runs.
 */
#include "fuzz.h"

#include <dirent.h>
#include <string.h>
#include <sys/stat.h>

/* Read a whole file into a buffer of exactly its size, so that ASan sees
 * any read past the end of the input. Returns NULL on failure. */
static uint8_t *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    if (f == NULL || fstat(fileno(f), &st) == -1) {
        if (f != NULL)
            fclose(f);
        return NULL;
    }
    *size = (size_t)st.st_size;
    uint8_t *data = malloc(*size > 0 ? *size : 1);
    if (data != NULL && fread(data, 1, *size, f) != *size) {
        free(data);
        data = NULL;
    }
    fclose(f);
    return data;
}

static int replay_file(const char *path)
{
    size_t size;
    uint8_t *data = read_file(path, &size);
    if (data == NULL) {
        fprintf(stderr, "replay: cannot read %s\n", path);
        return -1;
    }
    fprintf(stderr, "replay: %s (%zu bytes)\n", path, size);
    LLVMFuzzerTestOneInput(data, size);
    free(data);
    return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static int skip_hidden(const struct dirent *e)
{
    return e->d_name[0] != '.';
}

/* Every file of a folder, in name order, so a failure repeats. Returns
 * the number replayed, or -1. */
static int replay_folder(const char *dir)
{
    struct dirent **names;
    int n = scandir(dir, &names, skip_hidden, by_name);
    int done = 0;
    if (n == -1) {
        fprintf(stderr, "replay: cannot list %s\n", dir);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
        if (done != -1 && replay_file(path) == 0)
            done++;
        else
            done = -1;
        free(names[i]);
    }
    free(names);
    return done;
}

int main(int argc, char *argv[])
{
    int total = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        int n = stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode) ? replay_folder(argv[i])
                                                               : (replay_file(argv[i]) == 0);
        if (n <= 0) {
            fprintf(stderr, "replay: %s: nothing replayed\n", argv[i]);
            return 1;
        }
        total += n;
    }
    if (total == 0) {
        fprintf(stderr, "usage: %s FILE|FOLDER...\n", argv[0]);
        return 2;
    }
    printf("replayed %d inputs\n", total);
    return 0;
}
