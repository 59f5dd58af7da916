/*
 * ftp_cli.c - `ftp-demo client`: the interactive FTP client, in the manner
 * of the classic ftp(1). Its commands dispatch through a table, as the
 * server's do.
 */
#include "cli.h"
#include "i18n.h"
#include "ftp_client.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <getopt.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define CLI_LINE_MAX 1024
#define CLI_MAX_ARGS 32

struct cli_state {
    struct ftp_conn conn;
    bool connected;
    bool verbose;
    bool passive;
    bool ascii;
    const char *user; /* -u: NULL means anonymous */
    uint16_t port;
    int connect_timeout_ms; /* --connect-timeout, for open and data connections */
    bool quit;
};

typedef int cli_cmd_fn(struct cli_state *st, int argc, char **argv);

struct cli_command {
    const char *name;
    cli_cmd_fn *fn;
    int min_args; /* arguments after the name */
    bool needs_conn;
    const char *help;
};

/* Print what the server said, unless -v already did. Returns 0 when the
 * reply's code was expected (first digit 2 or 3), else -1. */
static int cli_said(struct cli_state *st, int code)
{
    if (code == -1) {
        fprintf(stderr, _("ftp-demo client: connection lost\n"));
        st->connected = false;
        return -1;
    }
    if (!st->verbose)
        printf("%s\n", st->conn.text);
    return code >= 200 && code < 400 ? 0 : -1;
}

static int cli_failed(const char *err)
{
    fprintf(stderr, "ftp-demo client: %s\n", err);
    return -1;
}

/* Read a password: from the terminal with echo off, or a line of stdin. */
static void cli_read_password(char *out, size_t len)
{
    struct termios old, quiet;
    bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
    if (tty) {
        fputs(_("Password: "), stderr);
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    if (fgets(out, (int)len, stdin) == NULL)
        out[0] = '\0';
    out[strcspn(out, "\r\n")] = '\0';
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSANOW, &old);
        fputc('\n', stderr);
    }
}

static int cli_login(struct cli_state *st, const char *user, const char *pass)
{
    char secret[256] = "", err[NET_ERR_LEN];
    if (user != NULL && pass == NULL) {
        cli_read_password(secret, sizeof secret);
        pass = secret;
    }
    if (ftp_conn_login(&st->conn, user, pass, err) == -1)
        return cli_failed(err);
    if (!st->verbose)
        printf("%s\n", st->conn.text);
    return ftp_conn_type(&st->conn, err) == -1 ? cli_failed(err) : 0;
}

/* Connect to ep (named name in the greeting line) and log in. */
static int cmd_open_endpoint(struct cli_state *st, const struct net_endpoint *ep, const char *name)
{
    char err[NET_ERR_LEN];
    if (st->connected)
        ftp_conn_close(&st->conn);
    st->connected = false;
    if (ftp_conn_open(&st->conn, ep, st->connect_timeout_ms, st->verbose, err) == -1)
        return cli_failed(err);
    st->connected = true;
    st->conn.passive = st->passive;
    st->conn.ascii = st->ascii;
    st->conn.progress = true;
    if (!st->verbose)
        printf(_("Connected to %s.\n%s\n"), name, st->conn.text);
    return cli_login(st, st->user, NULL);
}

static int cmd_open(struct cli_state *st, int argc, char **argv)
{
    struct net_endpoint ep;
    char err[NET_ERR_LEN];
    uint16_t port = st->port;
    if (argc > 2 && net_parse_port(argv[2], false, &port, err) == -1)
        return cli_failed(err);
    if (net_endpoint_from_host_port(argv[1], port, &ep, err) == -1)
        return cli_failed(err);
    return cmd_open_endpoint(st, &ep, argv[1]);
}

static int cmd_user(struct cli_state *st, int argc, char **argv)
{
    return cli_login(st, argv[1], argc > 2 ? argv[2] : NULL);
}

static int cmd_list(struct cli_state *st, int argc, char **argv)
{
    char err[NET_ERR_LEN];
    fflush(stdout);
    int rc = ftp_conn_list(&st->conn, strcmp(argv[0], "dir") == 0 ? "LIST" : "NLST",
                           argc > 1 ? argv[1] : NULL, STDOUT_FILENO, err);
    return rc == -1 ? cli_failed(err) : cli_said(st, st->conn.code);
}

static int cmd_simple(struct cli_state *st, int argc, char **argv)
{
    static const struct {
        const char *name, *verb;
    } map[] = {{"cd", "CWD"},    {"pwd", "PWD"},     {"mkdir", "MKD"},
               {"rmdir", "RMD"}, {"delete", "DELE"}, {"size", "SIZE"}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(argv[0], map[i].name) == 0)
            return cli_said(st, argc > 1 ? ftp_conn_cmd(&st->conn, "%s %s", map[i].verb, argv[1])
                                         : ftp_conn_cmd(&st->conn, "%s", map[i].verb));
    return -1;
}

static int cmd_rename(struct cli_state *st, int argc, char **argv)
{
    (void)argc;
    if (cli_said(st, ftp_conn_cmd(&st->conn, "RNFR %s", argv[1])) == -1)
        return -1;
    return cli_said(st, ftp_conn_cmd(&st->conn, "RNTO %s", argv[2]));
}

static int cli_get_one(struct cli_state *st, const char *remote, const char *local)
{
    char err[NET_ERR_LEN];
    int fd = open(local, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd == -1) {
        snprintf(err, sizeof err, "%s: %s", local, strerror(errno));
        return cli_failed(err);
    }
    int rc = ftp_conn_retr(&st->conn, remote, fd, 0, err);
    close(fd);
    if (rc == -1) {
        unlink(local);
        return cli_failed(err);
    }
    return cli_said(st, st->conn.code);
}

static int cli_put_one(struct cli_state *st, const char *local, const char *remote)
{
    char err[NET_ERR_LEN];
    int fd = open(local, O_RDONLY | O_CLOEXEC);
    if (fd == -1) {
        snprintf(err, sizeof err, "%s: %s", local, strerror(errno));
        return cli_failed(err);
    }
    int rc = ftp_conn_stor(&st->conn, fd, remote, false, err);
    close(fd);
    return rc == -1 ? cli_failed(err) : cli_said(st, st->conn.code);
}

/* The name to save remote under, or NULL (said) when it has none. */
static const char *cli_local_name(const char *remote)
{
    const char *name = ftp_local_name(remote);
    if (name == NULL)
        fprintf(stderr, _("ftp-demo client: '%s' names no file: skipped\n"), remote);
    return name;
}

static int cmd_get(struct cli_state *st, int argc, char **argv)
{
    const char *local = argc > 2 ? argv[2] : cli_local_name(argv[1]);
    return local ? cli_get_one(st, argv[1], local) : -1;
}

static int cmd_put(struct cli_state *st, int argc, char **argv)
{
    const char *remote = argc > 2 ? argv[2] : cli_local_name(argv[1]);
    return remote ? cli_put_one(st, argv[1], remote) : -1;
}

/* mget: list the folder (NLST), then get every name a pattern matches. */
static int cmd_mget(struct cli_state *st, int argc, char **argv)
{
    char err[NET_ERR_LEN], name[CLI_LINE_MAX];
    FILE *names = tmpfile();
    int rc = 0;
    if (names == NULL)
        return cli_failed(_("tmpfile: cannot list"));
    if (ftp_conn_list(&st->conn, "NLST", NULL, fileno(names), err) == -1) {
        fclose(names);
        return cli_failed(err);
    }
    rewind(names);
    while (fgets(name, sizeof name, names) != NULL) {
        name[strcspn(name, "\r\n")] = '\0';
        for (int i = 1; i < argc; i++) {
            if (fnmatch(argv[i], name, 0) == 0) {
                const char *local = cli_local_name(name);
                rc |= local ? cli_get_one(st, name, local) : -1;
                break;
            }
        }
    }
    fclose(names);
    return rc;
}

/* mput: put every local file the patterns match. */
static int cmd_mput(struct cli_state *st, int argc, char **argv)
{
    int rc = 0;
    for (int i = 1; i < argc; i++) {
        glob_t g;
        if (glob(argv[i], 0, NULL, &g) != 0) {
            fprintf(stderr, _("ftp-demo client: %s: no match\n"), argv[i]);
            rc = -1;
            continue;
        }
        for (size_t j = 0; j < g.gl_pathc; j++) {
            const char *remote = cli_local_name(g.gl_pathv[j]);
            rc |= remote ? cli_put_one(st, g.gl_pathv[j], remote) : -1;
        }
        globfree(&g);
    }
    return rc;
}

static int cmd_type(struct cli_state *st, int argc, char **argv)
{
    char err[NET_ERR_LEN];
    (void)argc;
    st->ascii = st->conn.ascii = strcmp(argv[0], "ascii") == 0;
    if (!st->connected) {
        printf(st->ascii ? _("Will use ASCII mode.\n") : _("Will use binary mode.\n"));
        return 0;
    }
    return ftp_conn_type(&st->conn, err) == -1 ? cli_failed(err) : cli_said(st, st->conn.code);
}

static int cmd_passive(struct cli_state *st, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    st->passive = st->conn.passive = !st->passive;
    printf(st->passive ? _("Passive mode on.\n") : _("Passive mode off.\n"));
    return 0;
}

static int cmd_quit(struct cli_state *st, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    st->quit = true;
    return 0;
}

static int cmd_help(struct cli_state *st, int argc, char **argv);

static const struct cli_command cli_commands[] = {
    {"open", cmd_open, 1, false, N_("open HOST [PORT]   connect and log in")},
    {"user", cmd_user, 1, true, N_("user NAME [PASS]   log in as NAME")},
    {"ls", cmd_list, 0, true, N_("ls [PATH]          names in a folder (NLST)")},
    {"dir", cmd_list, 0, true, N_("dir [PATH]         long listing (LIST)")},
    {"cd", cmd_simple, 1, true, N_("cd DIR             change folder (CWD)")},
    {"pwd", cmd_simple, 0, true, N_("pwd                show the folder (PWD)")},
    {"get", cmd_get, 1, true, N_("get REMOTE [LOCAL] download a file (RETR)")},
    {"put", cmd_put, 1, true, N_("put LOCAL [REMOTE] upload a file (STOR)")},
    {"mget", cmd_mget, 1, true, N_("mget PATTERN...    download the matching files")},
    {"mput", cmd_mput, 1, true, N_("mput PATTERN...    upload the matching files")},
    {"mkdir", cmd_simple, 1, true, N_("mkdir DIR          make a folder (MKD)")},
    {"rmdir", cmd_simple, 1, true, N_("rmdir DIR          remove a folder (RMD)")},
    {"delete", cmd_simple, 1, true, N_("delete FILE        remove a file (DELE)")},
    {"rename", cmd_rename, 2, true, N_("rename FROM TO     rename (RNFR, RNTO)")},
    {"size", cmd_simple, 1, true, N_("size FILE          a file's size (SIZE)")},
    {"binary", cmd_type, 0, false, N_("binary             transfer bytes as they are (TYPE I)")},
    {"ascii", cmd_type, 0, false,
     N_("ascii              transfer text, CRLF on the wire (TYPE A)")},
    {"passive", cmd_passive, 0, false,
     N_("passive            toggle passive/active data connections")},
    {"help", cmd_help, 0, false, N_("help               this list")},
    {"quit", cmd_quit, 0, false, N_("quit               log out and leave")},
    {"bye", cmd_quit, 0, false, NULL},
    {"exit", cmd_quit, 0, false, NULL},
};

static int cmd_help(struct cli_state *st, int argc, char **argv)
{
    (void)st;
    (void)argc;
    (void)argv;
    for (size_t i = 0; i < sizeof cli_commands / sizeof cli_commands[0]; i++)
        if (cli_commands[i].help)
            printf("  %s\n", _(cli_commands[i].help));
    return 0;
}

/* Split a line into words; "double quotes" keep spaces. Returns the count. */
static int cli_split(char *line, char **argv)
{
    int argc = 0;
    char *p = line;
    while (argc < CLI_MAX_ARGS) {
        p += strspn(p, " \t\r\n");
        if (*p == '\0')
            break;
        if (*p == '"') {
            argv[argc++] = ++p;
            p += strcspn(p, "\"");
        } else {
            argv[argc++] = p;
            p += strcspn(p, " \t\r\n");
        }
        if (*p != '\0')
            *p++ = '\0';
    }
    return argc;
}

/* One command line; returns 0 or -1 (failed). */
static int cli_run_line(struct cli_state *st, char *line)
{
    char *argv[CLI_MAX_ARGS];
    int argc = cli_split(line, argv);
    if (argc == 0)
        return 0;
    for (size_t i = 0; i < sizeof cli_commands / sizeof cli_commands[0]; i++) {
        const struct cli_command *c = &cli_commands[i];
        if (strcmp(argv[0], c->name) != 0)
            continue;
        if (argc - 1 < c->min_args) {
            fprintf(stderr, _("usage: %s\n"), _(c->help));
            return -1;
        }
        if (c->needs_conn && !st->connected) {
            fprintf(stderr, _("Not connected.\n"));
            return -1;
        }
        return c->fn(st, argc, argv);
    }
    fprintf(stderr, _("?Invalid command: %s (try help)\n"), argv[0]);
    return -1;
}

static const char ftp_client_usage[] =
    N_("usage: ftp-demo client [HOST] [-H HOST] [-p PORT] [-u USER] [--active] [-v]\n"
       "                       [--connect-timeout SECONDS] [--trace[=detail]]\n"
       "\n"
       "The interactive FTP client. It connects to HOST (default 127.0.0.1), then\n"
       "reads commands from the terminal (or from stdin in a script); 'help' lists\n"
       "them. Without -u it logs in as anonymous; with -u it asks for the password.\n"
       "\n"
       "  -H, --host HOST   server address (default 127.0.0.1; HOST:PORT works too),\n"
       "                    also taken as the first word, as ftp(1) takes it\n"
       "  -p, --port PORT   server port (default 2121)\n"
       "  -u, --user USER   log in as USER\n"
       "      --active      the server connects to us for data (PORT/EPRT)\n"
       "  -v, --verbose     show the control conversation (C>/S>) and data connections\n"
       "      --connect-timeout SECONDS\n"
       "                    give up on a server that does not answer a connect (the\n"
       "                    control or a passive data connection) within SECONDS\n"
       "                    (default 10; 0.5 is half a second)\n"
       "      --trace       narrate each socket call on stderr\n"
       "                    =detail: the O_NONBLOCK connect with its timeout too\n"
       "  -h, --help        show this help\n"
       "      --version     print the version and exit\n"
       "\n"
       "Exit: 0 when every command worked, 1 when one failed (or the server cannot be\n"
       "reached), 2 bad usage.\n");

static int ftp_client_option(void *ctx, int ch, const char *arg, char *err)
{
    struct cli_state *st = ctx;
    (void)err;
    if (ch == 'u')
        st->user = arg;
    else if (ch == 'a')
        st->passive = false;
    else if (ch == 'v')
        st->verbose = true;
    return 0;
}

int ftp_client_main(int argc, char *argv[])
{
    static const struct option options[] = {
        {"user", required_argument, NULL, 'u'},
        {"active", no_argument, NULL, 'a'},
        {"verbose", no_argument, NULL, 'v'},
        {NULL, 0, NULL, 0},
    };
    static const struct cli_syntax syntax = {
        .prog = "ftp-demo client",
        .version_prog = "ftp-demo",
        .usage = ftp_client_usage,
        .takes = CLI_TAKES_HOST | CLI_TAKES_PORT | CLI_TAKES_ARGS | CLI_TAKES_CONNECT_TIMEOUT,
        .default_host = FTP_CLIENT_HOST,
        .default_port = FTP_CLIENT_PORT,
        .options = options,
        .short_options = "u:v",
        .option = ftp_client_option,
    };
    struct cli_state st = {.passive = true};
    struct cli_common common;
    struct net_endpoint ep;
    char err[CLI_ERR_LEN], line[CLI_LINE_MAX];
    int failed = 0;

    int rc = cli_parse(&syntax, &st, argc, argv, &common);
    if (rc != -1)
        return rc;
    /* ftp(1)'s positional host, or -H: one of them, once */
    if (optind < argc) {
        if (common.host != syntax.default_host || optind + 1 < argc)
            return cli_error(syntax.prog, CLI_EXIT_USAGE,
                             _("give the host once: ftp-demo client HOST, or -H HOST"));
        common.host = argv[optind];
    }
    if (cli_client_endpoint(&common, &ep, err) == -1)
        return cli_error(syntax.prog, CLI_EXIT_USAGE, "%s", err);
    cli_trace_client(&common, "ftp client");
    st.port = ep.port;
    st.connect_timeout_ms = common.connect_timeout_ms;
    if (cmd_open_endpoint(&st, &ep, common.host) == -1)
        return CLI_EXIT_FAILURE;
    bool tty = isatty(STDIN_FILENO);
    while (!st.quit) {
        if (tty)
            fputs("ftp> ", stdout);
        fflush(stdout);
        if (fgets(line, sizeof line, stdin) == NULL)
            break;
        failed |= cli_run_line(&st, line) == -1;
    }
    if (st.connected) {
        ftp_conn_close(&st.conn);
        if (!st.verbose)
            printf("%s\n", st.conn.text);
    }
    return failed ? CLI_EXIT_FAILURE : CLI_EXIT_OK;
}
