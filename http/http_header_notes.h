/*
 * http_header_notes.h - what the common request headers mean, one short
 * line each in English and in Chinese, for the /echo page.
 */
#ifndef NETDEMO_HTTP_HEADER_NOTES_H
#define NETDEMO_HTTP_HEADER_NOTES_H

struct http_header_note {
    const char *name; /* as the standards spell it: "User-Agent" */
    const char *en;   /* plain text, no markup */
    const char *zh;
};

/* http_header_note_find: the note for a header name (any case), or NULL
 * for a header the table does not know: no note rather than a guess. */
const struct http_header_note *http_header_note_find(const char *name);

#endif
