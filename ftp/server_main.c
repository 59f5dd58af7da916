/*
 * server_main.c - `ftp-demo server`: options in, a running server out.
 */
#include "cli.h"
#include "content.h"
#include "ftp_server.h"
#include "ftp_session.h"
#include "stop.h"
#include "trace.h"

#include <arpa/inet.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <strings.h>

static const char ftp_server_usage[] =
    "usage: ftp-demo server [-H HOST] [-p PORT] [-r ROOT] [--user NAME:PASSWORD]...\n"
    "                       [--anonymous] [--anonymous-write] [--write]\n"
    "                       [--pasv-ports LO-HI] [--pasv-address IP]\n"
    "                       [--max-sessions N] [--max-per-ip N] [--idle-timeout S]\n"
    "                       [--disable CMD,...] [--trace]\n"
    "\n"
    "An FTP server (RFC 959, 2389, 2428, 3659) that curl, ftplib and lftp use.\n"
    "\n"
    "  -H, --host HOST          address to listen on (default 127.0.0.1)\n"
    "  -p, --port PORT          port to listen on (default 2121; 0 picks a free one)\n"
    "  -r, --root DIR           folder to serve (default: the shipped sample folder,\n"
    "                           share/netdemo/ftp-sample beside the program's bin/)\n"
    "      --user NAME:PASS     a user who may log in (repeatable); with users,\n"
    "                           anonymous login is off unless --anonymous\n"
    "      --anonymous          allow USER anonymous (the default without --user)\n"
    "      --anonymous-write    let anonymous users upload and change files too\n"
    "      --write              let logged-in users upload and change files\n"
    "      --pasv-ports LO-HI   passive data ports (default: any free port)\n"
    "      --pasv-address IP    IPv4 address to announce in 227 replies (behind NAT)\n"
    "      --max-sessions N     sessions at once (default 100; more get 421)\n"
    "      --max-per-ip N       sessions at once from one address (default 20)\n"
    "      --idle-timeout S     close idle sessions after S seconds (default 300)\n"
    "      --disable CMD,...    answer these commands with 502 (e.g. EPSV,MLSD)\n"
    "      --trace              log the control conversation and data connections\n"
    "  -h, --help               show this help\n"
    "      --version            print the version and exit\n"
    "\n"
    "It prints one line when ready: 'listening on ADDRESS ...'. Ctrl-C stops it\n"
    "cleanly. Exit: 0 ok, 1 cannot start, 2 bad usage.\n";

enum {
    OPT_USER = 256,
    OPT_ANON,
    OPT_ANON_WRITE,
    OPT_WRITE,
    OPT_PASV_PORTS,
    OPT_PASV_ADDR,
    OPT_MAX_SESSIONS,
    OPT_MAX_PER_IP,
    OPT_IDLE,
    OPT_DISABLE,
    OPT_TRACE,
};

static int parse_user(const char *text, struct ftp_config *c)
{
    const char *colon = strchr(text, ':');
    if (c->user_count >= FTP_MAX_USERS || colon == NULL || colon == text ||
        (size_t)(colon - text) >= FTP_NAME_MAX || strlen(colon + 1) >= FTP_PASS_MAX)
        return -1;
    struct ftp_user *u = &c->users[c->user_count++];
    snprintf(u->name, sizeof u->name, "%.*s", (int)(colon - text), text);
    snprintf(u->pass, sizeof u->pass, "%s", colon + 1);
    return 0;
}

static int parse_range(const char *text, struct ftp_config *c)
{
    char lo[8];
    const char *dash = strchr(text, '-');
    long a, b;
    if (dash == NULL || (size_t)(dash - text) >= sizeof lo)
        return -1;
    snprintf(lo, sizeof lo, "%.*s", (int)(dash - text), text);
    if (cli_parse_long(lo, 1024, 65535, &a) == -1 || cli_parse_long(dash + 1, a, 65535, &b) == -1)
        return -1;
    c->pasv_lo = (uint16_t)a;
    c->pasv_hi = (uint16_t)b;
    return 0;
}

static int parse_disable(const char *text, struct ftp_config *c, char *bad, size_t badlen)
{
    char copy[512];
    snprintf(copy, sizeof copy, "%s", text);
    char *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
        char verb[16];
        size_t i = 0;
        for (; tok[i] != '\0' && i + 1 < sizeof verb; i++)
            verb[i] = (char)((tok[i] >= 'a' && tok[i] <= 'z') ? tok[i] - 32 : tok[i]);
        verb[i] = '\0';
        int idx = ftp_command_index(verb);
        if (idx == -1) {
            snprintf(bad, badlen, "%s", tok);
            return -1;
        }
        c->disabled |= UINT64_C(1) << idx;
    }
    return 0;
}

/* What the options say beyond the config itself. */
struct parse_state {
    const char *host;
    uint16_t port;
    bool anonymous_flag;
};

/* --max-sessions, --max-per-ip, --idle-timeout; -1 to go on, else an exit code. */
static int parse_limit(int ch, struct ftp_config *c)
{
    long v;
    if (cli_parse_long(optarg, 1, ch == OPT_IDLE ? 86400 : 100000, &v) == -1)
        return cli_error("ftp-demo server", CLI_EXIT_USAGE, "bad number '%s'", optarg);
    if (ch == OPT_IDLE)
        c->idle_timeout_s = (int)v;
    else if (ch == OPT_MAX_SESSIONS)
        c->max_sessions = (int)v;
    else
        c->max_per_ip = (int)v;
    return -1;
}

/* One option into config; returns -1 to go on, else an exit code. */
static int parse_option(int ch, struct ftp_config *c, struct parse_state *ps, char *argv[])
{
    const char *prog = "ftp-demo server";
    char err[NET_ERR_LEN];
    switch (ch) {
    case 'H':
        ps->host = optarg;
        return -1;
    case 'p':
        if (net_parse_port(optarg, true, &ps->port, err) == -1)
            return cli_error(prog, CLI_EXIT_USAGE, "%s", err);
        return -1;
    case 'r':
        snprintf(c->root, sizeof c->root, "%s", optarg);
        return -1;
    case OPT_USER:
        if (parse_user(optarg, c) == -1)
            return cli_error(prog, CLI_EXIT_USAGE, "bad --user '%s': use NAME:PASSWORD", optarg);
        return -1;
    case OPT_ANON:
        ps->anonymous_flag = true;
        return -1;
    case OPT_ANON_WRITE:
        ps->anonymous_flag = true;
        c->anonymous_write = true;
        return -1;
    case OPT_WRITE:
        c->write = true;
        return -1;
    case OPT_PASV_PORTS:
        if (parse_range(optarg, c) == -1)
            return cli_error(prog, CLI_EXIT_USAGE, "bad --pasv-ports '%s': use LO-HI, 1024-65535",
                             optarg);
        return -1;
    case OPT_PASV_ADDR: {
        struct in_addr a;
        if (inet_pton(AF_INET, optarg, &a) != 1)
            return cli_error(prog, CLI_EXIT_USAGE, "bad --pasv-address '%s': use an IPv4 address",
                             optarg);
        snprintf(c->pasv_address, sizeof c->pasv_address, "%s", optarg);
        return -1;
    }
    case OPT_MAX_SESSIONS:
    case OPT_MAX_PER_IP:
    case OPT_IDLE:
        return parse_limit(ch, c);
    case OPT_DISABLE:
        if (parse_disable(optarg, c, err, sizeof err) == -1)
            return cli_error(prog, CLI_EXIT_USAGE, "--disable: unknown command '%s'", err);
        return -1;
    case OPT_TRACE:
        c->trace = true;
        return -1;
    case 'h':
        fputs(ftp_server_usage, stdout);
        return CLI_EXIT_OK;
    case CLI_OPT_VERSION:
        return cli_version("ftp-demo");
    default:
        return cli_bad_option(prog, argv, ch);
    }
}

/* Parse argv into config; returns -1 on success-and-continue, else an exit code. */
static int ftp_server_parse(int argc, char *argv[], struct ftp_config *c)
{
    static const struct option longopts[] = {
        {"host", required_argument, NULL, 'H'},
        {"port", required_argument, NULL, 'p'},
        {"root", required_argument, NULL, 'r'},
        {"user", required_argument, NULL, OPT_USER},
        {"anonymous", no_argument, NULL, OPT_ANON},
        {"anonymous-write", no_argument, NULL, OPT_ANON_WRITE},
        {"write", no_argument, NULL, OPT_WRITE},
        {"pasv-ports", required_argument, NULL, OPT_PASV_PORTS},
        {"pasv-address", required_argument, NULL, OPT_PASV_ADDR},
        {"max-sessions", required_argument, NULL, OPT_MAX_SESSIONS},
        {"max-per-ip", required_argument, NULL, OPT_MAX_PER_IP},
        {"idle-timeout", required_argument, NULL, OPT_IDLE},
        {"disable", required_argument, NULL, OPT_DISABLE},
        {"trace", no_argument, NULL, OPT_TRACE},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, CLI_OPT_VERSION},
        {NULL, 0, NULL, 0},
    };
    struct parse_state ps = {.host = FTP_DEFAULT_HOST, .port = FTP_DEFAULT_PORT};
    char err[NET_ERR_LEN];
    int ch;

    *c = (struct ftp_config){
        .max_sessions = FTP_MAX_SESSIONS,
        .max_per_ip = FTP_MAX_PER_IP,
        .idle_timeout_s = FTP_IDLE_TIMEOUT_S,
    };
    optind = 1;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":H:p:r:h", longopts, NULL)) != -1) {
        int rc = parse_option(ch, c, &ps, argv);
        if (rc != -1)
            return rc;
    }
    if (optind < argc)
        return cli_error("ftp-demo server", CLI_EXIT_USAGE, "unexpected argument '%s' (see --help)",
                         argv[optind]);
    if (net_endpoint_from_host_port(ps.host, ps.port, &c->endpoint, err) == -1 ||
        c->endpoint.is_unix)
        return cli_error("ftp-demo server", CLI_EXIT_USAGE, "%s",
                         c->endpoint.is_unix ? "FTP needs an IP address, not a Unix socket" : err);
    c->anonymous = ps.anonymous_flag || c->user_count == 0;
    /* Without -r, the sample installed beside the program (core/content.c). */
    if (c->root[0] == '\0' && content_dir(CONTENT_SAMPLE, c->root, sizeof c->root, err) == -1)
        return cli_error("ftp-demo server", CLI_EXIT_FAILURE,
                         "bundled sample folder not found (%s); give a folder with -r DIR",
                         c->root[0] != '\0' ? c->root : err);
    return -1;
}

/* Is the socket bound to a loopback address? Asked of the bound address,
 * not of the -H text, so that names, "0.0.0.0" and "::" are judged by what
 * they really opened. */
static bool bound_to_loopback(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;

    if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
        return false;
    if (ss.ss_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)&ss;
        return ntohl(in->sin_addr.s_addr) >> 24 == 127;
    }
    if (ss.ss_family == AF_INET6) {
        const struct in6_addr *a = &((const struct sockaddr_in6 *)&ss)->sin6_addr;
        return IN6_IS_ADDR_LOOPBACK(a) || (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127);
    }
    return false;
}

static void ftp_server_announce(const struct ftp_server *srv)
{
    char where[NET_WHERE_LEN];

    net_format_listening(srv->listen_fd, &srv->config.endpoint, where, sizeof where);
    if (srv->config.anonymous && srv->config.anonymous_write && !bound_to_loopback(srv->listen_fd))
        fprintf(stderr,
                "ftp-demo server: warning: anonymous users may write, and %s is not a "
                "loopback address\n",
                where);
    printf("ftp-demo server: listening on %s (root %s, %s%s)\n", where, srv->root_real,
           srv->config.anonymous ? "anonymous " : "users only, ",
           srv->config.write || srv->config.anonymous_write ? "read-write" : "read-only");
    fflush(stdout);
}

int ftp_server_main(int argc, char *argv[])
{
    const char *prog = "ftp-demo server";
    struct ftp_config *config = malloc(sizeof *config);
    struct ftp_server *srv = malloc(sizeof *srv);
    char err[NET_ERR_LEN];
    int rc = CLI_EXIT_FAILURE;

    struct stop stop = {.pipe = {-1, -1}};

    if (config == NULL || srv == NULL) {
        rc = cli_error(prog, CLI_EXIT_FAILURE, "malloc: out of memory");
        goto out;
    }
    rc = ftp_server_parse(argc, argv, config);
    if (rc != -1)
        goto out;
    if (stop_watch_signals(err) == -1 || stop_open(&stop, err) == -1 ||
        ftp_server_open(srv, config, &stop, err) == -1) {
        rc = cli_error(prog, CLI_EXIT_FAILURE, "%s", err);
        goto out;
    }
    ftp_server_announce(srv);
    rc = ftp_server_serve(srv, err) == -1 ? cli_error(prog, CLI_EXIT_FAILURE, "%s", err)
                                          : CLI_EXIT_OK;
    ftp_server_close(srv);
out:
    stop_close(&stop);
    free(config);
    free(srv);
    return rc;
}
