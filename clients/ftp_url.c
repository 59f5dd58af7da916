/*
 * ftp_url.c - `ftp-demo get URL [-o FILE]` and `ftp-demo put FILE URL`:
 * one transfer, no prompt, an exit status scripts can trust.
 */
#include "cli.h"
#include "ftp_client.h"
#include "percent.h"
#include "i18n.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Decode n bytes of in into out. Returns 0, or -1 when it does not fit,
 * an escape is bad, or it decodes to a NUL, CR or LF (which would end or
 * split an FTP command line). */
static int url_decode(const char *in, size_t n, char *out, size_t outlen)
{
    long len = percent_decode(in, n, out, outlen);
    if (len < 0 || memchr(out, '\r', (size_t)len) != NULL || memchr(out, '\n', (size_t)len) != NULL)
        return -1;
    return 0;
}

/* The user[:pass] part before '@'. */
static int url_userinfo(const char *p, size_t n, struct ftp_url *url)
{
    const char *colon = memchr(p, ':', n);
    size_t ulen = colon ? (size_t)(colon - p) : n;
    if (url_decode(p, ulen, url->user, sizeof url->user) == -1)
        return -1;
    if (colon && url_decode(colon + 1, n - ulen - 1, url->pass, sizeof url->pass) == -1)
        return -1;
    return 0;
}

/* host, [v6] or host:port. */
static int url_hostport(const char *p, size_t n, struct ftp_url *url)
{
    const char *end = p + n, *host = p, *host_end = end, *port = NULL;
    if (n > 0 && p[0] == '[') {
        const char *close = memchr(p, ']', n);
        if (close == NULL)
            return -1;
        host = p + 1;
        host_end = close;
        if (close + 1 < end && close[1] != ':')
            return -1;
        port = close + 1 < end ? close + 2 : NULL;
    } else {
        const char *colon = memchr(p, ':', n);
        host_end = colon ? colon : end;
        port = colon ? colon + 1 : NULL;
    }
    size_t hlen = (size_t)(host_end - host);
    if (hlen == 0 || hlen >= sizeof url->host)
        return -1;
    for (const char *c = host; c < host_end; c++)
        if ((unsigned char)*c <= ' ' || *c == 0x7f) /* no host name holds these */
            return -1;
    memcpy(url->host, host, hlen);
    url->host[hlen] = '\0';
    if (port != NULL) {
        char text[8];
        size_t plen = (size_t)(end - port);
        long v;
        if (plen == 0 || plen >= sizeof text)
            return -1;
        memcpy(text, port, plen);
        text[plen] = '\0';
        if (cli_parse_long(text, 1, 65535, &v) == -1)
            return -1;
        url->port = (uint16_t)v;
    }
    return 0;
}

int ftp_parse_url(const char *text, struct ftp_url *url)
{
    *url = (struct ftp_url){.port = FTP_URL_PORT};
    if (strncmp(text, "ftp://", 6) != 0)
        return -1;
    const char *auth = text + 6;
    const char *slash = strchr(auth, '/');
    size_t alen = slash ? (size_t)(slash - auth) : strlen(auth);
    const char *at = NULL;
    for (size_t i = 0; i < alen; i++)
        if (auth[i] == '@')
            at = auth + i; /* the last '@': a password may hold one */
    if (at != NULL && url_userinfo(auth, (size_t)(at - auth), url) == -1)
        return -1;
    const char *host = at ? at + 1 : auth;
    if (url_hostport(host, (size_t)(auth + alen - host), url) == -1)
        return -1;
    if (slash == NULL)
        return 0;
    return url_decode(slash + 1, strlen(slash + 1), url->path, sizeof url->path);
}

/* Connect to ep and log in as url says. Returns 0, or -1 with err set. */
static int url_connect(struct ftp_conn *c, const struct net_endpoint *ep, const struct ftp_url *url,
                       const struct cli_common *common, bool verbose, char *err)
{
    if (ftp_conn_open(c, ep, common->connect_timeout_ms, verbose, err) == -1)
        return -1;
    if (ftp_conn_login(c, url->user[0] ? url->user : NULL, url->pass, err) == -1 ||
        ftp_conn_type(c, err) == -1) {
        ftp_conn_close(c);
        return -1;
    }
    return 0;
}

/* -H or -p on the command line: the server is named there, and the
 * command takes a PATH in place of a URL. */
static bool url_server_given(const struct cli_common *common)
{
    return common->host_given || common->port_given;
}

/* Where the file is: an ftp:// URL or, with -H or -p, a path on the
 * server they name (anonymous, as ftp-demo client logs in). Fills url and
 * ep. Returns 0, or -1 with a usage error in err (CLI_ERR_LEN bytes). */
static int url_target(const char *text, const struct cli_common *common, struct ftp_url *url,
                      struct net_endpoint *ep, char *err)
{
    char why[NET_ERR_LEN];
    if (strncmp(text, "ftp://", 6) == 0 && url_server_given(common))
        return cli_reason(err, "%s", _("give the server once: in the URL, or with -H and -p"));
    if (!url_server_given(common)) {
        if (ftp_parse_url(text, url) == -1)
            return cli_reason(err,
                              _("'%s' is no ftp://[user[:pass]@]host[:port]/path URL (a PATH "
                                "needs -H or -p)"),
                              text);
        if (net_endpoint_from_host_port(url->host, url->port, ep, why) == -1)
            return cli_reason(err, "%s", why);
        return 0;
    }
    *url = (struct ftp_url){0};
    if (strlen(text) >= sizeof url->path || strpbrk(text, "\r\n") != NULL)
        return cli_reason(err, _("'%s' is no path a server can take"), text);
    memcpy(url->path, text, strlen(text) + 1);
    return cli_client_endpoint(common, ep, err);
}

/* The help of get and put. Each is one whole text, so that it is
 * translated whole: their -H, -p and the options after -o read the same. */
static const char ftp_get_usage[] =
    N_("usage: ftp-demo get ftp://[user[:pass]@]host[:port]/path\n"
       "                    [-o FILE] [--active] [-v]\n"
       "       ftp-demo get [-H HOST] [-p PORT] PATH [-o FILE] [--active] [-v]\n"
       "       (either form also takes [--connect-timeout SECONDS] [--trace[=detail]])\n"
       "\n"
       "Download one file without a prompt. Without -o it is saved under its own\n"
       "name in this folder; '-o -' writes it to stdout.\n"
       "\n"
       "  -H, --host HOST      server address, with a PATH instead of a URL (default\n"
       "                       127.0.0.1; HOST:PORT works too); logs in as anonymous\n"
       "  -p, --port PORT      server port, with a PATH (default 2121)\n"
       "  -o, --output FILE    save as FILE ('-' for stdout)\n"
       "      --active         the server connects to us for data (PORT/EPRT)\n"
       "  -v, --verbose        show the control conversation (C>/S>) and the data\n"
       "                       connections\n"
       "      --connect-timeout SECONDS\n"
       "                       give up on a server that does not answer a connect\n"
       "                       within SECONDS (default 10; 0.5 is half a second)\n"
       "      --trace          narrate each socket call on stderr\n"
       "                       =detail: the O_NONBLOCK connect with its timeout too\n"
       "  -h, --help           show this help\n"
       "      --version        print the version and exit\n"
       "\n"
       "Exit: 0 ok, 1 failure, 2 usage.\n");

static const char ftp_put_usage[] =
    N_("usage: ftp-demo put FILE ftp://[user[:pass]@]host[:port]/path [--active] [-v]\n"
       "       ftp-demo put [-H HOST] [-p PORT] FILE [PATH] [--active] [-v]\n"
       "       (either form also takes [--connect-timeout SECONDS] [--trace[=detail]])\n"
       "\n"
       "Upload one file without a prompt. A path ending in '/' (or none, with -H\n"
       "and -p) keeps FILE's name.\n"
       "\n"
       "  -H, --host HOST      server address, with a PATH instead of a URL (default\n"
       "                       127.0.0.1; HOST:PORT works too); logs in as anonymous\n"
       "  -p, --port PORT      server port, with a PATH (default 2121)\n"
       "      --active         the server connects to us for data (PORT/EPRT)\n"
       "  -v, --verbose        show the control conversation (C>/S>) and the data\n"
       "                       connections\n"
       "      --connect-timeout SECONDS\n"
       "                       give up on a server that does not answer a connect\n"
       "                       within SECONDS (default 10; 0.5 is half a second)\n"
       "      --trace          narrate each socket call on stderr\n"
       "                       =detail: the O_NONBLOCK connect with its timeout too\n"
       "  -h, --help           show this help\n"
       "      --version        print the version and exit\n"
       "\n"
       "Exit: 0 ok, 1 failure, 2 usage.\n");

/* The options of get and put besides the common ones. */
struct url_args {
    const char *output; /* -o: get only */
    bool active;
    bool verbose;
};

static int url_option(void *ctx, int ch, const char *arg, char *err)
{
    struct url_args *a = ctx;
    (void)err;
    if (ch == 'o')
        a->output = arg;
    else if (ch == 'a')
        a->active = true;
    else if (ch == 'v')
        a->verbose = true;
    return 0;
}

static const struct option url_get_options[] = {
    {"output", required_argument, NULL, 'o'},
    {"active", no_argument, NULL, 'a'},
    {"verbose", no_argument, NULL, 'v'},
    {NULL, 0, NULL, 0},
};

static const struct cli_syntax ftp_get_syntax = {
    .prog = "ftp-demo get",
    .version_prog = "ftp-demo",
    .usage = ftp_get_usage,
    .takes = CLI_TAKES_HOST | CLI_TAKES_PORT | CLI_TAKES_ARGS | CLI_TAKES_CONNECT_TIMEOUT,
    .default_host = FTP_CLIENT_HOST,
    .default_port = FTP_CLIENT_PORT,
    .options = url_get_options,
    .short_options = "o:v",
    .option = url_option,
};

/* put: get's syntax without -o (url_get_options + 1). */
static const struct cli_syntax ftp_put_syntax = {
    .prog = "ftp-demo put",
    .version_prog = "ftp-demo",
    .usage = ftp_put_usage,
    .takes = CLI_TAKES_HOST | CLI_TAKES_PORT | CLI_TAKES_ARGS | CLI_TAKES_CONNECT_TIMEOUT,
    .default_host = FTP_CLIENT_HOST,
    .default_port = FTP_CLIENT_PORT,
    .options = url_get_options + 1,
    .short_options = "v",
    .option = url_option,
};

int ftp_get_main(int argc, char *argv[])
{
    const char *prog = ftp_get_syntax.prog;
    struct url_args a = {0};
    struct cli_common common;
    struct ftp_url url;
    struct net_endpoint ep;
    struct ftp_conn c;
    char err[CLI_ERR_LEN];
    int rc = cli_parse(&ftp_get_syntax, &a, argc, argv, &common);
    if (rc != -1)
        return rc;
    if (optind + 1 != argc)
        return cli_error(prog, CLI_EXIT_USAGE, "%s",
                         _("give one URL (ftp://[user[:pass]@]host[:port]/path) or one PATH"));
    if (url_target(argv[optind], &common, &url, &ep, err) == -1)
        return cli_error(prog, CLI_EXIT_USAGE, "%s", err);
    if (url.path[0] == '\0')
        return cli_error(prog, CLI_EXIT_USAGE, _("'%s' names no file"), argv[optind]);
    cli_trace_client(&common, "ftp client");
    const char *output = a.output;
    if (output == NULL)
        output = strrchr(url.path, '/') ? strrchr(url.path, '/') + 1 : url.path;
    if (url_connect(&c, &ep, &url, &common, a.verbose, err) == -1)
        return cli_error(prog, CLI_EXIT_FAILURE, "%s", err);
    c.passive = !a.active;
    c.progress = true;
    bool to_stdout = strcmp(output, "-") == 0;
    int fd =
        to_stdout ? STDOUT_FILENO : open(output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd == -1) {
        ftp_conn_close(&c);
        return cli_error(prog, CLI_EXIT_FAILURE, "%s: %s", output, strerror(errno));
    }
    rc = ftp_conn_retr(&c, url.path, fd, 0, err);
    if (!to_stdout && close(fd) == -1 && rc == 0)
        rc = -1;
    if (rc == -1 && !to_stdout)
        unlink(output); /* a failed download leaves no half file */
    ftp_conn_close(&c);
    return rc == -1 ? cli_error(prog, CLI_EXIT_FAILURE, "%s", err) : CLI_EXIT_OK;
}

int ftp_put_main(int argc, char *argv[])
{
    const char *prog = ftp_put_syntax.prog;
    struct url_args a = {0};
    struct cli_common common;
    struct ftp_url url;
    struct net_endpoint ep;
    struct ftp_conn c;
    char err[CLI_ERR_LEN], remote[sizeof url.path + 256];
    int rc = cli_parse(&ftp_put_syntax, &a, argc, argv, &common);
    if (rc != -1)
        return rc;
    /* FILE and a URL; or, with -H or -p, FILE and an optional PATH */
    int words = argc - optind;
    if (words != 2 && !(words == 1 && url_server_given(&common)))
        return cli_error(prog, CLI_EXIT_USAGE, "%s",
                         _("give FILE and ftp://[user[:pass]@]host[:port]/path, or -H/-p, FILE "
                           "and a PATH"));
    const char *target = words == 2 ? argv[optind + 1] : "";
    if (url_target(target, &common, &url, &ep, err) == -1)
        return cli_error(prog, CLI_EXIT_USAGE, "%s", err);
    cli_trace_client(&common, "ftp client");
    const char *file = argv[optind];
    const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
    size_t plen = strlen(url.path);
    snprintf(remote, sizeof remote, "%s%s", url.path,
             plen == 0 || url.path[plen - 1] == '/' ? base : "");
    int fd = open(file, O_RDONLY | O_CLOEXEC);
    if (fd == -1)
        return cli_error(prog, CLI_EXIT_FAILURE, "%s: %s", file, strerror(errno));
    if (url_connect(&c, &ep, &url, &common, a.verbose, err) == -1) {
        close(fd);
        return cli_error(prog, CLI_EXIT_FAILURE, "%s", err);
    }
    c.passive = !a.active;
    c.progress = true;
    rc = ftp_conn_stor(&c, fd, remote, false, err);
    close(fd);
    ftp_conn_close(&c);
    return rc == -1 ? cli_error(prog, CLI_EXIT_FAILURE, "%s", err) : CLI_EXIT_OK;
}
