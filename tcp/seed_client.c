/*
 * seed_client.c - the seed's phone-call client, flat: every socket call in
 * the seed's order, nothing hidden. tcp-demo client is the same program
 * grown up (clients/tcp_client.c).
 *
 *     tcp-seed-client [PORT]     (default 9000, the seed's ip_port)
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUFSIZE 1024 /* 收发消息的尺寸: how much one recv() takes */

static void check(int rc, const char *call)
{
    if (rc == -1) {
        perror(call); /* e.g. "connect: Connection refused": no server on that port */
        exit(1);
    }
}

int main(int argc, char *argv[])
{
    struct sockaddr_in ip_port = {.sin_family = AF_INET,
                                  .sin_port = htons(argc > 1 ? atoi(argv[1]) : 9000),
                                  .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    const char *msg = "dream is handsome";
    char feedback[BUFSIZE];

    int client = socket(AF_INET, SOCK_STREAM, 0); /* 买手机: buy a phone */
    check(client, "socket");
    check(connect(client, (struct sockaddr *)&ip_port, sizeof ip_port), "connect"); /* 拨电话 */

    /* 发消息, 说话: speak. Only bytes go over the wire (只能发送字节类型). */
    check((int)send(client, msg, strlen(msg), 0), "send");

    ssize_t n = recv(client, feedback, sizeof feedback, 0); /* 收消息, 听话: listen */
    check((int)n, "recv");
    printf("%.*s\n", (int)n, feedback); /* one recv(): a longer answer would be cut here */

    close(client); /* 挂电话: hang up */
    return 0;
}
