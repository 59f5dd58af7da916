/*
 * ftp_url.c - `ftp-demo get URL [-o FILE]` and `ftp-demo put FILE URL`:
 * one transfer, no prompt, an exit status scripts can trust.
 */
#include "cli.h"
#include "ftp_client.h"
#include "percent.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
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

/* Connect and log in as the URL says. Returns 0, or -1 with err set. */
static int url_connect(struct ftp_conn *c, const struct ftp_url *url, bool verbose, char *err)
{
    struct net_endpoint ep;
    if (net_endpoint_from_host_port(url->host, url->port, &ep, err) == -1 ||
        ftp_conn_open(c, &ep, verbose, err) == -1)
        return -1;
    if (ftp_conn_login(c, url->user[0] ? url->user : NULL, url->pass, err) == -1 ||
        ftp_conn_type(c, err) == -1) {
        ftp_conn_close(c);
        return -1;
    }
    return 0;
}

static const char ftp_get_usage[] =
    "usage: ftp-demo get ftp://[user[:pass]@]host[:port]/path [-o FILE] [--active] [-v]\n"
    "       ftp-demo get --version\n"
    "\n"
    "Download one file without a prompt. Without -o it is saved under its own\n"
    "name in this folder; '-o -' writes it to stdout. Exit: 0 ok, 1 failure, 2 usage.\n";

static const char ftp_put_usage[] =
    "usage: ftp-demo put FILE ftp://[user[:pass]@]host[:port]/path [--active] [-v]\n"
    "       ftp-demo put --version\n"
    "\n"
    "Upload one file without a prompt. A path ending in '/' keeps FILE's name.\n"
    "Exit: 0 ok, 1 failure, 2 usage.\n";

/* Shared options of get and put. Returns -1 to go on, else an exit code. */
static int url_options(int argc, char *argv[], const char *prog, const char *usage, bool *active,
                       bool *verbose, const char **output)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"active", no_argument, NULL, 'a'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, CLI_OPT_VERSION},
        {NULL, 0, NULL, 0},
    };
    int ch;
    optind = 1;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, output ? ":o:vh" : ":vh", longopts, NULL)) != -1) {
        if (ch == 'o' && output)
            *output = optarg;
        else if (ch == 'a')
            *active = true;
        else if (ch == 'v')
            *verbose = true;
        else if (ch == 'h')
            return fputs(usage, stdout) == EOF ? CLI_EXIT_FAILURE : CLI_EXIT_OK;
        else if (ch == CLI_OPT_VERSION)
            return cli_version("ftp-demo");
        else
            return cli_bad_option(prog, argv, ch);
    }
    return -1;
}

int ftp_get_main(int argc, char *argv[])
{
    const char *prog = "ftp-demo get", *output = NULL;
    bool active = false, verbose = false;
    struct ftp_url url;
    struct ftp_conn c;
    char err[NET_ERR_LEN];
    int rc = url_options(argc, argv, prog, ftp_get_usage, &active, &verbose, &output);
    if (rc != -1)
        return rc;
    if (optind + 1 != argc || ftp_parse_url(argv[optind], &url) == -1 || url.path[0] == '\0')
        return cli_error(prog, CLI_EXIT_USAGE,
                         "give one URL: ftp://[user[:pass]@]host[:port]/path");
    if (output == NULL)
        output = strrchr(url.path, '/') ? strrchr(url.path, '/') + 1 : url.path;
    if (url_connect(&c, &url, verbose, err) == -1)
        return cli_error(prog, CLI_EXIT_FAILURE, "%s", err);
    c.passive = !active;
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
    const char *prog = "ftp-demo put";
    bool active = false, verbose = false;
    struct ftp_url url;
    struct ftp_conn c;
    char err[NET_ERR_LEN], remote[sizeof url.path + 256];
    int rc = url_options(argc, argv, prog, ftp_put_usage, &active, &verbose, NULL);
    if (rc != -1)
        return rc;
    if (optind + 2 != argc || ftp_parse_url(argv[optind + 1], &url) == -1)
        return cli_error(prog, CLI_EXIT_USAGE,
                         "give FILE and ftp://[user[:pass]@]host[:port]/path");
    const char *file = argv[optind];
    const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
    size_t plen = strlen(url.path);
    snprintf(remote, sizeof remote, "%s%s", url.path,
             plen == 0 || url.path[plen - 1] == '/' ? base : "");
    int fd = open(file, O_RDONLY | O_CLOEXEC);
    if (fd == -1)
        return cli_error(prog, CLI_EXIT_FAILURE, "%s: %s", file, strerror(errno));
    if (url_connect(&c, &url, verbose, err) == -1) {
        close(fd);
        return cli_error(prog, CLI_EXIT_FAILURE, "%s", err);
    }
    c.passive = !active;
    c.progress = true;
    rc = ftp_conn_stor(&c, fd, remote, false, err);
    close(fd);
    ftp_conn_close(&c);
    return rc == -1 ? cli_error(prog, CLI_EXIT_FAILURE, "%s", err) : CLI_EXIT_OK;
}
