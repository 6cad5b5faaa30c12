// Thrift's compact protocol, read: the encoding of a Parquet file's footer and page headers
// (see native/parquet-read.c). Every read is bounded by the bytes given; a malformed one marks the
// reader bad and reads nothing more.
#ifndef HOKUSAI_THRIFT_COMPACT_H
#define HOKUSAI_THRIFT_COMPACT_H
#include <stdint.h>
#include <stddef.h>

typedef unsigned char u8;

typedef struct {
  const u8 *p, *end;
  int bad;
} Thrift;

enum { T_TRUE = 1, T_FALSE = 2, T_BYTE = 3, T_I16 = 4, T_I32 = 5, T_I64 = 6, T_DOUBLE = 7, T_BINARY = 8, T_LIST = 9, T_SET = 10, T_MAP = 11, T_STRUCT = 12 };

static uint64_t varint(Thrift *t) {
  uint64_t v = 0;
  for (int shift = 0; shift < 64 && t->p < t->end; shift += 7) {
    const u8 b = *t->p++;
    v |= (uint64_t)(b & 0x7f) << shift;
    if ((b & 0x80) == 0) return v;
  }
  t->bad = 1;
  return 0;
}

static int64_t zigzag(Thrift *t) {
  const uint64_t v = varint(t);
  return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

/** An i32 field's value, out of range marking the reader bad. */
static int32_t i32(Thrift *t) {
  const int64_t v = zigzag(t);
  if (v < INT32_MIN || v > INT32_MAX) t->bad = 1;
  return (int32_t)v;
}

/** The next field of a struct (its id in *id), or 0 at the struct's end or on malformed bytes. */
static int field(Thrift *t, int *id, int *last) {
  if (t->bad || t->p >= t->end) {
    t->bad = 1;
    return 0;
  }
  const u8 b = *t->p++;
  if (b == 0) return 0;
  if ((b & 15) == 0) { // a field of no type
    t->bad = 1;
    return 0;
  }
  const int delta = b >> 4;
  *id = delta != 0 ? *last + delta : (int)zigzag(t);
  *last = *id;
  return b & 15;
}

/** A list's (or set's) length, its element type in *type; elements take a byte at least. */
static int64_t list_begin(Thrift *t, int *type) {
  *type = 0;
  if (t->p >= t->end) {
    t->bad = 1;
    return 0;
  }
  const u8 b = *t->p++;
  *type = b & 15;
  uint64_t n = b >> 4;
  if (n == 15) n = varint(t);
  if (n > (uint64_t)(t->end - t->p)) {
    t->bad = 1;
    return 0;
  }
  return (int64_t)n;
}

/** A string's bytes (*len of them), or NULL. */
static const u8 *binary(Thrift *t, size_t *len) {
  const uint64_t n = varint(t);
  if (t->bad || n > (uint64_t)(t->end - t->p)) {
    t->bad = 1;
    return NULL;
  }
  const u8 *s = t->p;
  t->p += n;
  *len = (size_t)n;
  return s;
}

static void skip(Thrift *t, int type, int depth);

/** A value skipped as a collection element (where a bool takes a byte). */
static void skip_element(Thrift *t, int type, int depth) {
  if (type == T_TRUE || type == T_FALSE) {
    if (t->p >= t->end) t->bad = 1;
    else t->p++;
  } else {
    skip(t, type, depth);
  }
}

static void skip(Thrift *t, int type, int depth) {
  if (depth > 32 || t->bad) {
    t->bad = 1;
    return;
  }
  size_t len;
  switch (type) {
    case T_TRUE:
    case T_FALSE:
      return; // a struct's bool field: the value is in the type
    case T_BYTE:
      skip_element(t, T_TRUE, depth);
      return;
    case T_I16:
    case T_I32:
    case T_I64:
      varint(t);
      return;
    case T_DOUBLE:
      if (t->end - t->p < 8) t->bad = 1;
      else t->p += 8;
      return;
    case T_BINARY:
      binary(t, &len);
      return;
    case T_LIST:
    case T_SET: {
      int et;
      for (int64_t n = list_begin(t, &et), i = 0; i < n && !t->bad; i++) skip_element(t, et, depth + 1);
      return;
    }
    case T_MAP: {
      const uint64_t n = varint(t);
      if (n == 0 || t->bad) return;
      if (t->p >= t->end || n > (uint64_t)(t->end - t->p)) {
        t->bad = 1;
        return;
      }
      const u8 kv = *t->p++;
      for (uint64_t i = 0; i < n && !t->bad; i++) {
        skip_element(t, kv >> 4, depth + 1);
        skip_element(t, kv & 15, depth + 1);
      }
      return;
    }
    case T_STRUCT: {
      int id, last = 0, ft;
      while ((ft = field(t, &id, &last)) != 0) skip(t, ft, depth + 1);
      return;
    }
    default:
      t->bad = 1;
  }
}
#endif
