/*
 * i18n.h - the programs speak the user's language, through GNU gettext.
 *
 * Text a person reads is written in English in the source and marked
 * _("..."); gettext() looks it up in the translations (po/LANG.po, built to
 * share/locale/LANG/LC_MESSAGES/netdemo.mo) for the language the
 * environment names (LANGUAGE, LC_ALL, LC_MESSAGES, LANG), and gives back
 * the English when there is none. N_("...") marks text kept in a table
 * and translated where it is printed. Words of the protocols themselves
 * (HTTP/1.1, 226, AF_INET, recv()) are never translated.
 */
#ifndef NETDEMO_I18N_H
#define NETDEMO_I18N_H

#include <libintl.h>

#define I18N_DOMAIN "netdemo"

#define _(text)  gettext(text)
#define N_(text) text

/* i18n_init: take the language and the terminal's character set from the
 * environment, and find the translations beside the program. Only
 * LC_MESSAGES and LC_CTYPE follow the environment: LC_NUMERIC stays "C",
 * so that 1.5 never prints as "1,5" in the JSON the programs write. Every
 * main() calls it first, before any thread: setlocale() is not
 * thread-safe. */
void i18n_init(void);

#endif
