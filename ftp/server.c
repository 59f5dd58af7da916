/*
 * server.c - the FTP server's accept loop: it checks the session limits,
 * then gives each accepted control connection its own thread (see
 * ftp_session.h for why threads), and at shutdown waits for every session.
 */
#include "ftp_server.h"
#include "ftp_session.h"
#include "trace.h"
#include "i18n.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

/* The rest of open, with this thread's events going to the server. */
static int ftp_server_setup(struct ftp_server *srv, char *err)
{
    pthread_mutex_init(&srv->lock, NULL);
    pthread_cond_init(&srv->all_gone, NULL);
    if (realpath(srv->config.root, srv->root_real) == NULL) {
        snprintf(err, NET_ERR_LEN, _("root %.200s: %s"), srv->config.root, strerror(errno));
        return -1;
    }
    srv->stats = counters_new("ftp");
    if (srv->stats == NULL) {
        snprintf(err, NET_ERR_LEN, "%s", _("counters: out of memory"));
        return -1;
    }
    srv->listen_fd = net_listen(&srv->config.endpoint, NET_BACKLOG, false, err);
    if (srv->listen_fd == -1) {
        counters_free(srv->stats);
        srv->stats = NULL;
        return -1;
    }
    return 0;
}

int ftp_server_open(struct ftp_server *srv, const struct ftp_config *config, struct stop *stop,
                    char *err)
{
    *srv = (struct ftp_server){.config = *config, .listen_fd = -1, .stop = stop};
    tracer_init(&srv->tracer, "ftp", config->trace, 0);
    struct trace_thread was = trace_bind_for(&srv->tracer, "ftp server");
    int rc = ftp_server_setup(srv, err);
    trace_restore(was);
    return rc;
}

void ftp_server_close(struct ftp_server *srv)
{
    if (srv->listen_fd != -1)
        close(srv->listen_fd);
    srv->listen_fd = -1;
    counters_free(srv->stats);
    srv->stats = NULL;
    pthread_cond_destroy(&srv->all_gone);
    pthread_mutex_destroy(&srv->lock);
}

/* The session's first state: the one place that sets initial values. */
static void session_reset(struct ftp_session *s, struct ftp_server *srv, int fd,
                          const struct sockaddr_storage *peer)
{
    *s = (struct ftp_session){
        .srv = srv,
        .ctrl_fd = fd,
        .peer = *peer,
        .state = FTP_STATE_NEED_USER,
        .cwd = "/",
        .pasv_fd = -1,
    };
    socklen_t len = sizeof s->local;
    getsockname(fd, (struct sockaddr *)&s->local, &len);
    net_format_addr((const struct sockaddr *)peer, sizeof *peer, s->peer_text, sizeof s->peer_text);
}

static void *session_thread(void *arg)
{
    struct ftp_session *s = arg;
    struct ftp_server *srv = s->srv;

    trace_bind(&srv->tracer, "ftp session");
    trace_conn_begin(&s->trace, s->ctrl_fd, 0);
    trace_conn_enter(&s->trace);
    TRACE(N_("session: %s connected (fd %d)"), s->peer_text, s->ctrl_fd);
    ftp_session_run(s);
    ftp_data_forget(s);
    TRACE_CALL("close", 0, NULL, 0, N_("session: %s closed"), s->peer_text);
    trace_conn_leave();

    pthread_mutex_lock(&srv->lock);
    if (s->prev)
        s->prev->next = s->next;
    else
        srv->sessions = s->next;
    if (s->next)
        s->next->prev = s->prev;
    close(s->ctrl_fd);
    counters_add(srv->stats, conns_open, -1);
    if (--srv->live == 0)
        pthread_cond_signal(&srv->all_gone);
    pthread_mutex_unlock(&srv->lock);
    line_reader_free(&s->reader);
    free(s);
    return NULL;
}

/* 421 and hang up when the server or this client already has too many
 * sessions. Called under srv->lock. Returns true when refused. */
static bool session_over_limit(struct ftp_server *srv, int fd, const struct sockaddr_storage *peer)
{
    static const char busy[] = "421 Too many users, try again later.\r\n";
    static const char busy_ip[] = "421 Too many connections from your address.\r\n";
    int from_peer = 0;
    for (struct ftp_session *s = srv->sessions; s != NULL; s = s->next)
        if (ftp_same_host(&s->peer, peer))
            from_peer++;
    const char *why = NULL;
    if (srv->live >= srv->config.max_sessions)
        why = busy;
    else if (from_peer >= srv->config.max_per_ip)
        why = busy_ip;
    if (why == NULL)
        return false;
    TRACE(N_("session: refused (%s)"), why == busy ? "--max-sessions" : "--max-per-ip");
    (void)!write(fd, why, strlen(why)); /* best effort: the socket is fresh */
    close(fd);
    return true;
}

/* Make a session for fd and start its thread. Called under srv->lock. */
static void session_start(struct ftp_server *srv, int fd, const struct sockaddr_storage *peer,
                          pthread_attr_t *attr)
{
    struct ftp_session *s = malloc(sizeof *s);
    if (s == NULL) {
        close(fd);
        return;
    }
    session_reset(s, srv, fd, peer);
    if (line_reader_init(&s->reader, fd, FTP_LINE_MAX) == -1) {
        free(s);
        close(fd);
        return;
    }
    s->next = srv->sessions;
    if (srv->sessions)
        srv->sessions->prev = s;
    srv->sessions = s;
    srv->live++;
    counters_add(srv->stats, conns_open, 1);
    counters_add(srv->stats, conns_total, 1);
    pthread_t tid;
    if (pthread_create(&tid, attr, session_thread, s) != 0) {
        srv->sessions = s->next;
        if (s->next)
            s->next->prev = NULL;
        srv->live--;
        counters_add(srv->stats, conns_open, -1);
        line_reader_free(&s->reader);
        free(s);
        close(fd);
    }
}

/* Socket options of a control connection: urgent data (ABOR) stays in the
 * byte stream, a client that stops reading cannot block us forever, and
 * replies leave at once. */
static void control_options(int fd)
{
    int on = 1;
    struct timeval tv = {.tv_sec = FTP_DATA_TIMEOUT_MS / 1000};
    setsockopt(fd, SOL_SOCKET, SO_OOBINLINE, &on, sizeof on);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    /* Replies are small and come in pairs (150 then 226): without this,
     * Nagle's algorithm holds the second until the first is acknowledged. */
    net_set_nodelay(fd, NULL);
}

static void server_accept_one(struct ftp_server *srv, pthread_attr_t *attr)
{
    struct sockaddr_storage peer;
    char err[NET_ERR_LEN];
    int fd = net_accept(srv->listen_fd, false, &peer, err);
    if (fd == -1) {
        TRACE("%s", err);
        return;
    }
    control_options(fd);
    /* Block every signal while the thread starts: it inherits the mask,
     * so Ctrl-C keeps going to this thread alone. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    pthread_mutex_lock(&srv->lock);
    if (!session_over_limit(srv, fd, &peer))
        session_start(srv, fd, &peer, attr);
    pthread_mutex_unlock(&srv->lock);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

int ftp_server_serve(struct ftp_server *srv, char *err)
{
    pthread_attr_t attr;
    (void)err;
    trace_bind(&srv->tracer, "ftp server");
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, FTP_SESSION_STACK_SIZE);
    srand((unsigned)getpid());

    while (!stop_requested(srv->stop)) {
        enum stop_wait w = stop_wait_readable(srv->stop, srv->listen_fd, -1);
        if (w == STOP_WAIT_READY)
            server_accept_one(srv, &attr);
    }
    /* Each session sees the stop handle in its own waits, says 421 and ends. */
    pthread_mutex_lock(&srv->lock);
    while (srv->live > 0)
        pthread_cond_wait(&srv->all_gone, &srv->lock);
    pthread_mutex_unlock(&srv->lock);
    pthread_attr_destroy(&attr);
    return 0;
}
