/* SPDX-License-Identifier: MIT */
/*
 * Table-driven CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320).
 * Taken from a permissively licensed helper library; kept under its
 * original license, see the SPDX tag above.
 */
#include <stddef.h>
#include <stdint.h>

static uint32_t crc_table[256];
static int crc_table_ready;

static void build_table(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) {
            if (c & 1)
                c = 0xEDB88320u ^ (c >> 1);
            else
                c >>= 1;
        }
        crc_table[i] = c;
    }
    crc_table_ready = 1;
}

/*
 * Feed `len` bytes into a running CRC. Start with crc = 0 and pass the
 * previous return value to continue over split buffers.
 */
uint32_t crc32_update(uint32_t crc, const uint8_t *buf, size_t len)
{
    if (!crc_table_ready)
        build_table();

    crc = ~crc;
    while (len--) {
        crc = crc_table[(crc ^ *buf++) & 0xFF] ^ (crc >> 8);
    }
    return ~crc;
}

#ifdef CRC32_SELFTEST
#include <stdio.h>
#include <string.h>

int main(void)
{
    const char *msg = "123456789";
    uint32_t got = crc32_update(0, (const uint8_t *)msg, strlen(msg));
    printf("crc32(\"%s\") = %08x (expect cbf43926)\n", msg, (unsigned)got);
    return got == 0xCBF43926u ? 0 : 1;
}
#endif
