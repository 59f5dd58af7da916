/*
 * i18n.c - set up gettext for the running program (i18n.h says why).
 */
#include "i18n.h"

#include "content.h"
#include "trace.h"

#include <limits.h>
#include <locale.h>

void i18n_init(void)
{
    trace_use_locale(); /* LC_CTYPE: the terminal's character set */
    setlocale(LC_MESSAGES, "");
    char dir[PATH_MAX];
    if (content_locale_dir(dir, sizeof dir) == 0) /* else gettext's own default */
        bindtextdomain(I18N_DOMAIN, dir);
    textdomain(I18N_DOMAIN);
    /* Load the catalogue now, while this is the only thread: later
     * lookups then only read it, and a child forked from a threaded
     * process (netdemo's fork model) never finds gettext's loading lock
     * held by a thread it does not have. "" looks up the header (named,
     * so that xgettext does not take it for a message). */
    const char *header = "";
    (void)gettext(header);
}
