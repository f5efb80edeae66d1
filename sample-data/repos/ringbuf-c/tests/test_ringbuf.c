#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "ringbuf.h"

static void test_roundtrip(void)
{
    ringbuf_t rb;
    uint8_t out[8];

    assert(ringbuf_init(&rb, 16) == 0);
    assert(ringbuf_write(&rb, (const uint8_t *)"hello", 5) == 5);
    assert(ringbuf_used(&rb) == 5);
    assert(ringbuf_read(&rb, out, sizeof out) == 5);
    assert(memcmp(out, "hello", 5) == 0);
    assert(ringbuf_used(&rb) == 0);
    ringbuf_free(&rb);
}

static void test_wraparound(void)
{
    ringbuf_t rb;
    uint8_t scratch[32];
    uint8_t out[32];

    assert(ringbuf_init(&rb, 16) == 0);
    memset(scratch, 'x', sizeof scratch);
    assert(ringbuf_write(&rb, scratch, 12) == 12);
    ringbuf_discard(&rb, 10);
    /* head is near the end now: this write must wrap */
    assert(ringbuf_write(&rb, (const uint8_t *)"0123456789", 10) == 10);
    assert(ringbuf_read(&rb, out, 2) == 2);
    assert(ringbuf_read(&rb, out, 10) == 10);
    assert(memcmp(out, "0123456789", 10) == 0);
    ringbuf_free(&rb);
}

static void test_full_truncates(void)
{
    ringbuf_t rb;
    uint8_t big[64];

    assert(ringbuf_init(&rb, 16) == 0);
    memset(big, 7, sizeof big);
    assert(ringbuf_write(&rb, big, sizeof big) == 16);
    assert(ringbuf_space(&rb) == 0);
    ringbuf_free(&rb);
}

static void test_checksum(void)
{
    ringbuf_t rb;

    assert(ringbuf_init(&rb, 32) == 0);
    ringbuf_write(&rb, (const uint8_t *)"123456789", 9);
    assert(ringbuf_checksum(&rb) == 0xCBF43926u);
    ringbuf_free(&rb);
}

int main(void)
{
    test_roundtrip();
    test_wraparound();
    test_full_truncates();
    test_checksum();
    puts("ringbuf: all tests passed");
    return 0;
}
