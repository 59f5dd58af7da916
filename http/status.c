/*
 * status.c - reason phrases for the status codes in http.h.
 */
#include "http.h"

#include <stddef.h>

static const struct {
    int code;
    const char *reason;
} http_reasons[] = {
    {HTTP_OK, "OK"},
    {HTTP_ACCEPTED, "Accepted"},
    {HTTP_PARTIAL_CONTENT, "Partial Content"},
    {HTTP_MOVED_PERMANENTLY, "Moved Permanently"},
    {HTTP_NOT_MODIFIED, "Not Modified"},
    {HTTP_BAD_REQUEST, "Bad Request"},
    {HTTP_FORBIDDEN, "Forbidden"},
    {HTTP_NOT_FOUND, "Not Found"},
    {HTTP_METHOD_NOT_ALLOWED, "Method Not Allowed"},
    {HTTP_REQUEST_TIMEOUT, "Request Timeout"},
    {HTTP_PAYLOAD_TOO_LARGE, "Content Too Large"},
    {HTTP_URI_TOO_LONG, "URI Too Long"},
    {HTTP_RANGE_NOT_SATISFIABLE, "Range Not Satisfiable"},
    {HTTP_HEADERS_TOO_LARGE, "Request Header Fields Too Large"},
    {HTTP_INTERNAL_ERROR, "Internal Server Error"},
    {HTTP_NOT_IMPLEMENTED, "Not Implemented"},
    {HTTP_SERVICE_UNAVAILABLE, "Service Unavailable"},
    {HTTP_VERSION_NOT_SUPPORTED, "HTTP Version Not Supported"},
};

const char *http_status_reason(int status)
{
    for (size_t i = 0; i < sizeof http_reasons / sizeof http_reasons[0]; i++)
        if (http_reasons[i].code == status)
            return http_reasons[i].reason;
    return "Unknown";
}
