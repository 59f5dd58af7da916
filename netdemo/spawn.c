/*
 * spawn.c - a child whose stderr comes back through a pipe (spawn.h).
 * posix_spawn, not fork: netdemo has threads and large mappings, and a
 * child that only execs needs neither copied.
 */
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

extern char **environ;

int spawn_said(const char *path, char *const argv[], bool with_stdout,
               const posix_spawnattr_t *attr, pid_t *pid, int *said)
{
    int out[2];
    if (pipe2(out, O_CLOEXEC) == -1)
        return errno;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    if (with_stdout)
        posix_spawn_file_actions_adddup2(&fa, out[1], STDOUT_FILENO);
    else
        posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], STDERR_FILENO);
    /* posix_spawnp searches PATH only for a name without '/' */
    int rc = posix_spawnp(pid, path, &fa, attr, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(out[1]);
    if (rc != 0) {
        close(out[0]);
        return rc;
    }
    *said = out[0];
    return 0;
}
