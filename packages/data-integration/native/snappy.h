// Snappy's block format, unpacked (Parquet's most common codec; see native/parquet-read.c).
#ifndef HOKUSAI_SNAPPY_H
#define HOKUSAI_SNAPPY_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef unsigned char u8;

/** Room after a Snappy output buffer's `want` bytes, for the fixed-size copies that may run past them. */
#define SNAPPY_SLACK 32

/**
 * Snappy's block format: src[0..n) into dst (want + SNAPPY_SLACK bytes of room), which must come
 * out exactly `want` bytes. Short literals and copies move 16 or 8 bytes at a time where there is
 * room, the bytes past them written again later or never read.
 */
static int snappy(const u8 *src, size_t n, u8 *dst, size_t want) {
  const u8 *p = src, *end = src + n;
  // The uncompressed length first, a varint.
  uint64_t length = 0;
  int shift = 0;
  for (;; shift += 7) {
    if (p >= end || shift > 63) return 0;
    const u8 b = *p++;
    length |= (uint64_t)(b & 0x7f) << shift;
    if ((b & 0x80) == 0) break;
  }
  if (length != want) return 0;
  u8 *o = dst, *const oend = dst + want;
  while (p < end) {
    const u8 tag = *p++;
    size_t len, off;
    switch (tag & 3) {
      case 0:
        len = tag >> 2;
        if (len >= 60) {
          const size_t nb = len - 59;
          if ((size_t)(end - p) < nb) return 0;
          len = 0;
          for (size_t i = 0; i < nb; i++) len |= (size_t)p[i] << (8 * i);
          p += nb;
        }
        len++;
        if ((size_t)(end - p) < len || (size_t)(oend - o) < len) return 0;
        if (len <= 16 && end - p >= 16) memcpy(o, p, 16);
        else memcpy(o, p, len);
        o += len;
        p += len;
        continue;
      case 1:
        if (p >= end) return 0;
        len = ((tag >> 2) & 7) + 4;
        off = ((size_t)(tag >> 5) << 8) | *p++;
        break;
      case 2:
        if (end - p < 2) return 0;
        len = (size_t)(tag >> 2) + 1;
        off = (size_t)p[0] | (size_t)p[1] << 8;
        p += 2;
        break;
      default:
        if (end - p < 4) return 0;
        len = (size_t)(tag >> 2) + 1;
        off = (size_t)p[0] | (size_t)p[1] << 8 | (size_t)p[2] << 16 | (size_t)p[3] << 24;
        p += 4;
    }
    if (off == 0 || off > (size_t)(o - dst) || len > (size_t)(oend - o)) return 0;
    const u8 *from = o - off;
    if (off >= 8) {
      // Each 8 bytes read were written before (off >= 8), so a copy that overlaps still repeats.
      for (size_t i = 0; i < len; i += 8) memcpy(o + i, from + i, 8);
    } else {
      for (size_t i = 0; i < len; i++) o[i] = from[i]; // a short pattern repeated
    }
    o += len;
  }
  return o == oend;
}
#endif
