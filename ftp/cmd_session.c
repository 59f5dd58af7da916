/*
 * cmd_session.c - the commands about the session itself: login, features,
 * help, status and the transfer settings (TYPE, MODE, STRU).
 */
#include "ftp_session.h"
#include "lecture.h"
#include "trace.h"
#include "i18n.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

void ftp_cmd_user(struct ftp_session *s, const char *arg)
{
    if (s->state == FTP_STATE_LOGGED_IN) {
        ftp_reply(s, FTP_NOT_LOGGED_IN, "Already logged in; reconnect to change user.");
        return;
    }
    snprintf(s->user, sizeof s->user, "%s", arg);
    s->state = FTP_STATE_NEED_PASS;
    /* The same reply for every name: it must not tell who exists. */
    ftp_reply(s, FTP_NEED_PASS, "Please specify the password.");
}

/* Compare without stopping at the first difference, so the time taken
 * does not tell how much of a password was right. */
static bool same_secret(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    unsigned char diff = (unsigned char)(la != lb);
    for (size_t i = 0; i < la; i++)
        diff |= (unsigned char)(a[i] ^ b[i < lb ? i : 0]);
    return diff == 0;
}

/* 1: a known user with this password; 2: anonymous; 0: refused. */
static int login_check(const struct ftp_config *cfg, const char *user, const char *pass)
{
    if (cfg->anonymous && (strcasecmp(user, "anonymous") == 0 || strcasecmp(user, "ftp") == 0))
        return 2;
    int ok = 0;
    for (int i = 0; i < cfg->user_count; i++)
        if (strcmp(cfg->users[i].name, user) == 0 && same_secret(cfg->users[i].pass, pass))
            ok = 1;
    return ok;
}

void ftp_cmd_pass(struct ftp_session *s, const char *arg)
{
    const struct ftp_config *cfg = &s->srv->config;
    if (s->state != FTP_STATE_NEED_PASS) {
        ftp_reply(s, FTP_BAD_SEQUENCE, "Login with USER first.");
        return;
    }
    int who = login_check(cfg, s->user, arg);
    if (who != 0) {
        s->state = FTP_STATE_LOGGED_IN;
        s->anonymous = who == 2;
        s->can_write = s->anonymous ? cfg->anonymous_write : cfg->write;
        TRACE(N_("login: %s%s"), s->anonymous ? "anonymous" : s->user,
              s->can_write ? _(" (read-write)") : _(" (read-only)"));
        /* the user's name, never the password: vsftpd's rule for its log */
        LECTURE("FTP", _("session from %s: logged in as %s%s"), s->peer_text,
                s->anonymous ? "anonymous" : s->user, s->can_write ? _(" (read-write)") : "");
        ftp_reply(s, FTP_LOGGED_IN, "Login successful.");
        return;
    }
    /* A wrong password and an unknown user look the same, and each costs
     * a pause, which makes guessing slow; the third one ends the session. */
    s->state = FTP_STATE_NEED_USER;
    s->failed_logins++;
    counters_add(s->srv->stats, errors, 1);
    stop_sleep(s->srv->stop, FTP_FAIL_DELAY_MS);
    ftp_reply(s, FTP_NOT_LOGGED_IN, "Login incorrect.");
    if (s->failed_logins >= FTP_MAX_FAILED_LOGINS) {
        TRACE(N_("login: %d failures from %s, hanging up"), s->failed_logins, s->peer_text);
        s->state = FTP_STATE_CLOSING;
    }
}

void ftp_cmd_quit(struct ftp_session *s, const char *arg)
{
    (void)arg;
    ftp_reply(s, FTP_GOODBYE, "Goodbye.");
    s->state = FTP_STATE_CLOSING;
}

void ftp_cmd_noop(struct ftp_session *s, const char *arg)
{
    (void)arg;
    ftp_reply(s, FTP_OK, "NOOP ok.");
}

void ftp_cmd_syst(struct ftp_session *s, const char *arg)
{
    (void)arg;
    ftp_reply(s, FTP_SYSTEM, "UNIX Type: L8");
}

/* A disabled command hides its feature. MLST's line also promises MLSD,
 * so disabling either hides it: lftp then falls back to LIST. */
static bool feature_disabled(const struct ftp_session *s, int i)
{
    uint64_t off = s->srv->config.disabled;
    if (off & (UINT64_C(1) << i))
        return true;
    return strcmp(ftp_commands[i].verb, "MLST") == 0 &&
           (off & (UINT64_C(1) << ftp_command_index("MLSD")));
}

/* RFC 2389: "211-", then one feature per line after a space, then "211 End". */
void ftp_cmd_feat(struct ftp_session *s, const char *arg)
{
    char text[1024];
    size_t n = 0;
    int count = 1;
    (void)arg;
    n += (size_t)snprintf(text + n, sizeof text - n, "211-Features:\r\n");
    for (int i = 0; i < ftp_command_count; i++) {
        if (ftp_commands[i].feature == NULL || feature_disabled(s, i))
            continue;
        n += (size_t)snprintf(text + n, sizeof text - n, " %s\r\n", ftp_commands[i].feature);
        count++;
    }
    n += (size_t)snprintf(text + n, sizeof text - n, " TVFS\r\n211 End\r\n");
    TRACE("S> 211 Features (%d) ... 211 End", count);
    ftp_reply_raw(s, text, n);
}

void ftp_cmd_opts(struct ftp_session *s, const char *arg)
{
    if (strcasecmp(arg, "UTF8 ON") == 0 || strcasecmp(arg, "UTF8") == 0)
        ftp_reply(s, FTP_OK, "Always in UTF8 mode.");
    else if (strncasecmp(arg, "MLST", 4) == 0 && (arg[4] == ' ' || arg[4] == '\0'))
        /* RFC 3659 7.9: facts to show. Ours are few, so all are always shown. */
        ftp_reply(s, FTP_OK, "MLST OPTS type;size;modify;perm;unique;");
    else
        ftp_reply(s, FTP_ARG_ERROR, "Option not understood.");
}

void ftp_cmd_help(struct ftp_session *s, const char *arg)
{
    char text[1024];
    size_t n = 0;
    (void)arg;
    n += (size_t)snprintf(text + n, sizeof text - n, "214-The following commands are known:\r\n");
    for (int i = 0; i < ftp_command_count; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "%s%-5s",
                              i % 8 == 0 ? (i ? "\r\n " : " ") : " ", ftp_commands[i].verb);
    n += (size_t)snprintf(text + n, sizeof text - n, "\r\n214 Help OK.\r\n");
    ftp_reply_raw(s, text, n);
}

void ftp_cmd_stat(struct ftp_session *s, const char *arg)
{
    char text[1024];
    if (arg[0] != '\0') {
        ftp_list_status(s, arg);
        return;
    }
    int n =
        snprintf(text, sizeof text,
                 "211-netdemo FTP server status:\r\n"
                 "     Connected to %s\r\n"
                 "     Logged in as %s\r\n"
                 "     TYPE: %s, MODE: Stream, STRU: File\r\n"
                 "211 End of status.\r\n",
                 s->peer_text, s->anonymous ? "anonymous" : s->user, s->ascii ? "ASCII" : "BINARY");
    ftp_reply_raw(s, text, (size_t)n < sizeof text ? (size_t)n : sizeof text - 1);
}

void ftp_cmd_type(struct ftp_session *s, const char *arg)
{
    if (strcasecmp(arg, "A") == 0 || strcasecmp(arg, "A N") == 0) {
        s->ascii = true;
        ftp_reply(s, FTP_OK, "Switching to ASCII mode.");
    } else if (strcasecmp(arg, "I") == 0 || strcasecmp(arg, "L 8") == 0) {
        s->ascii = false;
        ftp_reply(s, FTP_OK, "Switching to Binary mode.");
    } else {
        ftp_reply(s, FTP_BAD_PARAMETER, "TYPE %s not supported: use A or I.", arg);
    }
}

void ftp_cmd_mode(struct ftp_session *s, const char *arg)
{
    if (strcasecmp(arg, "S") == 0)
        ftp_reply(s, FTP_OK, "Mode set to S.");
    else
        ftp_reply(s, FTP_BAD_PARAMETER, "Only MODE S (stream) is supported.");
}

void ftp_cmd_stru(struct ftp_session *s, const char *arg)
{
    if (strcasecmp(arg, "F") == 0)
        ftp_reply(s, FTP_OK, "Structure set to F.");
    else
        ftp_reply(s, FTP_BAD_PARAMETER, "Only STRU F (file) is supported.");
}
