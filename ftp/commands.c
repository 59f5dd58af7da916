/*
 * commands.c - the command table and the dispatcher.
 *
 * Each command is one row: its verb, its handler, and what must be true
 * before it may run. The dispatcher checks those conditions in one place,
 * so no handler repeats "are you logged in?".
 */
#include "ftp_path.h"
#include "ftp_session.h"

#include <string.h>

#define L FTP_NEEDS_LOGIN
#define A FTP_NEEDS_ARG
#define W FTP_NEEDS_WRITE
#define D FTP_NEEDS_DATA
#define N FTP_NEW_NAME

const struct ftp_command ftp_commands[] = {
    /* session */
    {"USER", ftp_cmd_user, A, NULL},
    {"PASS", ftp_cmd_pass, 0, NULL},
    {"QUIT", ftp_cmd_quit, 0, NULL},
    {"NOOP", ftp_cmd_noop, 0, NULL},
    {"SYST", ftp_cmd_syst, 0, NULL},
    {"FEAT", ftp_cmd_feat, 0, NULL},
    {"OPTS", ftp_cmd_opts, A, "UTF8"},
    {"HELP", ftp_cmd_help, 0, NULL},
    {"STAT", ftp_cmd_stat, L, NULL},
    /* navigation */
    {"PWD", ftp_cmd_pwd, L, NULL},
    {"XPWD", ftp_cmd_pwd, L, NULL},
    {"CWD", ftp_cmd_cwd, L | A, NULL},
    {"XCWD", ftp_cmd_cwd, L | A, NULL},
    {"CDUP", ftp_cmd_cdup, L, NULL},
    {"XCUP", ftp_cmd_cdup, L, NULL},
    /* transfer settings */
    {"TYPE", ftp_cmd_type, L | A, NULL},
    {"MODE", ftp_cmd_mode, L | A, NULL},
    {"STRU", ftp_cmd_stru, L | A, NULL},
    /* data connections */
    {"PASV", ftp_cmd_pasv, L, "PASV"},
    {"EPSV", ftp_cmd_epsv, L, "EPSV"},
    {"PORT", ftp_cmd_port, L | A, NULL},
    {"EPRT", ftp_cmd_eprt, L | A, "EPRT"},
    /* listings */
    {"LIST", ftp_cmd_list, L | D, NULL},
    {"NLST", ftp_cmd_nlst, L | D, NULL},
    {"MLSD", ftp_cmd_mlsd, L | D, NULL},
    {"MLST", ftp_cmd_mlst, L, "MLST type*;size*;modify*;perm*;unique*;"},
    /* transfers */
    {"RETR", ftp_cmd_retr, L | A | D, NULL},
    {"STOR", ftp_cmd_stor, L | A | W | N | D, NULL},
    {"APPE", ftp_cmd_appe, L | A | W | N | D, NULL},
    {"REST", ftp_cmd_rest, L | A, "REST STREAM"},
    {"ABOR", ftp_cmd_abor, L, NULL},
    /* file facts */
    {"SIZE", ftp_cmd_size, L | A, "SIZE"},
    {"MDTM", ftp_cmd_mdtm, L | A, "MDTM"},
    /* changes */
    {"DELE", ftp_cmd_dele, L | A | W, NULL},
    {"MKD", ftp_cmd_mkd, L | A | W | N, NULL},
    {"XMKD", ftp_cmd_mkd, L | A | W | N, NULL},
    {"RMD", ftp_cmd_rmd, L | A | W, NULL},
    {"XRMD", ftp_cmd_rmd, L | A | W, NULL},
    {"RNFR", ftp_cmd_rnfr, L | A | W, NULL},
    {"RNTO", ftp_cmd_rnto, L | A | W | N, NULL},
};
const int ftp_command_count = (int)(sizeof ftp_commands / sizeof ftp_commands[0]);

_Static_assert(sizeof ftp_commands / sizeof ftp_commands[0] <= 64,
               "ftp_config.disabled is a 64-bit mask over this table");

int ftp_command_index(const char *verb)
{
    for (int i = 0; i < ftp_command_count; i++)
        if (strcmp(ftp_commands[i].verb, verb) == 0)
            return i;
    return -1;
}

/* The checks every row's flags ask for; true when the command may run. */
static bool dispatch_allowed(struct ftp_session *s, const struct ftp_command *c, const char *arg)
{
    if ((c->flags & FTP_NEEDS_LOGIN) && s->state != FTP_STATE_LOGGED_IN) {
        ftp_reply(s, FTP_NOT_LOGGED_IN, "Please login with USER and PASS.");
        return false;
    }
    if ((c->flags & FTP_NEEDS_ARG) && arg[0] == '\0') {
        ftp_reply(s, FTP_ARG_ERROR, "%s needs an argument.", c->verb);
        return false;
    }
    if ((c->flags & FTP_NEEDS_WRITE) && !s->can_write) {
        ftp_reply(s, FTP_FILE_UNAVAILABLE, "Permission denied (read-only).");
        return false;
    }
    if ((c->flags & FTP_NEW_NAME) && !ftp_path_name_allowed(arg)) {
        ftp_reply(s, FTP_NAME_NOT_ALLOWED, "File name may not contain control characters.");
        return false;
    }
    if ((c->flags & FTP_NEEDS_DATA) && s->pasv_fd == -1 && s->port_len == 0) {
        ftp_reply(s, FTP_CANT_OPEN_DATA, "Use PORT, EPRT, PASV or EPSV first.");
        return false;
    }
    return true;
}

void ftp_dispatch(struct ftp_session *s, const char *verb, const char *arg)
{
    int i = ftp_command_index(verb);
    if (i == -1) {
        ftp_reply(s, FTP_SYNTAX_ERROR, "Unknown command.");
        return;
    }
    if (s->srv->config.disabled & (UINT64_C(1) << i)) {
        ftp_reply(s, FTP_NOT_IMPLEMENTED, "%s is disabled on this server.", verb);
        return;
    }
    /* RNTO must follow RNFR at once (RFC 959 4.1.3); anything else forgets it. */
    if (strcmp(verb, "RNTO") != 0 && strcmp(verb, "RNFR") != 0)
        s->have_rename = false;
    if (dispatch_allowed(s, &ftp_commands[i], arg))
        ftp_commands[i].fn(s, arg);
    else if (strcmp(verb, "RNTO") == 0)
        s->have_rename = false; /* a refused RNTO ends the rename, as a failed one does */
}
