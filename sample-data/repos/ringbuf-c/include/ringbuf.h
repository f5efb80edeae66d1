#ifndef RINGBUF_H
#define RINGBUF_H

#include <stddef.h>
#include <stdint.h>

/*
 * Fixed-capacity byte ring buffer. One slot is kept free so that
 * head == tail always means "empty" and never "full".
 */
typedef struct {
    uint8_t *data;
    size_t cap;   /* allocated slots, usable capacity is cap - 1 */
    size_t head;  /* next write position */
    size_t tail;  /* next read position */
} ringbuf_t;

int    ringbuf_init(ringbuf_t *rb, size_t capacity);
void   ringbuf_free(ringbuf_t *rb);
size_t ringbuf_used(const ringbuf_t *rb);
size_t ringbuf_space(const ringbuf_t *rb);
size_t ringbuf_write(ringbuf_t *rb, const uint8_t *src, size_t len);
size_t ringbuf_read(ringbuf_t *rb, uint8_t *dst, size_t len);
size_t ringbuf_peek(const ringbuf_t *rb, uint8_t *dst, size_t len);
void   ringbuf_discard(ringbuf_t *rb, size_t len);

uint32_t crc32_update(uint32_t crc, const uint8_t *buf, size_t len);
uint32_t ringbuf_checksum(const ringbuf_t *rb);

#endif /* RINGBUF_H */
