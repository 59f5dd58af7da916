/*
 * seed_server.c - the seed's phone-call server, flat: every socket call in
 * the seed's order, nothing hidden. tcp-demo server is the same program
 * grown up (iterative.c holds these loops).
 *
 *     tcp-seed-server [PORT]     (default 9000, the seed's ip_port)
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUFSIZE 1024 /* 收发消息的尺寸: how much one recv() takes */

static void check(int rc, const char *call)
{
    if (rc == -1) {
        perror(call); /* e.g. "bind: Address already in use" */
        exit(1);
    }
}

int main(int argc, char *argv[])
{
    struct sockaddr_in ip_port = {.sin_family = AF_INET, /* 电话卡: the SIM card */
                                  .sin_port = htons(argc > 1 ? atoi(argv[1]) : 9000),
                                  .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    char msg[BUFSIZE];

    int server = socket(AF_INET, SOCK_STREAM, 0); /* 买手机: buy a phone */
    check(server, "socket");
    int on = 1; /* so that a second run need not wait for the last call's TIME_WAIT */
    check(setsockopt(server, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on), "setsockopt");
    check(bind(server, (struct sockaddr *)&ip_port, sizeof ip_port), "bind"); /* 手机插卡 */
    check(listen(server, 5), "listen"); /* 手机待机: wait for calls */

    struct sockaddr_in addr;
    socklen_t len = sizeof addr;
    int conn = accept(server, (struct sockaddr *)&addr, &len); /* 手机接电话: pick up */
    check(conn, "accept");
    printf("a call from %s\n", inet_ntoa(addr.sin_addr)); /* 接到来自%s的电话 */

    ssize_t n = recv(conn, msg, sizeof msg, 0); /* 听消息, 听话: listen */
    check((int)n, "recv");
    printf("%.*s (%zd bytes)\n", (int)n, msg, n);

    for (ssize_t i = 0; i < n; i++) /* msg.upper() */
        msg[i] = (char)toupper((unsigned char)msg[i]);
    check((int)send(conn, msg, (size_t)n, 0), "send"); /* 发消息, 说话: speak */

    close(conn);   /* 挂电话: hang up */
    close(server); /* 手机关机: switch the phone off */
    return 0;
}
