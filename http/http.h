/*
 * http.h - every limit, default and status code of http-demo, in one place.
 *
 * A limit a user may want to change is also a flag of `http-demo server`;
 * the rest are fixed here so a reader sees at once what the server allows.
 */
#ifndef NETDEMO_HTTP_H
#define NETDEMO_HTTP_H

#define HTTP_DEFAULT_HOST "127.0.0.1"
#define HTTP_DEFAULT_PORT 8080

/* Request limits. darkhttpd allows a 4,000-byte head, which breaks users
 * with large cookies; 16 KiB is what most servers accept. */
#define HTTP_HEAD_MAX      (16 * 1024) /* request line + headers -> 431 (--max-head) */
#define HTTP_HEAD_MAX_MIN  1024        /* --max-head bounds */
#define HTTP_HEAD_MAX_MAX  (1024 * 1024)
#define HTTP_URI_MAX       (8 * 1024)        /* request target -> 414 */
#define HTTP_METHOD_MAX    24                /* longest method token we keep */
#define HTTP_HEADERS_MAX   100               /* header lines -> 431 */
#define HTTP_BODY_MAX      (64 * 1024)       /* request body (only /echo reads it) -> 413 */
#define HTTP_PATH_MAX      4096              /* a file name on disk */
#define HTTP_RESP_HEAD_MAX 1024              /* the response head we build */
#define HTTP_STATS_MAX     (16 * 1024)       /* the /stats JSON */
#define HTTP_PAGE_MAX      (4 * 1024 * 1024) /* a listing of a huge folder stops here */

/* Timeouts, in milliseconds. */
#define HTTP_HEAD_TIMEOUT_MS (10 * 1000) /* slow request head -> 408 (--timeout) */
#define HTTP_IDLE_TIMEOUT_MS (15 * 1000) /* idle keep-alive, stalled send */
#define HTTP_ACCEPT_PAUSE_MS 100         /* back off when out of fds */
#define HTTP_DEFER_ACCEPT_S  1           /* TCP_DEFER_ACCEPT: wait this long for a request */
#define HTTP_LINGER_MS       2000        /* how long to drain a closing connection */

/* Concurrency. */
#define HTTP_MAX_CONNS        20000       /* open connections; more get 503 */
#define HTTP_MAX_WORKERS      64          /* --workers upper bound */
#define HTTP_TRACE_PER_SECOND 200         /* --trace lines a second, so a load test cannot flood */
#define HTTP_READ_BUFSIZE     (16 * 1024) /* one per worker, shared by its connections */
#define HTTP_SENDFILE_CHUNK   (1 << 20)   /* bytes per sendfile() call */
/* A body larger than HTTP_SLICE_ABOVE goes out at most HTTP_SLICE bytes
 * per turn of the loop, so that many large downloads share the worker in
 * turn (see conn_send()). */
#define HTTP_SLICE       (64 * 1024)
#define HTTP_SLICE_ABOVE (256 * 1024)
/* GET /events (events.c): a tick sends each stream the new events, at
 * most one buffer of them; a stream whose reader takes nothing for the
 * stall time is dropped. 50 ms keeps a page's arrows within a tenth of a
 * second of their calls. */
#define HTTP_EVENTS_MAX          64          /* streams at once; more get 503 */
#define HTTP_EVENTS_TICK_MS      50          /* how often streams are sent new events */
#define HTTP_EVENTS_BUF          (64 * 1024) /* one stream's buffer: the most a tick sends */
#define HTTP_EVENTS_BACKLOG      256         /* events a new reader gets from before it came */
#define HTTP_EVENTS_STALL_MS     (10 * 1000) /* a reader that takes nothing this long is dropped */
#define HTTP_EVENTS_KEEPALIVE_MS (15 * 1000) /* a comment line when there is nothing to send */
/* File bodies smaller than this are copied into the head's write rather
 * than sent with sendfile() (--sendfile-min; 0 sends every body so). */
#define HTTP_SENDFILE_MIN     (16 * 1024)
#define HTTP_SENDFILE_MIN_MAX (1024 * 1024) /* --sendfile-min upper bound */

/* The status codes http-demo sends. */
enum http_status {
    HTTP_OK = 200,
    HTTP_ACCEPTED = 202,
    HTTP_PARTIAL_CONTENT = 206,
    HTTP_MOVED_PERMANENTLY = 301,
    HTTP_NOT_MODIFIED = 304,
    HTTP_BAD_REQUEST = 400,
    HTTP_FORBIDDEN = 403,
    HTTP_NOT_FOUND = 404,
    HTTP_METHOD_NOT_ALLOWED = 405,
    HTTP_REQUEST_TIMEOUT = 408,
    HTTP_PAYLOAD_TOO_LARGE = 413,
    HTTP_URI_TOO_LONG = 414,
    HTTP_RANGE_NOT_SATISFIABLE = 416,
    HTTP_HEADERS_TOO_LARGE = 431,
    HTTP_INTERNAL_ERROR = 500,
    HTTP_NOT_IMPLEMENTED = 501,
    HTTP_SERVICE_UNAVAILABLE = 503,
    HTTP_VERSION_NOT_SUPPORTED = 505,
};

/* http_status_reason: "Not Found" for 404; "Unknown" for a code not above. */
const char *http_status_reason(int status);

#endif
