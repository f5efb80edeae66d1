/*
 * ringbuf.c - fixed capacity byte ring buffer
 *
 * Writes never overwrite unread data: when the buffer is full the
 * write is truncated and the number of bytes actually stored is
 * returned to the caller.
 */
#include <stdlib.h>
#include <string.h>

#include "ringbuf.h"

#define RINGBUF_MIN_CAPACITY 16

static size_t min_size(size_t a, size_t b)
{
    return a < b ? a : b;
}

int ringbuf_init(ringbuf_t *rb, size_t capacity)
{
    if (capacity < RINGBUF_MIN_CAPACITY)
        capacity = RINGBUF_MIN_CAPACITY;
    rb->data = malloc(capacity + 1);
    if (rb->data == NULL)
        return -1;
    rb->cap = capacity + 1;
    rb->head = 0;
    rb->tail = 0;
    return 0;
}

void ringbuf_free(ringbuf_t *rb)
{
    free(rb->data);
    rb->data = NULL;
    rb->cap = rb->head = rb->tail = 0;
}

size_t ringbuf_used(const ringbuf_t *rb)
{
    if (rb->head >= rb->tail)
        return rb->head - rb->tail;
    return rb->cap - rb->tail + rb->head;
}

size_t ringbuf_space(const ringbuf_t *rb)
{
    return rb->cap - 1 - ringbuf_used(rb);
}

size_t ringbuf_write(ringbuf_t *rb, const uint8_t *src, size_t len)
{
    size_t n = min_size(len, ringbuf_space(rb));
    size_t first = min_size(n, rb->cap - rb->head);

    memcpy(rb->data + rb->head, src, first);
    memcpy(rb->data, src + first, n - first);
    rb->head = (rb->head + n) % rb->cap;
    return n;
}

size_t ringbuf_peek(const ringbuf_t *rb, uint8_t *dst, size_t len)
{
    size_t n = min_size(len, ringbuf_used(rb));
    size_t first = min_size(n, rb->cap - rb->tail);

    memcpy(dst, rb->data + rb->tail, first);
    memcpy(dst + first, rb->data, n - first);
    return n;
}

void ringbuf_discard(ringbuf_t *rb, size_t len)
{
    size_t n = min_size(len, ringbuf_used(rb));
    rb->tail = (rb->tail + n) % rb->cap;
}

size_t ringbuf_read(ringbuf_t *rb, uint8_t *dst, size_t len)
{
    size_t n = ringbuf_peek(rb, dst, len);
    ringbuf_discard(rb, n);
    return n;
}

uint32_t ringbuf_checksum(const ringbuf_t *rb)
{
    uint32_t crc = 0;
    size_t used = ringbuf_used(rb);
    size_t first = min_size(used, rb->cap - rb->tail);

    crc = crc32_update(crc, rb->data + rb->tail, first);
    crc = crc32_update(crc, rb->data, used - first);
    return crc;
}
