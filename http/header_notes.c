/*
 * header_notes.c - one line on each request header a browser or curl
 * commonly sends, so /echo can be read aloud line by line. Only headers
 * named here get a note; Sec-Fetch-* is listed name by name, since a new
 * one could mean something else.
 */
#include "http_header_notes.h"

#include <stddef.h>
#include <strings.h>

static const struct http_header_note header_notes[] = {
    {"Host", "the site asked for: one server can serve many names",
     "要访问的网站名：一台服务器可以服务多个名字"},
    {"User-Agent", "the program (browser, curl) and system that sent this request",
     "发出这个请求的程序（浏览器、curl）和操作系统"},
    {"Accept", "the content types the client takes; q= says how much it likes each",
     "客户端接受的内容类型；q= 表示对每种的偏好"},
    {"Accept-Language", "the languages the reader prefers, best first",
     "读者偏好的语言，排在前面的优先"},
    {"Accept-Encoding", "the compressions the client can undo (gzip, br, zstd)",
     "客户端能解压的压缩方式（gzip、br、zstd）"},
    {"Connection", "keep-alive: keep this TCP connection for more requests; close: hang up after",
     "keep-alive：这条 TCP 连接留着发下一个请求；close：回答后就挂断"},
    {"Keep-Alive", "how long an idle connection may stay open", "空闲的连接可以保持多久"},
    {"Cookie", "values this site stored in the browser before, sent back with every request",
     "这个网站之前存在浏览器里的值，每个请求都带回来"},
    {"Cache-Control", "cache rules: max-age=0 or no-cache asks for a fresh copy",
     "缓存规则：max-age=0 或 no-cache 要求拿最新的副本"},
    {"Pragma", "HTTP/1.0's way to say Cache-Control: no-cache",
     "HTTP/1.0 版的 Cache-Control: no-cache"},
    {"Referer", "the page that linked here (the standard spells it with one r)",
     "从哪个页面链接过来的（标准里就少写了一个 r）"},
    {"Origin", "the site of the page that made this request, for cross-site checks",
     "发起请求的页面属于哪个网站，用于跨站检查"},
    {"Upgrade-Insecure-Requests", "1: the browser would rather have the https:// address",
     "1：浏览器更想要 https:// 的地址"},
    {"Sec-Fetch-Site",
     "where the request came from: same-origin, same-site, cross-site, none (typed)",
     "请求从哪里来：same-origin 同源、same-site 同站、cross-site 跨站、none（地址栏输入）"},
    {"Sec-Fetch-Mode", "how it was fetched: navigate (a page), no-cors, cors, websocket",
     "怎样获取：navigate（打开页面）、no-cors、cors、websocket"},
    {"Sec-Fetch-User", "?1: a person clicked or typed to cause it", "?1：是人点击或输入触发的"},
    {"Sec-Fetch-Dest", "what the answer will become: document, image, script, style...",
     "回答会用作什么：document（页面）、image、script、style……"},
    {"Sec-CH-UA", "the browser's brand and version, as a client hint",
     "浏览器的品牌和版本（客户端提示）"},
    {"Sec-CH-UA-Mobile", "?0: not a phone; ?1: a phone", "?0：不是手机；?1：是手机"},
    {"Sec-CH-UA-Platform", "the operating system, as a client hint", "操作系统（客户端提示）"},
    {"Sec-Purpose", "prefetch: fetched ahead, before anyone clicked",
     "prefetch：还没点击就提前获取"},
    {"If-Modified-Since", "send it only if it changed after this date, else 304 Not Modified",
     "这个时间之后改过才发送，否则回 304 Not Modified"},
    {"If-None-Match", "send it only if its ETag is not one of these, else 304 Not Modified",
     "ETag 不在其中才发送，否则回 304 Not Modified"},
    {"If-Range", "send the range only if the file is still this version",
     "文件还是这个版本时才只发那一段"},
    {"Range", "only these bytes, such as bytes=0-99: the answer is 206 Partial Content",
     "只要这些字节，例如 bytes=0-99：回答是 206 Partial Content"},
    {"Content-Type", "the kind of body this request carries", "这个请求所带正文的类型"},
    {"Content-Length", "the body's size in bytes: where this request ends",
     "正文的字节数：这个请求到哪里结束"},
    {"Transfer-Encoding", "chunked: the body comes in pieces, each after its size",
     "chunked：正文分块发送，每块前面写着长度"},
    {"Expect", "100-continue: say yes before I send a large body",
     "100-continue：你先答应，我再发大的正文"},
    {"Authorization", "credentials for this site (Basic is base64, which anyone can read)",
     "这个网站的登录凭据（Basic 只是 base64，谁都能读）"},
    {"DNT", "Do Not Track: 1 asks not to be followed from site to site",
     "请勿追踪：1 表示不希望被跨站追踪"},
    {"Priority", "how urgent this request is to the browser: u=0 most",
     "这个请求对浏览器有多急：u=0 最急"},
    {"Upgrade", "asks to switch this connection to another protocol (websocket)",
     "请求把这条连接换成另一个协议（websocket）"},
    {"X-Forwarded-For", "the client's address, as a proxy on the way saw it",
     "途经的代理看到的客户端地址"},
};

const struct http_header_note *http_header_note_find(const char *name)
{
    /* A linear search: /echo is a lesson, not a hot path. */
    for (size_t i = 0; i < sizeof header_notes / sizeof header_notes[0]; i++)
        if (strcasecmp(header_notes[i].name, name) == 0)
            return &header_notes[i];
    return NULL;
}
