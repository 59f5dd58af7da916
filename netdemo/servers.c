/*
 * servers.c - the four servers in one process: their configs, open, a
 * thread each to serve, stop, close. `netdemo` runs them for a class;
 * `netdemo compare` runs them to measure.
 */
#include "netdemo.h"

#include "cli.h"
#include "content.h"
#include "i18n.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

char *netdemo_report_path(const char *name, char *buf, size_t len)
{
    const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    int n = state != NULL && state[0] == '/'
                ? snprintf(buf, len, "%s/netdemo/compare/%s", state, name)
            : home != NULL ? snprintf(buf, len, "%s/.local/state/netdemo/compare/%s", home, name)
                           : -1;
    return n > 0 && (size_t)n < len ? buf : NULL;
}

static bool has_hub(const char *root)
{
    char path[PATH_MAX];
    struct stat st;
    int n = snprintf(path, sizeof path, "%s%s", root, NETDEMO_HUB_PAGE);
    return n > 0 && (size_t)n < sizeof path && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Every server's config from the options. Returns 0, or the exit code
 * with the reason in err. */
int netdemo_configure(struct netdemo *d, const struct cli_common *common, char *err)
{
    struct netdemo_service *sv = d->services;
    char why[NET_ERR_LEN];

    if (net_endpoint_from_host_port(common->host, 1, &d->tcp.endpoint, err) == -1)
        return CLI_EXIT_USAGE;
    if (d->tcp.endpoint.is_unix) {
        cli_reason(err, "%s", _("-H needs an IP address: UDP and FTP cannot use a Unix socket"));
        return CLI_EXIT_USAGE;
    }
    if (net_endpoint_from_host_port(common->host, sv[NETDEMO_TCP].port, &d->tcp.endpoint, err) ==
            -1 ||
        net_endpoint_from_host_port(common->host, sv[NETDEMO_UDP].port, &d->udp.endpoint, err) ==
            -1 ||
        net_endpoint_from_host_port(common->host, sv[NETDEMO_HTTP].port, &d->http.endpoint, err) ==
            -1 ||
        net_endpoint_from_host_port(common->host, sv[NETDEMO_FTP].port, &d->ftp.endpoint, err) ==
            -1)
        return CLI_EXIT_USAGE;
    d->tcp.trace = d->udp.trace = d->http.trace = d->ftp.trace = common->trace;

    if (d->www != NULL) {
        d->http.docroot = d->www;
    } else if (content_dir(CONTENT_SITE, d->site, sizeof d->site, why) == -1) {
        cli_reason(err, _("bundled site not found (%s); give a folder with --www DIR"), why);
        return CLI_EXIT_FAILURE;
    } else {
        d->http.docroot = d->site;
    }
    if (has_hub(d->http.docroot))
        d->http.home = NETDEMO_HUB_PAGE;
    d->http.about_json = d->about;
    d->http.compare_page = netdemo_report_path("report.html", d->report, sizeof d->report);
    d->http.events = d->ring;
    d->http.events_max = HTTP_EVENTS_MAX;
    d->http.csp = NETDEMO_CSP;

    d->ftp.anonymous = true; /* and read-only: no --write */
    if (d->ftp_root != NULL) {
        snprintf(d->ftp.root, sizeof d->ftp.root, "%s", d->ftp_root);
    } else if (content_dir(CONTENT_SAMPLE, d->ftp.root, sizeof d->ftp.root, why) == -1) {
        cli_reason(err, _("bundled FTP folder not found (%s); give one with --ftp-root DIR"), why);
        return CLI_EXIT_FAILURE;
    }
    return CLI_EXIT_OK;
}

/* --- open, serve, stop, close -------------------------------------------------- */

static int open_tcp(void *srv, struct netdemo *d, struct stop *stop, char *err)
{
    return tcp_server_open(srv, &d->tcp, stop, err);
}

static int open_udp(void *srv, struct netdemo *d, struct stop *stop, char *err)
{
    return udp_server_open(srv, &d->udp, stop, err);
}

static int open_http(void *srv, struct netdemo *d, struct stop *stop, char *err)
{
    return http_server_open(srv, &d->http, stop, err);
}

static int open_ftp(void *srv, struct netdemo *d, struct stop *stop, char *err)
{
    return ftp_server_open(srv, &d->ftp, stop, err);
}

/* Close what netdemo_open opened, in reverse. */
void netdemo_close(struct netdemo *d)
{
    for (int i = NETDEMO_SERVICES - 1; i >= 0; i--) {
        struct netdemo_service *s = &d->services[i];
        if (s->opened)
            s->ops->close(s->srv);
        s->opened = false;
        stop_close(&s->stop);
    }
}

/* Open all four, or none: a port in use gets a line naming the flag that
 * moves it. Returns 0, or -1 with the reason in err. */
int netdemo_open(struct netdemo *d, char *err)
{
    char why[CLI_ERR_LEN];
    for (int i = 0; i < NETDEMO_SERVICES; i++) {
        struct netdemo_service *s = &d->services[i];
        if (stop_open(&s->stop, why) == -1 || s->open(s->srv, d, &s->stop, why) == -1) {
            if (strstr(why, strerror(EADDRINUSE)) != NULL)
                cli_reason(err, _("%s port %u is in use (try %s %u)"), s->label, s->port, s->flag,
                           s->port < 65535 ? s->port + 1 : 1024);
            else
                cli_reason(err, "%s: %s", s->label, why);
            netdemo_close(d);
            return -1;
        }
        s->opened = true;
        s->port = server_port(s->ops, s->srv);
    }
    return 0;
}

static void *netdemo_serve_one(void *arg)
{
    struct netdemo_service *s = arg;
    s->rc = s->ops->serve(s->srv, s->err);
    return NULL;
}

int netdemo_start_threads(struct netdemo *d, char *err)
{
    for (int i = 0; i < NETDEMO_SERVICES; i++) {
        struct netdemo_service *s = &d->services[i];
        s->started = pthread_create(&s->thread, NULL, netdemo_serve_one, s) == 0;
        if (!s->started) {
            netdemo_stop(d);
            return cli_reason(err, _("%s: pthread_create: out of threads"), s->label);
        }
    }
    return 0;
}

void netdemo_stop(struct netdemo *d)
{
    for (int i = 0; i < NETDEMO_SERVICES; i++)
        if (d->services[i].opened)
            stop_request(&d->services[i].stop);
}

int netdemo_join(struct netdemo *d)
{
    int rc = CLI_EXIT_OK;
    for (int i = 0; i < NETDEMO_SERVICES; i++) {
        struct netdemo_service *s = &d->services[i];
        if (!s->started)
            continue;
        pthread_join(s->thread, NULL);
        s->started = false;
        /* One server failing stops only itself; it says why. */
        if (s->rc == -1)
            rc = cli_error("netdemo", CLI_EXIT_FAILURE, _("%s stopped: %s"), s->label, s->err);
    }
    return rc;
}

static const struct netdemo_service netdemo_services[NETDEMO_SERVICES] = {
    [NETDEMO_TCP] = {"TCP", "--tcp", TCP_DEFAULT_PORT, &tcp_server_ops, open_tcp},
    [NETDEMO_UDP] = {"UDP", "--udp", UDP_DEFAULT_PORT, &udp_server_ops, open_udp},
    [NETDEMO_HTTP] = {"HTTP", "--http", HTTP_DEFAULT_PORT, &http_server_ops, open_http},
    [NETDEMO_FTP] = {"FTP", "--ftp", FTP_DEFAULT_PORT, &ftp_server_ops, open_ftp},
};

struct netdemo *netdemo_new(void)
{
    struct netdemo *d = calloc(1, sizeof *d);
    if (d == NULL)
        return NULL;
    memcpy(d->services, netdemo_services, sizeof d->services);
    tcp_config_defaults(&d->tcp);
    udp_config_defaults(&d->udp);
    http_config_defaults(&d->http);
    ftp_config_defaults(&d->ftp);
    for (int i = 0; i < NETDEMO_SERVICES; i++) {
        /* not open: closing it must touch no descriptor (0 is stdin) */
        d->services[i].stop.pipe[0] = d->services[i].stop.pipe[1] = -1;
        d->services[i].srv = calloc(1, d->services[i].ops->server_size);
        if (d->services[i].srv == NULL)
            return d; /* netdemo_run sees it */
    }
    return d;
}

void netdemo_free(struct netdemo *d)
{
    if (d == NULL)
        return;
    for (int i = 0; i < NETDEMO_SERVICES; i++)
        free(d->services[i].srv);
    free(d);
}
