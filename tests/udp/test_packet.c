/*
 * test_packet.c - the ping/ARQ header on the wire, and the server's answer.
 */
#include "udp_packet.h"
#include "udp_server.h"

#include <criterion/criterion.h>
#include <string.h>

Test(udp_packet, encodes_every_field_big_endian)
{
    struct udp_packet_header h = {
        .type = UDP_PACKET_PING, .seq = 0x01020304u, .sent_ns = 0x1112131415161718u};
    unsigned char buf[UDP_PACKET_HEADER_LEN + 4];
    static const unsigned char want[UDP_PACKET_HEADER_LEN] = {
        'N',  'D',  'U',  'P',  1,    1,    0,    0,    0x01, 0x02,
        0x03, 0x04, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18};
    cr_assert_eq(udp_packet_encode(&h, buf, sizeof buf), UDP_PACKET_HEADER_LEN);
    cr_assert_arr_eq(buf, want, sizeof want);
}

Test(udp_packet, refuses_a_buffer_too_small)
{
    struct udp_packet_header h = {.type = UDP_PACKET_DATA};
    unsigned char buf[UDP_PACKET_HEADER_LEN - 1];
    cr_assert_eq(udp_packet_encode(&h, buf, sizeof buf), 0);
}

Test(udp_packet, round_trips_each_type_and_extreme_values)
{
    static const struct udp_packet_header cases[] = {
        {UDP_PACKET_PING, 0, 0},
        {UDP_PACKET_PONG, 1, 1},
        {UDP_PACKET_DATA, UINT32_MAX, UINT64_MAX},
        {UDP_PACKET_ACK, 0x80000000u, 0x8000000000000000u},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        unsigned char buf[64];
        struct udp_packet_header got;
        udp_packet_encode(&cases[i], buf, sizeof buf);
        cr_assert_eq(udp_packet_decode(buf, sizeof buf, &got), 0, "case %zu", i);
        cr_expect_eq(got.type, cases[i].type, "case %zu", i);
        cr_expect_eq(got.seq, cases[i].seq, "case %zu", i);
        cr_expect_eq(got.sent_ns, cases[i].sent_ns, "case %zu", i);
    }
}

Test(udp_packet, rejects_what_is_not_a_header)
{
    struct {
        const char *why;
        size_t offset; /* byte to change in a valid header, or SIZE_MAX */
        unsigned char value;
        size_t len;
    } cases[] = {
        {"empty datagram", SIZE_MAX, 0, 0},
        {"one byte short", SIZE_MAX, 0, UDP_PACKET_HEADER_LEN - 1},
        {"other magic", 0, 'n', UDP_PACKET_HEADER_LEN},
        {"other version", 4, 2, UDP_PACKET_HEADER_LEN},
        {"type 0", 5, 0, UDP_PACKET_HEADER_LEN},
        {"type 5", 5, 5, UDP_PACKET_HEADER_LEN},
        {"type 255", 5, 255, UDP_PACKET_HEADER_LEN},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        unsigned char buf[UDP_PACKET_HEADER_LEN];
        struct udp_packet_header h = {.type = UDP_PACKET_PING, .seq = 7};
        udp_packet_encode(&h, buf, sizeof buf);
        if (cases[i].offset != SIZE_MAX)
            buf[cases[i].offset] = cases[i].value;
        cr_expect_eq(udp_packet_decode(buf, cases[i].len, &h), -1, "%s", cases[i].why);
    }
}

Test(udp_packet, replies_only_to_requests)
{
    cr_expect_eq(udp_packet_reply_type(UDP_PACKET_PING), UDP_PACKET_PONG);
    cr_expect_eq(udp_packet_reply_type(UDP_PACKET_DATA), UDP_PACKET_ACK);
    cr_expect_eq(udp_packet_reply_type(UDP_PACKET_PONG), UDP_PACKET_NONE);
    cr_expect_eq(udp_packet_reply_type(UDP_PACKET_ACK), UDP_PACKET_NONE);
    cr_expect_str_eq(udp_packet_type_name(UDP_PACKET_ACK), "ACK");
    cr_expect_str_eq(udp_packet_type_name((enum udp_packet_type)9), "?");
}

Test(udp_packet, rtt_of_an_echoed_time_in_the_past_only)
{
    cr_expect_eq(udp_packet_rtt(1000, 1500), 500);
    cr_expect_eq(udp_packet_rtt(1500, 1500), 0);
    cr_expect_eq(udp_packet_rtt(1501, 1500), -1, "from the future: not ours");
    cr_expect_eq(udp_packet_rtt(UINT64_MAX, 1500), -1);
    cr_expect_eq(udp_packet_rtt((uint64_t)INT64_MAX + 1, INT64_MAX), -1);
    cr_expect_eq(udp_packet_rtt(0, INT64_MAX), INT64_MAX);
}

Test(udp_answer, upper_mode_changes_only_ascii_letters)
{
    unsigned char buf[] = "dream is handsome, 123 \xc3\xa9!";
    cr_assert(udp_answer(UDP_MODE_UPPER, buf, sizeof buf - 1));
    cr_expect_str_eq((char *)buf, "DREAM IS HANDSOME, 123 \xc3\xa9!");
}

Test(udp_answer, echo_mode_and_empty_datagrams_pass_unchanged)
{
    unsigned char buf[] = "dream";
    cr_assert(udp_answer(UDP_MODE_ECHO, buf, 5));
    cr_expect_str_eq((char *)buf, "dream");
    cr_expect(udp_answer(UDP_MODE_UPPER, buf, 0), "a 0-byte datagram gets a 0-byte reply");
}

Test(udp_answer, reflects_a_ping_unchanged_but_its_type)
{
    unsigned char buf[UDP_PACKET_HEADER_LEN + 8], want[sizeof buf];
    struct udp_packet_header h = {
        .type = UDP_PACKET_PING, .seq = 0x61626364u, .sent_ns = 0x6162636465666768u};
    udp_packet_encode(&h, buf, sizeof buf);
    memcpy(buf + UDP_PACKET_HEADER_LEN, "abcdefgh", 8);
    memcpy(want, buf, sizeof buf);
    want[5] = UDP_PACKET_PONG;
    cr_assert(udp_answer(UDP_MODE_UPPER, buf, sizeof buf));
    cr_expect_arr_eq(buf, want, sizeof buf, "lower-case bytes in a ping survive upper mode");
}

Test(udp_answer, never_answers_a_reply)
{
    unsigned char buf[UDP_PACKET_HEADER_LEN];
    struct udp_packet_header h = {.type = UDP_PACKET_ACK, .seq = 1};
    udp_packet_encode(&h, buf, sizeof buf);
    cr_expect_not(udp_answer(UDP_MODE_ECHO, buf, sizeof buf));
    h.type = UDP_PACKET_PONG;
    udp_packet_encode(&h, buf, sizeof buf);
    cr_expect_not(udp_answer(UDP_MODE_ECHO, buf, sizeof buf));
}

Test(udp_packet, describes_its_own_datagrams_by_type_and_seq)
{
    struct udp_packet_header h = {.type = UDP_PACKET_PING, .seq = 7, .sent_ns = 123};
    unsigned char buf[64] = {0};
    char about[UDP_PACKET_ABOUT_LEN];
    udp_packet_encode(&h, buf, sizeof buf);
    cr_assert_eq(udp_packet_describe(buf, sizeof buf, about, sizeof about), 0);
    cr_expect_str_eq(about, "PING seq 7 (64 bytes)");
    h = (struct udp_packet_header){.type = UDP_PACKET_ACK, .seq = UINT32_MAX};
    udp_packet_encode(&h, buf, sizeof buf);
    cr_assert_eq(udp_packet_describe(buf, UDP_PACKET_HEADER_LEN, about, sizeof about), 0);
    cr_expect_str_eq(about, "ACK seq 4294967295 (20 bytes)");
}

Test(udp_packet, does_not_describe_other_datagrams)
{
    char about[UDP_PACKET_ABOUT_LEN] = "untouched";
    static const char text[] = "NDUP but not a header, just words";
    cr_expect_eq(udp_packet_describe(text, sizeof text - 1, about, sizeof about), -1);
    cr_expect_eq(udp_packet_describe("NDUP", 4, about, sizeof about), -1);
    cr_expect_str_eq(about, "untouched");
}
