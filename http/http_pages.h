/*
 * http_pages.h - the pages the server writes itself: error pages,
 * directory listings and /echo. They share one frame: the site's style
 * sheet and icon, type sized for a projector, and a link home.
 */
#ifndef NETDEMO_HTTP_PAGES_H
#define NETDEMO_HTTP_PAGES_H

#include "http_buf.h"
#include "http_request.h"

#include <stdbool.h>
#include <stddef.h>

/* http_page_begin: the start of a page up to its <body>, then the link
 * home. kind names the page for the style sheet ("error", "listing",
 * "echo"); title is escaped; script is a module to load ("/pages.js"), or
 * NULL. Only the site's own files are linked, as the CSP asks. */
void http_page_begin(struct http_buf *b, const char *kind, const char *title, const char *script);

/* http_page_both: trusted text (no markup) in English and in Chinese, each
 * in its own span: /pages.js shows the reader's choice, else both show. */
void http_page_both(struct http_buf *b, const char *en, const char *zh);

/* http_page_end: close what http_page_begin opened. */
void http_page_end(struct http_buf *b);

/* http_listing_page: an HTML listing of the open directory dir_fd, shown
 * as the URL path url (already decoded), names escaped, with sizes and
 * dates. Returns a malloc'd page and its length, or NULL on failure. */
char *http_listing_page(int dir_fd, const char *url, size_t *len);

/* http_echo_page: the request exactly as received (method, target,
 * version, headers in order, body) and the client's address: text/plain
 * when raw, otherwise HTML. Returns a malloc'd page, or NULL. */
char *http_echo_page(const struct http_request *req, const char *peer, bool raw, size_t *len);

/* http_request_head_text: the request head as text, for --show-requests. */
char *http_request_head_text(const struct http_request *req, size_t *len);

#endif
