/*
 * fuzz_udp_packet.c - the ping/ARQ header (udp_packet_decode) and what the
 * server makes of any datagram (udp_answer).
 *
 * Input: one datagram. A header that decodes re-encodes to the same 20
 * bytes (bytes 6 and 7 are reserved: the decoder ignores them, the encoder
 * writes 0), and the round trip taken from its echoed time is -1 or a
 * time that adds up (never an overflow). The server's answer to a datagram with the header changes
 * only its type byte, PING to PONG and DATA to ACK, and two servers
 * answering each other stop after two rounds; any other datagram keeps
 * its length, and in upper mode changes only a-z to A-Z.
 */
#include "fuzz.h"
#include "udp_packet.h"
#include "udp_server.h"

#include <stdbool.h>
#include <string.h>

static void check_header(const uint8_t *data, size_t size)
{
    struct udp_packet_header h;
    unsigned char back[UDP_PACKET_HEADER_LEN];
    if (udp_packet_decode(data, size, &h) == -1)
        return;
    FUZZ_CHECK(size >= UDP_PACKET_HEADER_LEN);
    FUZZ_CHECK(h.type >= UDP_PACKET_PING && h.type <= UDP_PACKET_ACK);
    FUZZ_CHECK(strcmp(udp_packet_type_name(h.type), "?") != 0);
    FUZZ_CHECK(udp_packet_encode(&h, back, sizeof back) == UDP_PACKET_HEADER_LEN);
    FUZZ_CHECK(memcmp(back, data, 6) == 0 && back[6] == 0 && back[7] == 0);
    FUZZ_CHECK(memcmp(back + 8, data + 8, UDP_PACKET_HEADER_LEN - 8) == 0);

    /* The round trip the client takes from the echoed time, at two clocks. */
    int64_t now = (int64_t)(h.seq) << 31 | h.seq;
    int64_t rtt = udp_packet_rtt(h.sent_ns, now);
    FUZZ_CHECK(rtt == -1 || (rtt >= 0 && rtt <= now && (uint64_t)(now - rtt) == h.sent_ns));
    FUZZ_CHECK(udp_packet_rtt(h.sent_ns, INT64_MAX) >= -1);
}

static void check_answer(enum udp_mode mode, const uint8_t *data, size_t size)
{
    unsigned char *buf = malloc(size + 1);
    struct udp_packet_header h;
    FUZZ_CHECK(buf != NULL);
    memcpy(buf, data, size);
    bool is_packet = udp_packet_decode(data, size, &h) == 0;
    bool answered = udp_answer(mode, buf, size);
    if (is_packet) {
        enum udp_packet_type reply = udp_packet_reply_type(h.type);
        FUZZ_CHECK(answered == (reply != UDP_PACKET_NONE));
        for (size_t i = 0; answered && i < size; i++)
            FUZZ_CHECK(i == 5 ? buf[i] == reply : buf[i] == data[i]);
        /* The answer to the answer is never answered: no ping-pong loop. */
        FUZZ_CHECK(!answered || !udp_answer(mode, buf, size));
    } else {
        FUZZ_CHECK(answered);
        for (size_t i = 0; i < size; i++) {
            bool lower = data[i] >= 'a' && data[i] <= 'z';
            if (mode == UDP_MODE_UPPER && lower)
                FUZZ_CHECK(buf[i] == data[i] - 'a' + 'A');
            else
                FUZZ_CHECK(buf[i] == data[i]);
        }
    }
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_header(data, size);
    check_answer(UDP_MODE_UPPER, data, size);
    check_answer(UDP_MODE_ECHO, data, size);
    return 0;
}
