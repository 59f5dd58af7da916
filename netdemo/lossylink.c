/*
 * lossylink.c - two network namespaces joined by a veth pair that loses
 * packets on purpose (lossylink.h says why and how).
 *
 * The namespaces are made with unshare(CLONE_NEWNET) on this thread and
 * held by descriptors, not named under /run/netns, so nothing outlives the
 * process. The link itself is set up by iproute2's `ip` and `tc` (and
 * `nft` where the kernel has no netem): the tools a network engineer would
 * type, run in the namespace this thread is in, as a child inherits it.
 */
#include "lossylink.h"
#include "i18n.h"

#include "net.h"
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define LOSSY_SERVER_DEV "nds" /* the veth end in the server namespace */
#define LOSSY_CLIENT_DEV "ndc"

int lossy_link_enter(int ns)
{
    return setns(ns, CLONE_NEWNET);
}

/* Run argv (a tool found on PATH) in this thread's namespace and wait for
 * it. Returns 0 when it exits 0; else -1 with its first line of complaint
 * (or why it could not run) in err. */
static int run(char *const argv[], char *err)
{
    pid_t pid;
    int out;
    int rc = spawn_said(argv[0], argv, true, NULL, &pid, &out);
    if (rc != 0) {
        snprintf(err, NET_ERR_LEN, "%s: %s", argv[0], strerror(rc));
        return -1;
    }
    char said[NET_ERR_LEN] = "";
    size_t got = 0;
    ssize_t n;
    while ((n = read(out, said + got, sizeof said - 1 - got)) > 0 || (n == -1 && errno == EINTR))
        got += n > 0 ? (size_t)n : 0; /* keep the first words; a full buffer reads 0 */
    close(out);
    int status;
    while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
        ;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    said[got] = '\0';
    said[strcspn(said, "\n")] = '\0';
    snprintf(err, NET_ERR_LEN, "%.16s: %.200s", argv[0], said[0] ? said : _("failed"));
    return -1;
}

/* A new namespace for this thread, held by the returned descriptor (or -1).
 * The thread stays in it. */
static int new_namespace(char *err)
{
    int ns = -1;
    if (unshare(CLONE_NEWNET) == -1 ||
        (ns = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)) == -1)
        snprintf(err, NET_ERR_LEN, _("a network namespace: %s"), strerror(errno));
    return ns;
}

/* One end's address, up, and its loss: netem where the kernel has it
 * (with a delay, so that the link is not infinitely fast), else nftables
 * dropping at random as it sends. */
static int end_up(struct lossy_link *link, const char *dev, const char *addr, unsigned percent,
                  char *err)
{
    char cidr[32], loss[16], rule[256], why[NET_ERR_LEN];
    snprintf(cidr, sizeof cidr, "%s/30", addr);
    snprintf(loss, sizeof loss, "%u%%", percent);
    char *lo[] = {"ip", "link", "set", "lo", "up", NULL};
    char *address[] = {"ip", "address", "add", cidr, "dev", (char *)dev, NULL};
    /* one Ethernet frame per packet, as a real link carries them: else a
     * loss takes a whole 64 KiB super-packet the kernel would split later */
    char *up[] = {"ip", "link", "set", (char *)dev, "gso_max_segs", "1", "up", NULL};
    if (run(lo, err) == -1 || run(address, err) == -1 || run(up, err) == -1)
        return -1;
    char delay[16];
    snprintf(delay, sizeof delay, "%dms", LOSSY_DELAY_MS);
    char *netem[] = {"tc",    "qdisc", "add", "dev",   (char *)dev, "root",
                     "netem", "loss",  loss,  "delay", delay,       NULL};
    if (run(netem, why) == 0) {
        snprintf(link->how, sizeof link->how, _("tc netem: %u%% loss and %d ms delay each way"),
                 percent, LOSSY_DELAY_MS);
        return 0;
    }
    /* dropped as they arrive, as a wire loses them: a drop on the way out
     * would be an error the sender sees and retries at once */
    snprintf(rule, sizeof rule,
             "add table netdev netdemo; "
             "add chain netdev netdemo in { type filter hook ingress device %s priority 0; }; "
             "add rule netdev netdemo in numgen random mod 100 < %u drop",
             dev, percent);
    char *nft[] = {"nft", rule, NULL};
    if (run(nft, err) == 0) {
        snprintf(link->how, sizeof link->how, _("nftables: %u%% loss each way (no netem here)"),
                 percent);
        return 0;
    }
    snprintf(err, NET_ERR_LEN, _("no tc netem (%.80s), and no nftables either"), why);
    return -1;
}

/* The link, from home: both namespaces, the pair, each end up. */
static int link_make(struct lossy_link *link, unsigned percent, char *err)
{
    if ((link->client = new_namespace(err)) == -1 || lossy_link_enter(link->home) == -1 ||
        (link->server = new_namespace(err)) == -1)
        return -1;
    /* made in the server's namespace, the client's end moved by a path
     * `ip` opens: its own inherited copy of the descriptor */
    int inherit = fcntl(link->client, F_DUPFD, 3); /* no O_CLOEXEC */
    if (inherit == -1) {
        snprintf(err, NET_ERR_LEN, "dup: %s", strerror(errno));
        return -1;
    }
    char path[32];
    snprintf(path, sizeof path, "/proc/self/fd/%d", inherit);
    char *pair[] = {"ip",   "link", "add",  LOSSY_SERVER_DEV, "type",
                    "veth", "peer", "name", LOSSY_CLIENT_DEV, "netns",
                    path,   NULL};
    int rc = run(pair, err);
    close(inherit);
    if (rc == -1 || end_up(link, LOSSY_SERVER_DEV, LOSSY_SERVER_ADDR, percent, err) == -1)
        return -1;
    if (lossy_link_enter(link->client) == -1) {
        snprintf(err, NET_ERR_LEN, "setns: %s", strerror(errno));
        return -1;
    }
    return end_up(link, LOSSY_CLIENT_DEV, LOSSY_CLIENT_ADDR, percent, err);
}

int lossy_link_open(struct lossy_link *link, unsigned percent, char *err)
{
    *link = (struct lossy_link){.home = -1, .server = -1, .client = -1};
    if (geteuid() != 0) {
        snprintf(err, NET_ERR_LEN, "%s", _("it needs root, to make network namespaces"));
        return -1;
    }
    link->home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (link->home == -1) {
        snprintf(err, NET_ERR_LEN, "/proc/thread-self/ns/net: %s", strerror(errno));
        return -1;
    }
    int rc = link_make(link, percent, err);
    if (lossy_link_enter(link->home) == -1) /* cannot fail: it is where we came from */
        rc = -1;
    if (rc == -1)
        lossy_link_close(link);
    return rc;
}

void lossy_link_close(struct lossy_link *link)
{
    int *fds[] = {&link->server, &link->client, &link->home};
    for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++) {
        if (*fds[i] != -1)
            close(*fds[i]);
        *fds[i] = -1;
    }
}
