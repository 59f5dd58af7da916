/*
 * http_client.c - `http-demo get URL`: one request, one response.
 */
#include "http_client.h"
#include "cli.h"
#include "i18n.h"
#include "io.h"
#include "trace.h"

#include <errno.h>
#include <llhttp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define HTTP_CLIENT_BUFSIZE (64 * 1024)
#define HTTP_CLIENT_REQ_MAX (16 * 1024)

/* A space or a control byte in the URL would end the request line or
 * start a header of its own (RFC 3986 allows neither). */
static bool url_is_visible(const char *url)
{
    for (; *url != '\0'; url++)
        if ((unsigned char)*url <= ' ' || *url == 0x7f)
            return false;
    return true;
}

int http_url_parse(const char *url, struct http_url *out, char *err)
{
    char hostport[NET_HOST_LEN + 8];
    if (strncasecmp(url, "http://", 7) != 0) {
        snprintf(err, NET_ERR_LEN, _("%s: only http:// URLs are supported"), url);
        return -1;
    }
    if (!url_is_visible(url)) {
        snprintf(err, NET_ERR_LEN, _("%s: a space or control character in the URL"), url);
        return -1;
    }
    const char *auth = url + 7;
    size_t alen = strcspn(auth, "/?#");
    if (alen == 0 || alen >= sizeof hostport) {
        snprintf(err, NET_ERR_LEN, _("%s: no host, or a host too long"), url);
        return -1;
    }
    memcpy(hostport, auth, alen);
    hostport[alen] = '\0';
    if (strchr(hostport, '@') != NULL) {
        snprintf(err, NET_ERR_LEN, _("%s: user names in URLs are not supported"), url);
        return -1;
    }
    if (net_parse_endpoint(hostport, 80, &out->endpoint, err) == -1)
        return -1;
    if (out->endpoint.is_unix || out->endpoint.port == 0) {
        snprintf(err, NET_ERR_LEN, "%s: %s", url,
                 out->endpoint.is_unix ? _("no http:// URL names a Unix socket") : _("port 0"));
        return -1;
    }
    snprintf(out->host_header, sizeof out->host_header, "%s", hostport);
    const char *rest = auth + alen;
    size_t plen = strcspn(rest, "#"); /* the fragment stays in the browser */
    int n =
        snprintf(out->path, sizeof out->path, "%s%.*s", rest[0] == '/' ? "" : "/", (int)plen, rest);
    if (n < 0 || (size_t)n >= sizeof out->path) {
        snprintf(err, NET_ERR_LEN, _("%s: path too long"), url);
        return -1;
    }
    return 0;
}

/* The request head, with -H headers replacing our own of the same name. */
static int build_request(const struct http_get_options *opts, const struct http_url *u, char *out,
                         size_t outlen)
{
    static const char *const defaults[][2] = {
        {"Host", NULL}, {"User-Agent", "netdemo-http-get/0.1"}, {"Accept", "*/*"}};
    size_t len = 0;
    int n = snprintf(out, outlen, "%s %s %s\r\n", opts->head ? "HEAD" : "GET", u->path,
                     opts->http10 ? "HTTP/1.0" : "HTTP/1.1");
    for (size_t d = 0; n > 0 && d < 3; d++) {
        bool overridden = false;
        size_t nlen = strlen(defaults[d][0]);
        for (size_t i = 0; i < opts->nheaders; i++)
            if (strncasecmp(opts->headers[i], defaults[d][0], nlen) == 0 &&
                opts->headers[i][nlen] == ':')
                overridden = true;
        if (overridden || (size_t)n >= outlen)
            continue;
        len = (size_t)n;
        n += snprintf(out + len, outlen - len, "%s: %s\r\n", defaults[d][0],
                      defaults[d][1] ? defaults[d][1] : u->host_header);
    }
    for (size_t i = 0; n > 0 && (size_t)n < outlen && i < opts->nheaders; i++)
        n += snprintf(out + n, outlen - (size_t)n, "%s\r\n", opts->headers[i]);
    /* One request per connection: say so, so the server closes at once. */
    if (n > 0 && (size_t)n < outlen && !opts->http10)
        n += snprintf(out + n, outlen - (size_t)n, "Connection: close\r\n");
    if (n > 0 && (size_t)n < outlen)
        n += snprintf(out + n, outlen - (size_t)n, "\r\n");
    return n > 0 && (size_t)n < outlen ? n : -1;
}

/* -v: each line of what we send, prefixed "> ". */
static void show_request(const char *req, size_t len)
{
    const char *p = req, *end = req + len;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        size_t n = eol ? (size_t)(eol - p) : (size_t)(end - p);
        if (n > 0 && p[n - 1] == '\r')
            n--;
        fprintf(stderr, "> %.*s\n", (int)n, p);
        p = eol ? eol + 1 : end;
    }
}

static struct http_client_response *state_of(llhttp_t *ll)
{
    return ll->data;
}

static void line_add(struct http_client_response *s, const char *at, size_t n)
{
    size_t room = sizeof s->line - 1 - s->line_len;
    if (n > room)
        n = room;
    memcpy(s->line + s->line_len, at, n);
    s->line_len += n;
}

/* One line of the response head: "< " lines on stderr for -v, plain
 * lines on stdout for -I (as curl does). */
static void show_head_line(struct http_client_response *s, const char *text, size_t n)
{
    if (s->opts->verbose)
        fprintf(stderr, "< %.*s\n", (int)n, text);
    if (s->opts->head)
        printf("%.*s\r\n", (int)n, text);
}

static int on_status_text(llhttp_t *ll, const char *at, size_t n)
{
    line_add(state_of(ll), at, n);
    return 0;
}

static int on_status_complete(llhttp_t *ll)
{
    struct http_client_response *s = state_of(ll);
    char line[HTTP_CLIENT_LINE_MAX + 32];
    int n = snprintf(line, sizeof line, "HTTP/%d.%d %d %.*s", ll->http_major, ll->http_minor,
                     ll->status_code, (int)s->line_len, s->line);
    show_head_line(s, line, n > 0 && (size_t)n < sizeof line ? (size_t)n : 0);
    s->line_len = 0;
    return 0;
}

static int on_field(llhttp_t *ll, const char *at, size_t n)
{
    line_add(state_of(ll), at, n);
    return 0;
}

static int on_field_complete(llhttp_t *ll)
{
    line_add(state_of(ll), ": ", 2);
    return 0;
}

static int on_value_complete(llhttp_t *ll)
{
    struct http_client_response *s = state_of(ll);
    show_head_line(s, s->line, s->line_len);
    s->line_len = 0;
    return 0;
}

static int on_headers_complete(llhttp_t *ll)
{
    struct http_client_response *s = state_of(ll);
    show_head_line(s, "", 0);
    /* llhttp 8.1 takes "HTTP/1.1 1 OK"; RFC 9112 section 4 wants three digits. */
    if (ll->status_code < 100 || ll->status_code > 999) {
        s->error = N_("Invalid status code"); /* llhttp's words, translated when printed */
        return -1;
    }
    s->status = ll->status_code;
    s->skip_body = s->opts->fail && s->status >= 400;
    /* A response to HEAD, or a 1xx one, has no body, whatever
     * Content-Length says (RFC 9110 sections 9.3.2, 15.2); 1 tells llhttp
     * exactly that. */
    return s->opts->head || s->status < 200 ? 1 : 0;
}

static int on_body(llhttp_t *ll, const char *at, size_t n)
{
    struct http_client_response *s = state_of(ll);
    if (!s->skip_body && fwrite(at, 1, n, s->out) != n)
        s->write_failed = true;
    return 0;
}

static int on_message_complete(llhttp_t *ll)
{
    struct http_client_response *s = state_of(ll);
    /* An interim 1xx response (100 Continue, 103 Early Hints) comes before
     * the final one (RFC 9110 section 15.2): read on. 101 would switch
     * protocols, which we never ask for, so it ends the exchange. */
    if (s->status >= 100 && s->status < 200 && s->status != 101)
        return 0;
    s->done = true;
    return HPE_PAUSED;
}

static const llhttp_settings_t get_settings = {
    .on_status = on_status_text,
    .on_status_complete = on_status_complete,
    .on_header_field = on_field,
    .on_header_field_complete = on_field_complete,
    .on_header_value = on_field,
    .on_header_value_complete = on_value_complete,
    .on_headers_complete = on_headers_complete,
    .on_body = on_body,
    .on_message_complete = on_message_complete,
};

void http_client_response_init(struct http_client_response *r, const struct http_get_options *opts,
                               FILE *out)
{
    *r = (struct http_client_response){.opts = opts, .out = out};
    llhttp_init(&r->ll, HTTP_RESPONSE, &get_settings);
    r->ll.data = r;
}

int http_client_response_feed(struct http_client_response *r, const char *buf, size_t n, char *err)
{
    llhttp_errno_t e = n == 0 ? llhttp_finish(&r->ll) : llhttp_execute(&r->ll, buf, n);
    if (r->done)
        return 1;
    if (e == HPE_OK && n > 0) {
        r->received += n;
        return 0;
    }
    char preview[TRACE_PREVIEW_TEXT_LEN];
    if (r->error != NULL)
        snprintf(err, NET_ERR_LEN, "%s", _(r->error));
    else if (n == 0 && r->received == 0)
        snprintf(err, NET_ERR_LEN, _("the server hung up without answering"));
    else if (n == 0)
        snprintf(err, NET_ERR_LEN, _("the server closed before the response was complete"));
    else if (r->status == 0 && r->received == 0) /* its first bytes are no status line */
        snprintf(err, NET_ERR_LEN, _("the answer is not HTTP: it began %s"),
                 trace_preview(buf, n, preview, sizeof preview));
    else
        snprintf(err, NET_ERR_LEN, _("a malformed response (%s)"), llhttp_get_error_reason(&r->ll));
    return -1;
}

/* Read the response until llhttp says it is complete. */
static int read_response(int fd, struct http_client_response *s, char *err)
{
    char *buf = malloc(HTTP_CLIENT_BUFSIZE);
    int rc = 0;

    if (buf == NULL) {
        snprintf(err, NET_ERR_LEN, _("out of memory"));
        return -1;
    }
    while (rc == 0) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        if (poll(&pfd, 1, HTTP_CLIENT_IO_MS) == 0) {
            snprintf(err, NET_ERR_LEN, _("no answer for %d s (does it speak HTTP?)"),
                     HTTP_CLIENT_IO_MS / 1000);
            rc = -1;
            break;
        }
        ssize_t n = io_read_some(fd, buf, HTTP_CLIENT_BUFSIZE);
        if (n == -1) {
            snprintf(err, NET_ERR_LEN, "recv: %s", strerror(errno));
            rc = -1;
            break;
        }
        TRACE_DATA("recv", n, buf, (size_t)n, N_("recv(fd %d) -> %zd bytes"), fd, n);
        rc = http_client_response_feed(s, buf, (size_t)n, err);
    }
    free(buf);
    return rc == 1 ? 0 : -1;
}

const char *http_url_where(const struct http_url *url, char *out, size_t outlen)
{
    const struct net_endpoint *ep = &url->endpoint;
    if (ep->is_unix)
        snprintf(out, outlen, "unix:%s", ep->host);
    else
        snprintf(out, outlen, strchr(ep->host, ':') ? "[%s]:%u" : "%s:%u", ep->host, ep->port);
    return out;
}

int http_client_get(const struct http_get_options *opts, char *err)
{
    struct http_url url;
    char request[HTTP_CLIENT_REQ_MAX], why[NET_ERR_LEN];
    struct http_client_response *s = malloc(sizeof *s);
    int rc = -1, fd = -1;

    if (s == NULL) {
        snprintf(err, NET_ERR_LEN, _("out of memory"));
        return -1;
    }
    http_client_response_init(s, opts, stdout);
    int len = -1;
    if (http_url_parse(opts->url, &url, err) == 0) {
        /* --unix-socket, as curl's: the URL names the host and the path,
         * the connection goes to the socket file. */
        char unix_text[NET_HOST_LEN + 8];
        snprintf(unix_text, sizeof unix_text, "unix:%s",
                 opts->unix_socket ? opts->unix_socket : "");
        if (opts->unix_socket != NULL && net_parse_endpoint(unix_text, 0, &url.endpoint, err) == -1)
            goto out;
        len = build_request(opts, &url, request, sizeof request);
        if (len == -1)
            snprintf(err, NET_ERR_LEN, _("request head too long"));
    }
    if (len == -1)
        goto out;
    fd = net_connect(&url.endpoint, opts->connect_timeout_ms, err); /* client.connect() */
    if (fd == -1)
        goto out;
    if (opts->verbose)
        show_request(request, (size_t)len);
    if (io_write_all(fd, request, (size_t)len) == -1) { /* client.send(): the request */
        snprintf(err, NET_ERR_LEN, "send: %s", strerror(errno));
        goto out;
    }
    TRACE_DATA("send", len, request, (size_t)len, N_("send(fd %d, %d bytes) -> %d"), fd, len, len);
    if (opts->output != NULL && !opts->head) {
        s->out = fopen(opts->output, "wb");
        if (s->out == NULL) {
            snprintf(err, NET_ERR_LEN, "%s: %s", opts->output, strerror(errno));
            goto out;
        }
    }
    if (read_response(fd, s, why) == 0) {
        rc = s->status;
    } else { /* the whole sentence: who said what */
        char where[NET_HOST_LEN + 16], line[sizeof where + NET_ERR_LEN];
        snprintf(line, sizeof line, "%s: %s", http_url_where(&url, where, sizeof where), why);
        size_t k = strnlen(line, NET_ERR_LEN - 1); /* cut to err's size */
        while (k > 0 &&
               ((unsigned char)line[k] & 0xC0) == 0x80) /* and never inside a UTF-8 character */
            k--;
        memcpy(err, line, k);
        err[k] = '\0';
    }
    if (s->write_failed || fflush(s->out) == EOF) {
        snprintf(err, NET_ERR_LEN, _("writing the body: %s"), strerror(errno));
        rc = -1;
    }
out:
    if (s->out != NULL && s->out != stdout)
        fclose(s->out);
    if (fd != -1)
        close(fd);
    free(s);
    return rc;
}

static const char http_get_usage[] =
    N_("usage: http-demo get URL [-v] [-I] [-o FILE] [--http1.0] [--fail]\n"
       "                         [-H 'Name: value']... [--unix-socket PATH]\n"
       "                         [--connect-timeout SECONDS] [--trace[=detail]]\n"
       "\n"
       "Fetch one http:// URL, as a browser would, and print the body on stdout.\n"
       "It follows no redirect: a 301 is shown as it came.\n"
       "\n"
       "  -v, --verbose        show what goes over the wire on stderr: the request\n"
       "                       lines sent ('> ') and the response head received ('< ')\n"
       "  -I, --head           send HEAD and print the response head\n"
       "  -o, --output FILE    write the body to FILE instead of stdout\n"
       "      --http1.0        speak HTTP/1.0 instead of HTTP/1.1\n"
       "      --fail           exit 22 on a status of 400 or more (as curl), no body\n"
       "  -H, --header 'N: V'  add a header line (replaces ours of the same name); -H is\n"
       "                       curl's header flag here: the host is in the URL\n"
       "      --unix-socket PATH  connect to the Unix socket PATH (as curl): the URL\n"
       "                       still gives the Host and the path\n"
       "      --connect-timeout SECONDS\n"
       "                       give up on a server that does not answer the connect\n"
       "                       within SECONDS (default 10; 0.5 is half a second)\n"
       "      --trace          narrate each socket call on stderr\n"
       "                       =detail: the O_NONBLOCK connect with its timeout too\n"
       "  -h, --help           show this help\n"
       "      --version        print the version and exit\n"
       "\n"
       "Exit: 0 ok, 1 could not fetch, 2 bad usage, 22 --fail and an error status.\n");

/* A -H value must be one "Name: value" line: no CR or LF may smuggle in
 * a second header or a second request. */
static bool header_is_valid(const char *h)
{
    const char *colon = strchr(h, ':');
    return colon != NULL && colon != h && strpbrk(h, "\r\n") == NULL &&
           strcspn(h, " \t") > (size_t)(colon - h);
}

/* "localhost", "127.0.0.1" or "127.0.0.1:8080" given to -H: the servers'
 * -H means the host, so a user may well mean it here. A header has a
 * colon, and by custom a space after it. */
static bool looks_like_a_host(const char *h)
{
    const char *colon = strchr(h, ':');
    return colon == NULL ||
           (colon[1] != '\0' && strspn(colon + 1, "0123456789") == strlen(colon + 1));
}

static int http_get_option(void *ctx, int ch, const char *arg, char *err)
{
    struct http_get_options *opts = ctx;
    switch (ch) {
    case 'v':
        opts->verbose = true;
        return 0;
    case 'I':
        opts->head = true;
        return 0;
    case 'o':
        opts->output = arg;
        return 0;
    case '0':
        opts->http10 = true;
        return 0;
    case 'f':
        opts->fail = true;
        return 0;
    case 'U':
        opts->unix_socket = arg;
        return 0;
    default: /* 'H', curl's header flag: this command has no host flag */
        if (looks_like_a_host(arg))
            return cli_reason(err,
                              _("-H '%s': -H adds a header here, as curl's does ('Name: value'); "
                                "the host goes in the URL: http://%s/"),
                              arg, arg);
        if (!header_is_valid(arg))
            return cli_reason(err, _("-H '%s': use 'Name: value'"), arg);
        if (opts->nheaders == HTTP_CLIENT_MAX_HEADERS)
            return cli_reason(err, _("at most %d -H options"), HTTP_CLIENT_MAX_HEADERS);
        opts->headers[opts->nheaders++] = arg;
        return 0;
    }
}

static int http_get_parse(int argc, char *argv[], struct http_get_options *opts)
{
    static const struct option options[] = {
        {"verbose", no_argument, NULL, 'v'},
        {"head", no_argument, NULL, 'I'},
        {"output", required_argument, NULL, 'o'},
        {"http1.0", no_argument, NULL, '0'},
        {"fail", no_argument, NULL, 'f'},
        {"header", required_argument, NULL, 'H'},
        {"unix-socket", required_argument, NULL, 'U'},
        {NULL, 0, NULL, 0},
    };
    static const struct cli_syntax syntax = {
        .prog = "http-demo get",
        .version_prog = "http-demo",
        .usage = http_get_usage,
        .takes = CLI_TAKES_ARGS | CLI_TAKES_CONNECT_TIMEOUT,
        .options = options,
        .short_options = "vIo:H:",
        .option = http_get_option,
    };
    struct cli_common common;

    *opts = (struct http_get_options){0};
    int rc = cli_parse(&syntax, opts, argc, argv, &common);
    if (rc != -1)
        return rc;
    trace_set_depth(&trace_program, common.trace);
    opts->connect_timeout_ms = common.connect_timeout_ms;
    if (optind != argc - 1)
        return cli_error(syntax.prog, CLI_EXIT_USAGE, "%s",
                         optind >= argc ? _("a URL is required (see --help)")
                                        : _("one URL only (see --help)"));
    opts->url = argv[optind];
    return -1;
}

int http_client_main(int argc, char *argv[])
{
    struct http_get_options opts;
    struct http_url url;
    char err[NET_ERR_LEN];

    int rc = http_get_parse(argc, argv, &opts);
    if (rc != -1)
        return rc;
    if (http_url_parse(opts.url, &url, err) == -1)
        return cli_error("http-demo get", CLI_EXIT_USAGE, "%s", err);
    trace_set_role("http client");
    signal(SIGPIPE, SIG_IGN);
    int status = http_client_get(&opts, err);
    if (status == -1)
        return cli_error("http-demo get", CLI_EXIT_FAILURE, "%s", err);
    if (opts.fail && status >= 400)
        return cli_error("http-demo get", HTTP_CLIENT_EXIT_FAIL, _("the server answered %d"),
                         status);
    return CLI_EXIT_OK;
}
