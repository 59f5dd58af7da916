/*
 * server.c - open, run and close the server: the docroot, the access log,
 * the listening sockets and the worker threads.
 */
#include "http_server.h"
#include "i18n.h"
#include "trace.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void http_config_defaults(struct http_config *config)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    *config = (struct http_config){
        .docroot = NULL, /* the bundled site: server_main.c finds it */
        .workers = cores < 1                  ? 1
                   : cores > HTTP_MAX_WORKERS ? HTTP_MAX_WORKERS
                                              : (int)cores,
        .head_timeout_ms = HTTP_HEAD_TIMEOUT_MS,
        .idle_timeout_ms = HTTP_IDLE_TIMEOUT_MS,
        .max_conns = HTTP_MAX_CONNS,
        .sendfile_min = HTTP_SENDFILE_MIN,
        .head_max = HTTP_HEAD_MAX,
        .defer_accept = true,
    };
}

static int server_open_root(struct http_server *srv, char *err)
{
    char resolved[PATH_MAX];
    struct stat st;
    if (realpath(srv->config.docroot, resolved) == NULL || stat(resolved, &st) == -1) {
        snprintf(err, NET_ERR_LEN, "%s: %s", srv->config.docroot, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode) || strlen(resolved) >= sizeof srv->root) {
        snprintf(err, NET_ERR_LEN, _("%s: not a directory"), srv->config.docroot);
        return -1;
    }
    memcpy(srv->root, resolved, strlen(resolved) + 1);
    srv->root_fd = open(srv->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (srv->root_fd == -1) {
        snprintf(err, NET_ERR_LEN, "%.200s: %s", srv->root, strerror(errno));
        return -1;
    }
    return 0;
}

static int server_open_log(struct http_server *srv, char *err)
{
    const char *path = srv->config.access_log;
    if (path == NULL)
        return 0;
    if (strcmp(path, "-") == 0) {
        srv->log = stdout;
        return 0;
    }
    srv->log = fopen(path, "a");
    if (srv->log == NULL) {
        snprintf(err, NET_ERR_LEN, "%s: %s", path, strerror(errno));
        return -1;
    }
    srv->own_log = true;
    return 0;
}

/* One listening socket per worker on one port (SO_REUSEPORT); the kernel
 * balances new connections between them. A Unix socket cannot share its
 * path that way, so there every worker watches the one socket. */
static int server_open_listeners(struct http_server *srv, char *err)
{
    struct net_endpoint ep = srv->config.endpoint;
    int n = ep.is_unix ? 1 : srv->config.workers;

    for (int i = 0; i < n; i++) {
        int fd = n == 1 ? net_listen(&ep, NET_BACKLOG, true, err)
                        : net_listen_reuseport(&ep, NET_BACKLOG, true, err);
        if (fd == -1)
            return -1;
        srv->listen_fds[srv->nlisten++] = fd;
        /* An HTTP client speaks first, so the kernel may hold a new
         * connection back until its request arrives (Apache does this by
         * default, nginx with `listen ... deferred`): the worker then
         * wakes once per connection instead of twice, for the accept and
         * again for the request. A client that stays silent is accepted
         * after about a second anyway. */
        int secs = HTTP_DEFER_ACCEPT_S;
        if (!ep.is_unix && srv->config.defer_accept &&
            setsockopt(fd, IPPROTO_TCP, TCP_DEFER_ACCEPT, &secs, sizeof secs) == -1) {
            snprintf(err, NET_ERR_LEN, "setsockopt(TCP_DEFER_ACCEPT): %s", strerror(errno));
            return -1;
        }
        if (!ep.is_unix && srv->config.defer_accept)
            TRACE_DETAIL_CALL("setsockopt", 0, NULL, 0,
                              N_("setsockopt(fd %d, TCP_DEFER_ACCEPT, %d s) -> 0: accept() "
                                 "wakes when the request is in"),
                              fd, secs);
        /* Little unsent data per socket: large bodies then leave from
         * the worker's core (see net.h). With a client reading 10 MiB
         * bodies on two cores this doubled the requests per second. */
        if (!ep.is_unix && net_limit_unsent(fd, NET_UNSENT_LIMIT, err) == -1)
            return -1;
        /* -p 0: the first socket picked the port; the others join it. */
        if (i == 0 && !ep.is_unix && ep.port == 0 && net_local_port(fd, &ep.port, err) == -1)
            return -1;
    }
    srv->config.endpoint = ep;
    return 0;
}

/* The rest of open, with this thread's events going to the server. */
static int http_server_setup(struct http_server *srv, char *err)
{
    for (int i = 0; i < HTTP_MAX_WORKERS; i++)
        srv->listen_fds[i] = -1;
    srv->stats = counters_new("http");
    if (srv->stats == NULL) {
        snprintf(err, NET_ERR_LEN, _("counters: out of memory"));
        return -1;
    }
    if (server_open_root(srv, err) == -1 || server_open_log(srv, err) == -1 ||
        server_open_listeners(srv, err) == -1) {
        http_server_close(srv);
        return -1;
    }
    return 0;
}

int http_server_open(struct http_server *srv, const struct http_config *config, struct stop *stop,
                     char *err)
{
    *srv = (struct http_server){.config = *config, .root_fd = -1, .stop = stop};
    tracer_init(&srv->tracer, "http", config->trace, HTTP_TRACE_PER_SECOND);
    struct trace_thread was = trace_bind_for(&srv->tracer, "http server");
    int rc = http_server_setup(srv, err);
    trace_restore(was);
    return rc;
}

struct worker_thread {
    struct http_server *srv;
    int listen_fd;
    pthread_t thread;
    bool started;
    int rc;
    char err[NET_ERR_LEN];
};

static void *worker_thread_main(void *arg)
{
    struct worker_thread *t = arg;
    trace_bind(&t->srv->tracer, "http server");
    t->rc = http_worker_run(t->srv, t->listen_fd, t->err);
    if (t->rc == -1)
        stop_fail(t->srv->stop, t->err); /* the other workers of this server stop too */
    return NULL;
}

int http_server_serve(struct http_server *srv, char *err)
{
    trace_bind(&srv->tracer, "http server");
    int n = srv->config.workers;
    struct worker_thread *threads = calloc((size_t)n, sizeof *threads);
    if (threads == NULL) {
        snprintf(err, NET_ERR_LEN, _("http: out of memory"));
        return -1;
    }
    /* Worker 0 runs in this thread; the others get their own. */
    for (int i = 1; i < n; i++) {
        threads[i] =
            (struct worker_thread){.srv = srv, .listen_fd = srv->listen_fds[i % srv->nlisten]};
        threads[i].started =
            pthread_create(&threads[i].thread, NULL, worker_thread_main, &threads[i]) == 0;
    }
    int rc = http_worker_run(srv, srv->listen_fds[0], err);
    if (rc == -1)
        stop_fail(srv->stop, err); /* the other workers of this server stop too */
    for (int i = 1; i < n; i++) {
        if (!threads[i].started)
            continue;
        pthread_join(threads[i].thread, NULL);
        if (threads[i].rc == -1 && rc == 0) {
            memcpy(err, threads[i].err, NET_ERR_LEN);
            rc = -1;
        }
    }
    free(threads);
    return rc;
}

void http_server_close(struct http_server *srv)
{
    struct trace_thread was = trace_bind_for(&srv->tracer, "http server");
    for (int i = 0; i < srv->nlisten; i++) {
        close(srv->listen_fds[i]);
        TRACE_CALL("close", 0, NULL, 0, N_("close(fd %d) -> 0 (listening socket)"),
                   srv->listen_fds[i]);
        srv->listen_fds[i] = -1;
    }
    if (srv->nlisten > 0 && srv->config.endpoint.is_unix)
        unlink(srv->config.endpoint.host);
    srv->nlisten = 0;
    if (srv->root_fd != -1)
        close(srv->root_fd);
    srv->root_fd = -1;
    if (srv->own_log)
        fclose(srv->log);
    srv->log = NULL;
    srv->own_log = false;
    counters_free(srv->stats);
    srv->stats = NULL;
    trace_restore(was);
}

void http_access_log(struct http_server *srv, const char *peer, const char *request_line,
                     int status, unsigned long long bytes)
{
    char host[NET_ADDRSTR_LEN], when[64];
    time_t now = time(NULL);
    struct tm tm;

    /* CLF wants the host alone: drop ":port" and the brackets of [v6]. */
    snprintf(host, sizeof host, "%s", peer[0] == '[' ? peer + 1 : peer);
    char *cut = strrchr(host, peer[0] == '[' ? ']' : ':');
    if (cut != NULL && strncmp(peer, "unix:", 5) != 0)
        *cut = '\0';
    localtime_r(&now, &tm);
    strftime(when, sizeof when, "%d/%b/%Y:%H:%M:%S %z", &tm);
    /* One call per line: stdio locks the stream, so workers never interleave. */
    if (bytes > 0)
        fprintf(srv->log, "%s - - [%s] \"%s\" %d %llu\n", host, when, request_line, status, bytes);
    else
        fprintf(srv->log, "%s - - [%s] \"%s\" %d -\n", host, when, request_line, status);
    fflush(srv->log);
}
