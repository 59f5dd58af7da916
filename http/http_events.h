/*
 * http_events.h - GET /events: trace events as a Server-Sent Events
 * stream (events.c).
 */
#ifndef NETDEMO_HTTP_EVENTS_H
#define NETDEMO_HTTP_EVENTS_H

#include "http_request.h"
#include "http_response.h"

struct http_conn;

/* http_events_filter: the server named by ?server= in target ("" when
 * none) into server. Returns 0, or -1 for a name that is not tcp, udp,
 * http or ftp. */
int http_events_filter(const char *target, char server[8]);

/* http_events_head: the response head that opens a stream; resp->stream
 * says the connection then becomes one (not after HEAD). */
void http_events_head(struct http_response *resp, const struct http_request *req);

/* http_events_begin: the head is out: c becomes a stream, following the
 * server's ring from the place req asks (Last-Event-ID). Returns 0, or -1
 * (close c). */
int http_events_begin(struct http_conn *c, const struct http_request *req);

/* http_events_end: free c's stream, if it is one (from http_conn_close). */
void http_events_end(struct http_conn *c);

#endif
