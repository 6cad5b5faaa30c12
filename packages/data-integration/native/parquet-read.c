// The Parquet reader's native path (see src/parquet-native-read.ts): a flat file of the common
// subset (BOOLEAN, INT32, INT64, FLOAT, DOUBLE and UTF-8 BYTE_ARRAY columns, required or optional;
// PLAIN, dictionary and boolean RLE encodings; data pages v1 and v2; uncompressed or Snappy)
// decoded straight into the loader's columns. Two threads take the column chunks in file order,
// each hashing its chunk in turn for the file's SHA-256 before decoding it. It reads only what it
// reads exactly as parquet-wasm and the Arrow conversion would: anything else (another codec or
// encoding, a logical type such as a timestamp, NaN or Infinity, an int64 past 2^53, text that is
// not UTF-8) and any file parquet-wasm rejects (parquet-thrift-checks.h) is given up, and the
// caller reads the file through parquet-wasm, which reports what it finds. Node-API only.
#define _GNU_SOURCE // mremap
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <node_api.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "shared.h"
#include "thrift-compact.h"
#include "parquet-thrift-checks.h"
#include "snappy.h"

/* ---------- The footer ---------- */

enum { PT_BOOLEAN = 0, PT_INT32 = 1, PT_INT64 = 2, PT_INT96 = 3, PT_FLOAT = 4, PT_DOUBLE = 5, PT_BYTE_ARRAY = 6, PT_FIXED = 7 };
enum { CODEC_NONE = 0, CODEC_SNAPPY = 1 };
enum { ENC_PLAIN = 0, ENC_PLAIN_DICTIONARY = 2, ENC_RLE = 3, ENC_RLE_DICTIONARY = 8 };
enum { PAGE_DATA = 0, PAGE_INDEX = 1, PAGE_DICTIONARY = 2, PAGE_DATA_V2 = 3 };

/** What a column is read into: the loader's column types. */
enum { KIND_INT = 0, KIND_FLOAT = 1, KIND_BOOL = 2, KIND_TEXT = 3 };

/** How a column's values are read: its physical type, narrowed by its logical type (numbered for JavaScript). */
enum { SRC_BOOL = 0, SRC_I32 = 1, SRC_U32 = 2, SRC_I64 = 3, SRC_FLOAT = 4, SRC_DOUBLE = 5, SRC_TEXT = 6 };

typedef struct {
  int type, repetition, converted, children;
  int logical; // the LogicalType union's field id, 0 without one
  int int_bits, int_signed; // an INTEGER logical type's
  const u8 *name;
  size_t name_len;
} SchemaElement;

/** A column chunk: where its pages are. */
typedef struct {
  int64_t offset, size, values;
  int type, codec, paths;
} Chunk;

/** A column as read: its outputs are handed to JavaScript (or freed) when the read ends. */
typedef struct {
  const u8 *name;
  size_t name_len;
  int src, kind, optional, small_bits; // small_bits: 8 or 16 for a narrow integer logical type (its range checked)
  int int_bits; // an integer column's width (8, 16, 32, 64), else 0
  u8 *valid;
  int32_t *ints;
  double *num;
  u8 *bools;
  int32_t *offsets;
  u8 *bytes;
  size_t nbytes, bcap, nulls;
  int64_t cost; // bytes to decode, for the order the threads take columns in
} Column;

typedef struct {
  int nc, groups;
  int64_t rows;
  int64_t *group_rows;
  Chunk *chunks; // groups x nc
  const u8 *arrow_schema; // the ARROW:schema metadata (base64), if any
  size_t arrow_schema_len;
} Footer;

static const char *read_schema_element(Thrift *t, SchemaElement *e) {
  int id, last = 0, ft;
  memset(e, 0, sizeof *e);
  e->type = -1;
  e->repetition = -1;
  e->converted = -1;
  while ((ft = field(t, &id, &last)) != 0) {
    if (id == 1 && ft == T_I32) e->type = i32(t);
    else if (id == 3 && ft == T_I32) e->repetition = i32(t);
    else if (id == 4 && ft == T_BINARY) e->name = binary(t, &e->name_len);
    else if (id == 5 && ft == T_I32) e->children = i32(t);
    else if (id == 6 && ft == T_I32) e->converted = i32(t);
    else if (id == 10 && ft == T_STRUCT) {
      // LogicalType, a union: one field, a struct; INTEGER's holds its width and sign.
      int lid, llast = 0, lft;
      while ((lft = field(t, &lid, &llast)) != 0) {
        e->logical = lid;
        if (lid == 10 && lft == T_STRUCT) {
          int iid, ilast = 0, ift;
          while ((ift = field(t, &iid, &ilast)) != 0) {
            if (iid == 1 && ift == T_BYTE) {
              if (t->p >= t->end) t->bad = 1;
              else e->int_bits = (signed char)*t->p++;
            } else if (iid == 2 && (ift == T_TRUE || ift == T_FALSE)) {
              e->int_signed = ift == T_TRUE;
            } else {
              skip(t, ift, 1);
            }
          }
        } else {
          skip(t, lft, 1);
        }
      }
    } else skip(t, ft, 0);
  }
  return t->bad ? "malformed schema" : NULL;
}

/** A leaf's reading from its types, or NULL with the reason it is not read here. */
static const char *column_of(const SchemaElement *e, Column *c) {
  if (e->children != 0) return "a nested column";
  if (e->repetition != 0 && e->repetition != 1) return "a repeated column";
  if (e->name == NULL || !valid_utf8(e->name, e->name_len)) return "a column name that is not UTF-8";
  c->name = e->name;
  c->name_len = e->name_len;
  c->optional = e->repetition == 1;
  // Converted types (the older annotation) that mean no more than the logical ones read below.
  const int conv = e->converted;
  const int logical = e->logical;
  switch (e->type) {
    case PT_BOOLEAN:
      if (logical != 0 || conv != -1) return "an annotated BOOLEAN column";
      c->src = SRC_BOOL, c->kind = KIND_BOOL;
      return NULL;
    case PT_INT32: {
      int bits = 32, is_signed = 1;
      if (logical == 10) bits = e->int_bits, is_signed = e->int_signed;
      if (logical == 10 && conv != -1 && conv != (is_signed ? 15 : 11) + (bits == 16) + 2 * (bits == 32)) return "an integer whose converted type is not its logical type";
      else if (logical != 0) return "an INT32 column with a logical type read otherwise (date, time, decimal)";
      else if (conv >= 11 && conv <= 13) bits = 8 << (conv - 11), is_signed = 0; // UINT_8, _16, _32
      else if (conv >= 15 && conv <= 17) bits = 8 << (conv - 15); // INT_8, _16, _32
      else if (conv != -1) return "an INT32 column with a converted type read otherwise";
      if (bits != 8 && bits != 16 && bits != 32) return "an INT32 column of an odd width";
      c->src = is_signed ? SRC_I32 : SRC_U32;
      c->small_bits = bits < 32 ? bits : 0;
      c->int_bits = bits;
      c->kind = KIND_INT;
      return NULL;
    }
    case PT_INT64:
      if (logical == 10 ? !(e->int_bits == 64 && e->int_signed) : logical != 0) return "an INT64 column that is not a signed integer (unsigned, timestamp, decimal)";
      if (conv != -1 && conv != 18) return "an INT64 column whose converted type is not INT_64";
      c->src = SRC_I64, c->kind = KIND_INT, c->int_bits = 64;
      return NULL;
    case PT_FLOAT:
    case PT_DOUBLE:
      if (logical != 0 || conv != -1) return "an annotated floating-point column";
      c->src = e->type == PT_FLOAT ? SRC_FLOAT : SRC_DOUBLE, c->kind = KIND_FLOAT;
      return NULL;
    case PT_BYTE_ARRAY:
      if (!((logical == 1 && (conv == -1 || conv == 0)) || (logical == 0 && conv == 0))) return "a BYTE_ARRAY column that is not UTF-8 text";
      c->src = SRC_TEXT, c->kind = KIND_TEXT;
      return NULL;
    default:
      return "an INT96 or fixed-length column";
  }
}

static const char *read_column_chunk(Thrift *t, Chunk *c) {
  int id, last = 0, ft;
  int64_t data_offset = -1, dict_offset = -1;
  int has_meta = 0;
  while ((ft = field(t, &id, &last)) != 0) {
    if (id == 1) return "a column chunk in another file";
    if (id == 8 || id == 9) return "an encrypted column";
    if (id == 3 && ft == T_STRUCT) {
      has_meta = 1;
      int mid, mlast = 0, mft;
      while ((mft = field(t, &mid, &mlast)) != 0) {
        if (mid == 1 && mft == T_I32) c->type = i32(t);
        else if (mid == 3 && mft == T_LIST) {
          int et;
          const int64_t n = list_begin(t, &et);
          c->paths = (int)n;
          for (int64_t i = 0; i < n && !t->bad; i++) skip_element(t, et, 1);
        } else if (mid == 4 && mft == T_I32) c->codec = i32(t);
        else if (mid == 5 && mft == T_I64) c->values = zigzag(t);
        else if (mid == 7 && mft == T_I64) c->size = zigzag(t);
        else if (mid == 9 && mft == T_I64) data_offset = zigzag(t);
        else if (mid == 11 && mft == T_I64) dict_offset = zigzag(t);
        else skip(t, mft, 1);
      }
    } else {
      skip(t, ft, 0);
    }
  }
  if (t->bad || !has_meta || data_offset < 0) return "malformed column metadata";
  // A dictionary page comes first; some writers leave its offset 0 when there is none.
  c->offset = dict_offset > 0 && dict_offset < data_offset ? dict_offset : data_offset;
  return NULL;
}

/** Reads the footer (`meta`, len bytes) and checks the columns against the subset; NULL or why not. */
static const char *read_footer(const u8 *meta, size_t len, int64_t data_end, Footer *f, Column **columns) {
  Thrift t = {meta, meta + len, 0};
  int id, last = 0, ft;
  SchemaElement *schema = NULL;
  int64_t nschema = 0;
  const char *why = NULL;
  while (why == NULL && (ft = field(&t, &id, &last)) != 0) {
    if (id == 2 && ft == T_LIST) {
      int et;
      nschema = list_begin(&t, &et);
      if (et != T_STRUCT || nschema < 2) return "no columns";
      if ((schema = calloc((size_t)nschema, sizeof *schema)) == NULL) return "out of memory";
      for (int64_t i = 0; i < nschema && why == NULL; i++) why = read_schema_element(&t, &schema[i]);
    } else if (id == 3 && ft == T_I64) {
      f->rows = zigzag(&t);
    } else if (id == 4 && ft == T_LIST) {
      if (schema == NULL) why = "row groups before the schema";
      int et;
      const int64_t groups = why == NULL ? list_begin(&t, &et) : 0;
      const int nc = (int)(nschema - 1);
      if (why == NULL && (et != T_STRUCT || groups > INT32_MAX / (nc > 0 ? nc : 1))) why = "malformed row groups";
      if (why == NULL && groups > 0 && ((f->chunks = calloc((size_t)groups * (size_t)nc, sizeof *f->chunks)) == NULL || (f->group_rows = calloc((size_t)groups, sizeof *f->group_rows)) == NULL)) why = "out of memory";
      f->groups = (int)groups;
      for (int64_t g = 0; g < groups && why == NULL; g++) {
        int gid, glast = 0, gft, seen = 0;
        f->group_rows[g] = -1;
        while (why == NULL && (gft = field(&t, &gid, &glast)) != 0) {
          if (gid == 1 && gft == T_LIST) {
            int cet;
            const int64_t n = list_begin(&t, &cet);
            if (cet != T_STRUCT || n != nc) why = "a row group whose columns are not the schema's";
            for (int64_t k = 0; k < n && why == NULL; k++) why = read_column_chunk(&t, &f->chunks[g * nc + k]);
            seen = 1;
          } else if (gid == 3 && gft == T_I64) {
            f->group_rows[g] = zigzag(&t);
          } else {
            skip(&t, gft, 1);
          }
        }
        if (why == NULL && (!seen || f->group_rows[g] < 0)) why = "malformed row group";
      }
    } else if (id == 5 && ft == T_LIST) {
      int et;
      const int64_t n = list_begin(&t, &et);
      for (int64_t i = 0; i < n && !t.bad; i++) {
        int kid, klast = 0, kft;
        const u8 *key = NULL, *value = NULL;
        size_t key_len = 0, value_len = 0;
        while ((kft = field(&t, &kid, &klast)) != 0) {
          if (kid == 1 && kft == T_BINARY) key = binary(&t, &key_len);
          else if (kid == 2 && kft == T_BINARY) value = binary(&t, &value_len);
          else skip(&t, kft, 1);
        }
        if (key != NULL && value != NULL && key_len == 12 && memcmp(key, "ARROW:schema", 12) == 0) f->arrow_schema = value, f->arrow_schema_len = value_len;
      }
    } else if (id == 8) {
      why = "an encrypted file";
    } else {
      skip(&t, ft, 0);
    }
    if (t.bad && why == NULL) why = "malformed footer";
  }
  if (why == NULL && t.bad) why = "malformed footer";
  if (why == NULL && schema == NULL) why = "no schema";
  if (why == NULL && (schema[0].children != nschema - 1 || schema[0].type != -1)) why = "a nested schema";
  const int nc = schema == NULL ? 0 : (int)(nschema - 1);
  Column *cols = why == NULL ? calloc((size_t)nc, sizeof *cols) : NULL;
  if (why == NULL && cols == NULL) why = "out of memory";
  for (int k = 0; k < nc && why == NULL; k++) why = column_of(&schema[k + 1], &cols[k]);
  int64_t total = 0;
  for (int g = 0; g < f->groups && why == NULL; g++) {
    total += f->group_rows[g];
    for (int k = 0; k < nc && why == NULL; k++) {
      const Chunk *c = &f->chunks[g * nc + k];
      if (c->type != schema[k + 1].type || c->paths != 1) why = "a column chunk that is not its column's";
      else if (c->codec != CODEC_NONE && c->codec != CODEC_SNAPPY) why = "a codec other than Snappy";
      else if (c->values != f->group_rows[g]) why = "a column chunk whose values are not its row group's rows";
      else if (c->offset < 4 || c->size < 0 || c->size > data_end - c->offset) why = "a column chunk outside the file";
      else cols[k].cost += c->size;
    }
  }
  if (why == NULL && (total != f->rows || total < 1 || total > INT32_MAX - 1)) why = total == 0 ? "no rows" : "a row count that does not add up";
  free(schema);
  f->nc = nc;
  if (why != NULL) {
    free(cols);
    return why;
  }
  *columns = cols;
  return NULL;
}

/* ---------- The hybrid RLE / bit-packed runs ---------- */

/**
 * The hybrid encoding's first n values of `bits` bits each from p[0..len) into out; 0 when the
 * runs end early or are malformed. Runs may hold more values than asked for (the last is padded).
 */
static int hybrid(const u8 *p, size_t len, int bits, uint32_t *out, size_t n) {
  Thrift t = {p, p + len, 0};
  const size_t width = (size_t)(bits + 7) / 8;
  const uint32_t mask = bits == 32 ? 0xffffffffu : (1u << bits) - 1;
  size_t i = 0;
  while (i < n) {
    const uint64_t header = varint(&t);
    if (t.bad) return 0;
    if ((header & 1) == 0) {
      // A run of one value repeated.
      const uint64_t count = header >> 1;
      if ((size_t)(t.end - t.p) < width || count == 0) return 0;
      uint32_t v = 0;
      for (size_t b = 0; b < width; b++) v |= (uint32_t)t.p[b] << (8 * b);
      t.p += width;
      if (v > mask) return 0;
      const size_t take = count < n - i ? (size_t)count : n - i;
      for (size_t k = 0; k < take; k++) out[i + k] = v;
      i += take;
    } else {
      // Groups of 8 values, bit-packed.
      const uint64_t groups = header >> 1;
      if (groups == 0 || groups > (uint64_t)(t.end - t.p) || groups * (uint64_t)bits > (uint64_t)(t.end - t.p)) return 0;
      const size_t count = (size_t)groups * 8;
      const size_t take = count < n - i ? count : n - i;
      // Values LSB first, across bytes.
      uint64_t acc = 0;
      int have = 0;
      const u8 *q = t.p;
      for (size_t k = 0; k < take; k++) {
        while (have < bits) acc |= (uint64_t)*q++ << have, have += 8;
        out[i + k] = bits == 0 ? 0 : (uint32_t)(acc & mask);
        acc = bits == 0 ? acc : acc >> bits;
        have -= bits;
      }
      t.p += groups * (uint64_t)bits;
      i += take;
    }
  }
  return 1;
}

/* ---------- Pages into columns ---------- */

/** A thread's buffers, reused from chunk to chunk and page to page (they stay in its cache). */
typedef struct {
  u8 *chunk, *page, *dict, *dense;
  size_t chunk_cap, page_cap, dict_cap, dense_cap;
  uint32_t *idx;
  size_t idx_cap;
} Buffers;

static int grow(void **p, size_t *cap, size_t want) {
  if (want <= *cap) return 1;
  size_t n = *cap > 0 ? *cap : 4096;
  while (n < want) n *= 2;
  void *q = realloc(*p, n);
  if (q == NULL) return 0;
  *p = q;
  *cap = n;
  return 1;
}

static void free_buffers(Buffers *b) {
  free(b->chunk);
  free(b->page);
  free(b->dict);
  free(b->dense);
  free(b->idx);
  memset(b, 0, sizeof *b);
}

/** A column chunk's dictionary: its values as PLAIN bytes, and for text each entry's place. */
typedef struct {
  int present;
  size_t count;
  const u8 *plain; // count fixed-width values, or text entries (see starts/lens)
  uint32_t *starts, *lens;
} Dictionary;

static int width_of(int src) {
  switch (src) {
    case SRC_I32:
    case SRC_U32:
    case SRC_FLOAT:
      return 4;
    case SRC_I64:
    case SRC_DOUBLE:
      return 8;
    default:
      return 0; // bits (BOOLEAN) or lengths (text)
  }
}

static void *zeroed(size_t bytes) {
  if (!mapped(bytes)) return calloc(1, bytes);
  // Every page is written: faulted in at once, not one by one.
  void *m = mmap(NULL, page_round(bytes), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
  return m == MAP_FAILED ? NULL : m;
}

/** An int32 column's rows so far moved to doubles: a value past int32 (an int64 or uint32 column). */
static int to_doubles(Column *c, size_t rows, size_t n) {
  if ((c->num = zeroed(n * sizeof(double))) == NULL) return 0;
  for (size_t r = 0; r < rows; r++) c->num[r] = c->ints[r];
  block_free(c->ints, n * sizeof(int32_t));
  c->ints = NULL;
  c->kind = KIND_FLOAT;
  return 1;
}

/** The largest magnitude a double holds exactly as an integer (Number.MAX_SAFE_INTEGER). */
#define SAFE_INTEGER ((int64_t)9007199254740991)

/**
 * `count` dense values (fixed width) placed at rows [row, row + nv), skipping the nulls. NULL or
 * why the column is given up.
 */
static const char *place_numbers(Column *c, const u8 *dense, size_t count, size_t row, size_t nv, size_t n) {
  const u8 *valid = c->valid + row;
  const int all = count == nv;
  if (all && c->src == SRC_DOUBLE) {
    // The common page: every row a double. Adding +0 turns -0 into 0 and leaves the rest.
    uint64_t special = 0;
    double *out = c->num + row;
    for (size_t i = 0; i < nv; i++) {
      uint64_t bits;
      memcpy(&bits, dense + 8 * i, 8);
      special |= (~bits & 0x7ff0000000000000ull) == 0;
      double x;
      memcpy(&x, &bits, 8);
      out[i] = x + 0.0;
    }
    return special ? "NaN or Infinity" : NULL;
  }
  if (all && c->src == SRC_I32 && c->small_bits == 0) {
    memcpy(c->ints + row, dense, nv * 4);
    return NULL;
  }
  if (all && c->src == SRC_I64 && c->ints != NULL) {
    // Every row an int64: as int32 while each fits (else the value by value path below).
    int32_t *out = c->ints + row;
    int wide = 0;
    for (size_t i = 0; i < nv; i++) {
      int64_t v;
      memcpy(&v, dense + 8 * i, 8);
      wide |= v != (int32_t)v;
      out[i] = (int32_t)v;
    }
    if (!wide) return NULL;
  }
  size_t j = 0;
  for (size_t i = 0; i < nv; i++) {
    if (!all && valid[i] == 0) continue;
    const size_t r = row + i;
    switch (c->src) {
      case SRC_DOUBLE:
      case SRC_FLOAT: {
        double x;
        if (c->src == SRC_DOUBLE) memcpy(&x, dense + 8 * j, 8);
        else {
          float f;
          memcpy(&f, dense + 4 * j, 4);
          x = f;
        }
        if (!isfinite(x)) return "NaN or Infinity";
        c->num[r] = x == 0 ? 0 : x; // -0 and 0 are one value
        break;
      }
      case SRC_I32: {
        int32_t v;
        memcpy(&v, dense + 4 * j, 4);
        if (c->small_bits != 0 && (v < -(1 << (c->small_bits - 1)) || v >= (1 << (c->small_bits - 1)))) return "a narrow integer out of its range";
        c->ints[r] = v;
        break;
      }
      case SRC_U32: {
        uint32_t v;
        memcpy(&v, dense + 4 * j, 4);
        if (c->small_bits != 0 && v >= (1u << c->small_bits)) return "a narrow integer out of its range";
        if (c->ints != NULL && v > INT32_MAX && !to_doubles(c, r, n)) return "out of memory";
        if (c->ints != NULL) c->ints[r] = (int32_t)v;
        else c->num[r] = v;
        break;
      }
      case SRC_I64: {
        int64_t v;
        memcpy(&v, dense + 8 * j, 8);
        if (c->ints != NULL && (v < INT32_MIN || v > INT32_MAX) && !to_doubles(c, r, n)) return "out of memory";
        if (c->ints != NULL) c->ints[r] = (int32_t)v;
        else if (v > SAFE_INTEGER || v < -SAFE_INTEGER) return "an int64 past 2^53";
        else c->num[r] = (double)v;
        break;
      }
      case SRC_BOOL:
        c->bools[r] = (dense[j >> 3] >> (j & 7)) & 1;
        break;
    }
    j++;
  }
  return NULL;
}

/** Appends text to a column's bytes (grown by doubling: a mapping grows without a copy). */
static int append_text(Column *c, const u8 *s, size_t len) {
  if (c->nbytes + len > c->bcap) {
    size_t cap = c->bcap > 0 ? c->bcap : 1 << 16;
    while (cap < c->nbytes + len) cap *= 2;
    u8 *b = block_resize(c->bytes, c->bcap, cap);
    if (b == NULL) return 0;
    c->bytes = b;
    c->bcap = cap;
  }
  memcpy(c->bytes + c->nbytes, s, len);
  c->nbytes += len;
  return 1;
}

/** Text rows [row, row + nv): PLAIN values from v[0..len) or dictionary entries by idx. */
static const char *place_text(Column *c, const u8 *v, size_t len, const Dictionary *d, const uint32_t *idx, size_t count, size_t row, size_t nv) {
  const u8 *valid = c->valid + row;
  size_t j = 0, at = 0;
  for (size_t i = 0; i < nv; i++) {
    if (valid[i] != 0) {
      const u8 *s;
      size_t n;
      if (j >= count) return "malformed page";
      if (idx != NULL) {
        s = d->plain + d->starts[idx[j]];
        n = d->lens[idx[j]];
      } else {
        if (len - at < 4) return "malformed page";
        uint32_t l;
        memcpy(&l, v + at, 4);
        at += 4;
        if (len - at < l) return "malformed page";
        s = v + at;
        n = l;
        at += l;
      }
      j++;
      if (n > 0 && !append_text(c, s, n)) return "out of memory";
      if (c->nbytes > INT32_MAX) return "more than 2 GiB of text in a column";
    }
    c->offsets[row + i + 1] = (int32_t)c->nbytes;
  }
  return NULL;
}

/** A dictionary page's values (PLAIN, `count` of them in p[0..len)), kept in the thread's dict buffer. */
static const char *read_dictionary(const Column *c, Buffers *b, const u8 *p, size_t len, size_t count, Dictionary *d) {
  const int w = width_of(c->src);
  if (!grow((void **)&b->dict, &b->dict_cap, len > 0 ? len : 1)) return "out of memory";
  memcpy(b->dict, p, len);
  d->plain = b->dict;
  d->count = count;
  d->present = 1;
  if (c->src == SRC_BOOL) return "a dictionary of booleans";
  if (w > 0) return count * (size_t)w <= len ? NULL : "malformed dictionary";
  free(d->starts);
  free(d->lens);
  d->starts = malloc((count > 0 ? count : 1) * sizeof(uint32_t));
  d->lens = malloc((count > 0 ? count : 1) * sizeof(uint32_t));
  if (d->starts == NULL || d->lens == NULL) return "out of memory";
  size_t at = 0;
  for (size_t i = 0; i < count; i++) {
    uint32_t l;
    if (len - at < 4) return "malformed dictionary";
    memcpy(&l, b->dict + at, 4);
    at += 4;
    if (len - at < l) return "malformed dictionary";
    d->starts[i] = (uint32_t)at;
    d->lens[i] = l;
    at += l;
  }
  return NULL;
}

/** A page's values section (`count` values, the non-null ones) into rows [row, row + nv). */
static const char *read_values(Column *c, Buffers *b, int encoding, const u8 *v, size_t len, size_t count, const Dictionary *d, size_t row, size_t nv, size_t n) {
  if (encoding == ENC_PLAIN) {
    if (c->src == SRC_TEXT) return place_text(c, v, len, d, NULL, count, row, nv);
    const int w = width_of(c->src);
    const size_t need = w > 0 ? count * (size_t)w : (count + 7) / 8;
    if (need > len) return "malformed page";
    return place_numbers(c, v, count, row, nv, n);
  }
  if (encoding == ENC_RLE && c->src == SRC_BOOL) {
    // Booleans as runs (as data pages v2 hold them): a 4-byte length, then runs of 1 bit.
    uint32_t l;
    if (len < 4) return "malformed page";
    memcpy(&l, v, 4);
    if (l > len - 4 || !grow((void **)&b->idx, &b->idx_cap, (count > 0 ? count : 1) * sizeof(uint32_t)) || !grow((void **)&b->dense, &b->dense_cap, count / 8 + 1)) return "malformed page";
    if (!hybrid(v + 4, l, 1, b->idx, count)) return "malformed boolean runs";
    memset(b->dense, 0, count / 8 + 1);
    for (size_t i = 0; i < count; i++) b->dense[i >> 3] |= (u8)(b->idx[i] << (i & 7));
    return place_numbers(c, b->dense, count, row, nv, n);
  }
  if (encoding != ENC_PLAIN_DICTIONARY && encoding != ENC_RLE_DICTIONARY) return "an encoding other than PLAIN, dictionary and boolean runs";
  if (!d->present) return "dictionary indices without a dictionary";
  if (count > 0 && len < 1) return "malformed page";
  if (count == 0) return c->src == SRC_TEXT ? place_text(c, NULL, 0, d, NULL, 0, row, nv) : NULL;
  const int bits = v[0];
  if (bits > 32) return "malformed page";
  if (!grow((void **)&b->idx, &b->idx_cap, count * sizeof(uint32_t))) return "out of memory";
  if (!hybrid(v + 1, len - 1, bits, b->idx, count)) return "malformed dictionary indices";
  for (size_t i = 0; i < count; i++)
    if (b->idx[i] >= d->count) return "a dictionary index out of range";
  if (c->src == SRC_TEXT) return place_text(c, NULL, 0, d, b->idx, count, row, nv);
  const size_t w = (size_t)width_of(c->src);
  if (!grow((void **)&b->dense, &b->dense_cap, count * w)) return "out of memory";
  for (size_t i = 0; i < count; i++) memcpy(b->dense + i * w, d->plain + (size_t)b->idx[i] * w, w);
  return place_numbers(c, b->dense, count, row, nv, n);
}

/**
 * Definition levels (0 or 1: the hybrid runs at 1 bit) from p[0..len) straight into the column's
 * validity at rows [row, row + nv); the number of values (the ones) in *count.
 */
static const char *read_levels(Column *c, const u8 *p, size_t len, size_t row, size_t nv, size_t *count) {
  Thrift t = {p, p + len, 0};
  u8 *valid = c->valid + row;
  size_t i = 0, ones = 0;
  while (i < nv) {
    const uint64_t header = varint(&t);
    if (t.bad) return "malformed definition levels";
    if ((header & 1) == 0) {
      const uint64_t run = header >> 1;
      if (t.p >= t.end || run == 0 || *t.p > 1) return "malformed definition levels";
      const u8 v = *t.p++;
      const size_t take = run < nv - i ? (size_t)run : nv - i;
      memset(valid + i, v, take);
      ones += v * take;
      i += take;
    } else {
      const uint64_t groups = header >> 1;
      if (groups == 0 || groups > (uint64_t)(t.end - t.p)) return "malformed definition levels";
      const size_t take = groups * 8 < nv - i ? (size_t)groups * 8 : nv - i;
      for (size_t k = 0; k < take; k++) {
        const u8 bit = (t.p[k >> 3] >> (k & 7)) & 1;
        valid[i + k] = bit;
        ones += bit;
      }
      t.p += groups;
      i += take;
    }
  }
  c->nulls += nv - ones;
  *count = ones;
  return NULL;
}

typedef struct {
  int type;
  int32_t usize, csize;
  int32_t values, encoding, level_encoding;
  int32_t def_len, rep_len;
  int32_t nulls; // a data page v2's
  int compressed;
} PageHeader;

static const char *read_page_header(Thrift *t, PageHeader *h) {
  int id, last = 0, ft;
  memset(h, 0, sizeof *h);
  h->type = -1;
  h->usize = h->csize = -1;
  h->compressed = 1;
  h->level_encoding = ENC_RLE;
  while ((ft = field(t, &id, &last)) != 0) {
    if (id == 1 && ft == T_I32) h->type = i32(t);
    else if (id == 2 && ft == T_I32) h->usize = i32(t);
    else if (id == 3 && ft == T_I32) h->csize = i32(t);
    else if ((id == 5 || id == 7 || id == 8) && ft == T_STRUCT) {
      // DataPageHeader (5), DictionaryPageHeader (7), DataPageHeaderV2 (8).
      int sid, slast = 0, sft;
      while ((sft = field(t, &sid, &slast)) != 0) {
        if (sid == 1 && sft == T_I32) h->values = i32(t);
        else if (id == 5 && sid == 2 && sft == T_I32) h->encoding = i32(t);
        else if (id == 5 && sid == 3 && sft == T_I32) h->level_encoding = i32(t);
        else if (id == 7 && sid == 2 && sft == T_I32) h->encoding = i32(t);
        else if (id == 8 && sid == 2 && sft == T_I32) h->nulls = i32(t);
        else if (id == 8 && sid == 4 && sft == T_I32) h->encoding = i32(t);
        else if (id == 8 && sid == 5 && sft == T_I32) h->def_len = i32(t);
        else if (id == 8 && sid == 6 && sft == T_I32) h->rep_len = i32(t);
        else if (id == 8 && sid == 7 && (sft == T_TRUE || sft == T_FALSE)) h->compressed = sft == T_TRUE;
        else skip(t, sft, 2);
      }
    } else skip(t, ft, 1);
  }
  if (t->bad || h->usize < 0 || h->csize < 0 || h->values < 0 || h->def_len < 0 || h->rep_len < 0) return "malformed page header";
  return NULL;
}

/** p[0..len) as the page's uncompressed bytes: itself, or unpacked into the thread's page buffer. */
static const u8 *unpacked(int codec, Buffers *b, const u8 *p, size_t len, size_t want) {
  if (codec == CODEC_NONE) return len == want ? p : NULL;
  if (!grow((void **)&b->page, &b->page_cap, want + SNAPPY_SLACK)) return NULL;
  return snappy(p, len, b->page, want) ? b->page : NULL;
}

/** One column chunk's pages (bytes in the thread's chunk buffer) into rows [row, row + values). */
static const char *read_chunk(Column *c, Buffers *b, const Chunk *ch, size_t row, size_t n, Dictionary *d) {
  const u8 *p = b->chunk, *end = b->chunk + ch->size;
  int64_t seen = 0;
  d->present = 0;
  while (seen < ch->values) {
    Thrift t = {p, end, 0};
    PageHeader h;
    Thrift check = t;
    if (!check_struct(&check, &PAGE_HEADER, 0)) return "a page header parquet-wasm rejects";
    const char *why = read_page_header(&t, &h);
    if (why != NULL) return why;
    p = t.p;
    if (h.csize > end - p) return "a page past its column chunk";
    const u8 *page = p;
    p += h.csize;
    if (h.type == PAGE_INDEX) continue;
    if (h.type == PAGE_DICTIONARY) {
      if (d->present) return "a second dictionary";
      if (h.encoding != ENC_PLAIN && h.encoding != ENC_PLAIN_DICTIONARY) return "a dictionary not PLAIN-encoded";
      const u8 *u = unpacked(ch->codec, b, page, (size_t)h.csize, (size_t)h.usize);
      if (u == NULL) return "a page that does not unpack";
      if ((why = read_dictionary(c, b, u, (size_t)h.usize, (size_t)h.values, d)) != NULL) return why;
      continue;
    }
    if (h.type != PAGE_DATA && h.type != PAGE_DATA_V2) return "an unknown page type";
    const size_t nv = (size_t)h.values;
    if (nv > (size_t)(ch->values - seen)) return "a page past its column chunk's values";
    const size_t at = row + (size_t)seen;
    size_t count = nv;
    const u8 *values;
    size_t vlen;
    if (h.type == PAGE_DATA) {
      const u8 *u = unpacked(ch->codec, b, page, (size_t)h.csize, (size_t)h.usize);
      if (u == NULL) return "a page that does not unpack";
      values = u;
      vlen = (size_t)h.usize;
      if (c->optional) {
        if (h.level_encoding != ENC_RLE) return "definition levels not RLE-encoded";
        uint32_t l;
        if (vlen < 4) return "malformed page";
        memcpy(&l, values, 4);
        if (l > vlen - 4) return "malformed page";
        if ((why = read_levels(c, values + 4, l, at, nv, &count)) != NULL) return why;
        values += 4 + l;
        vlen -= 4 + (size_t)l;
      }
    } else {
      if (h.rep_len != 0) return "repetition levels";
      if ((size_t)h.def_len > (size_t)h.csize || h.def_len > h.usize) return "malformed page";
      if (c->optional) {
        if ((why = read_levels(c, page, (size_t)h.def_len, at, nv, &count)) != NULL) return why;
      } else if (h.def_len != 0) {
        return "malformed page";
      }
      // parquet-wasm reads as many values as the header says are not null (more nulls than values: never).
      if (count != nv - (size_t)h.nulls) return "a page whose levels and header disagree on its nulls";
      const u8 *body = page + h.def_len;
      const size_t blen = (size_t)h.csize - (size_t)h.def_len, want = (size_t)h.usize - (size_t)h.def_len;
      values = h.compressed ? unpacked(ch->codec, b, body, blen, want) : blen == want ? body : NULL;
      if (values == NULL) return "a page that does not unpack";
      vlen = want;
    }
    if ((why = read_values(c, b, h.encoding, values, vlen, count, d, at, nv, n)) != NULL) return why;
    seen += (int64_t)nv;
  }
  // parquet-wasm reads pages to the chunk's end: bytes after the last values are a page it rejects.
  return p == end ? NULL : "bytes after a column chunk's last page";
}

/* ---------- The read: the footer, then the columns and the hash on two threads ---------- */

/** A column chunk to read: row group g's chunk of column k. */
typedef struct {
  int g, k;
} Task;

typedef struct Job {
  char path[4096];
  int fd, threads, hash;
  int64_t size;
  Footer f;
  u8 *meta;
  Column *cols;
  size_t rows;
  int64_t *group_start; // each row group's first row
  /*
   * In file order (`in_order`), a task is a column chunk, in the order of the chunks in the file:
   * each thread reads its chunk, hashes it in its turn (with the bytes between it and the chunk
   * before), then decodes it once its column's row groups before it are decoded. The hash then
   * reads nothing twice, and runs beside the decode of the chunk before. Otherwise a task is a
   * whole column (largest first), and the hash one task of its own that reads the file again.
   */
  int in_order;
  Task *tasks;
  int ntasks;
  int next; // the next task: -1 the hash (when not in order), then tasks[0..ntasks)
  int turn; // in order: the task whose chunk is hashed next
  int64_t hashed_to; // in order: bytes hashed so far
  int *groups_done; // in order: each column's row groups decoded
  EVP_MD_CTX *md;
  int hash_ok;
  pthread_mutex_t mu;
  pthread_cond_t changed;
  const char *gave_up;
  char sha256[65];
  struct stat before;
  napi_deferred deferred;
  napi_async_work work;
} Job;

static const char *stopped(Job *job) { return __atomic_load_n(&job->gave_up, __ATOMIC_ACQUIRE); }

static void give_up(Job *job, const char *why) {
  const char *none = NULL;
  pthread_mutex_lock(&job->mu);
  __atomic_compare_exchange_n(&job->gave_up, &none, why, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
  pthread_cond_broadcast(&job->changed);
  pthread_mutex_unlock(&job->mu);
}

/** Bytes [from, to) of the file into the hash, read in steps through `buf` (the thread's). */
static void hash_range(Job *job, Buffers *b, int64_t from, int64_t to) {
  const size_t step = 1 << 18;
  if (!grow((void **)&b->dense, &b->dense_cap, step)) job->hash_ok = 0;
  for (int64_t at = from; job->hash_ok && at < to && stopped(job) == NULL; at += (int64_t)step) {
    const size_t want = to - at < (int64_t)step ? (size_t)(to - at) : step;
    job->hash_ok = read_fully(job->fd, b->dense, want, at) && EVP_DigestUpdate(job->md, b->dense, want) == 1;
  }
}

/** Every row's text starts on a character: with the whole column UTF-8, so is each value. */
static int text_is_utf8(const Column *c, size_t n) {
  if (!valid_utf8(c->bytes, c->nbytes)) return 0;
  for (size_t r = 0; r < n; r++) {
    const int32_t o = c->offsets[r];
    if ((size_t)o < c->nbytes && (c->bytes[o] & 0xc0) == 0x80) return 0;
  }
  return 1;
}

/** A column's blocks, before its first row group is decoded. */
static const char *start_column(Job *job, int k) {
  Column *c = &job->cols[k];
  const size_t n = job->rows;
  if ((c->valid = zeroed(n)) == NULL) return "out of memory";
  if (!c->optional) memset(c->valid, 1, n);
  void *block;
  switch (c->kind) {
    case KIND_INT:
      block = c->ints = zeroed(n * sizeof(int32_t));
      break;
    case KIND_FLOAT:
      block = c->num = zeroed(n * sizeof(double));
      break;
    case KIND_BOOL:
      block = c->bools = zeroed(n);
      break;
    default:
      block = c->offsets = zeroed((n + 1) * sizeof(int32_t));
  }
  return block == NULL ? "out of memory" : NULL;
}

/** Row group g's chunk of column k (its bytes in the thread's chunk buffer) decoded; the column checked after its last. */
static const char *decode_group(Job *job, Buffers *b, int k, int g) {
  Column *c = &job->cols[k];
  const char *why = g == 0 ? start_column(job, k) : NULL;
  Dictionary d = {0};
  if (why == NULL) why = read_chunk(c, b, &job->f.chunks[g * job->f.nc + k], (size_t)job->group_start[g], job->rows, &d);
  free(d.starts);
  free(d.lens);
  if (why == NULL && g == job->f.groups - 1 && c->kind == KIND_TEXT && !text_is_utf8(c, job->rows)) why = "text that is not UTF-8";
  return why;
}

static const char *read_group_bytes(Job *job, Buffers *b, const Chunk *ch) {
  if (!grow((void **)&b->chunk, &b->chunk_cap, (size_t)ch->size + 1)) return "out of memory";
  return read_fully(job->fd, b->chunk, (size_t)ch->size, ch->offset) ? NULL : "the file is shorter than its footer says";
}

/** In file order: task t's chunk read, hashed in its turn, and decoded after its column's groups before it. */
static void in_order_task(Job *job, Buffers *b, int t) {
  const Task *task = &job->tasks[t];
  const Chunk *ch = &job->f.chunks[task->g * job->f.nc + task->k];
  const char *why = read_group_bytes(job, b, ch);
  pthread_mutex_lock(&job->mu);
  while (job->turn != t && stopped(job) == NULL) pthread_cond_wait(&job->changed, &job->mu);
  pthread_mutex_unlock(&job->mu);
  if (why == NULL && stopped(job) == NULL && job->hash) {
    hash_range(job, b, job->hashed_to, ch->offset);
    if (job->hash_ok) job->hash_ok = EVP_DigestUpdate(job->md, b->chunk, (size_t)ch->size) == 1;
    job->hashed_to = ch->offset + ch->size;
  }
  pthread_mutex_lock(&job->mu);
  job->turn = t + 1;
  pthread_cond_broadcast(&job->changed);
  while (job->groups_done[task->k] != task->g && stopped(job) == NULL) pthread_cond_wait(&job->changed, &job->mu);
  pthread_mutex_unlock(&job->mu);
  if (why == NULL && stopped(job) == NULL) why = decode_group(job, b, task->k, task->g);
  if (why != NULL) give_up(job, why);
  pthread_mutex_lock(&job->mu);
  job->groups_done[task->k] = task->g + 1;
  pthread_cond_broadcast(&job->changed);
  pthread_mutex_unlock(&job->mu);
}

/** A thread's loop: the next task until none is left or the file is given up. */
static void *work(void *arg) {
  Job *job = arg;
  Buffers b = {0};
  for (;;) {
    const int t = __atomic_fetch_add(&job->next, 1, __ATOMIC_RELAXED);
    if (t >= job->ntasks || stopped(job) != NULL) break;
    if (t < 0) {
      hash_range(job, &b, 0, job->size);
    } else if (job->in_order) {
      in_order_task(job, &b, t);
    } else {
      // A whole column, its row groups in order.
      const int k = job->tasks[t].k;
      const char *why = NULL;
      for (int g = 0; g < job->f.groups && why == NULL && stopped(job) == NULL; g++) {
        why = read_group_bytes(job, &b, &job->f.chunks[g * job->f.nc + k]);
        if (why == NULL) why = decode_group(job, &b, k, g);
      }
      if (why != NULL) give_up(job, why);
    }
  }
  free_buffers(&b);
  return NULL;
}

static int by_offset(const void *a, const void *b, void *arg) {
  const Job *job = arg;
  const Task *x = a, *y = b;
  const int64_t ox = job->f.chunks[x->g * job->f.nc + x->k].offset, oy = job->f.chunks[y->g * job->f.nc + y->k].offset;
  return ox < oy ? -1 : ox > oy ? 1 : 0;
}

static int by_cost_desc(const void *a, const void *b, void *arg) {
  const Job *job = arg;
  const int ka = ((const Task *)a)->k, kb = ((const Task *)b)->k;
  const int64_t ca = job->cols[ka].cost, cb = job->cols[kb].cost;
  return ca > cb ? -1 : ca < cb ? 1 : ka - kb;
}

/**
 * The tasks: the column chunks in file order when they lie one after another and each column's
 * row groups come in order (as writers write them); else whole columns, largest first.
 */
static const char *plan_tasks(Job *job) {
  const int nc = job->f.nc, groups = job->f.groups;
  if ((job->tasks = malloc((size_t)nc * (size_t)groups * sizeof(Task))) == NULL || (job->groups_done = calloc((size_t)nc, sizeof(int))) == NULL || (job->group_start = calloc((size_t)groups + 1, sizeof(int64_t))) == NULL) return "out of memory";
  for (int g = 0; g < groups; g++) job->group_start[g + 1] = job->group_start[g] + job->f.group_rows[g];
  for (int g = 0; g < groups; g++)
    for (int k = 0; k < nc; k++) job->tasks[g * nc + k] = (Task){g, k};
  job->ntasks = nc * groups;
  qsort_r(job->tasks, (size_t)job->ntasks, sizeof(Task), by_offset, job);
  job->in_order = 1;
  int64_t end = 4; // after the magic bytes
  for (int t = 0; t < job->ntasks && job->in_order; t++) {
    const Task *task = &job->tasks[t];
    const Chunk *ch = &job->f.chunks[task->g * nc + task->k];
    if (ch->offset < end || job->groups_done[task->k] != task->g) job->in_order = 0;
    job->groups_done[task->k] = task->g + 1;
    end = ch->offset + ch->size;
  }
  memset(job->groups_done, 0, (size_t)nc * sizeof(int));
  if (!job->in_order) {
    for (int k = 0; k < nc; k++) job->tasks[k] = (Task){0, k};
    job->ntasks = nc;
    qsort_r(job->tasks, (size_t)nc, sizeof(Task), by_cost_desc, job);
  }
  return NULL;
}

static const char *read_file(Job *job) {
  job->fd = open(job->path, O_RDONLY | O_CLOEXEC);
  if (job->fd < 0) return "the file cannot be opened";
  if (fstat(job->fd, &job->before) != 0) return "the file cannot be read";
  job->size = job->before.st_size;
  u8 tail[8], head[4];
  if (job->size < 12 || !read_fully(job->fd, head, 4, 0) || !read_fully(job->fd, tail, 8, job->size - 8)) return "too short for Parquet";
  if (memcmp(head, "PAR1", 4) != 0 || memcmp(tail + 4, "PAR1", 4) != 0) return "no Parquet magic bytes";
  uint32_t len;
  memcpy(&len, tail, 4);
  if ((int64_t)len > job->size - 12) return "a footer longer than the file";
  if ((job->meta = malloc(len > 0 ? len : 1)) == NULL) return "out of memory";
  if (!read_fully(job->fd, job->meta, len, job->size - 8 - len)) return "the footer cannot be read";
  Thrift check = {job->meta, job->meta + len, 0};
  if (!check_struct(&check, &FILE_META, 0)) return "a footer parquet-wasm rejects (a required field missing, a value out of range, text that is not UTF-8)";
  const char *why = read_footer(job->meta, len, job->size - 8 - (int64_t)len, &job->f, &job->cols);
  if (why == NULL) why = plan_tasks(job);
  if (why != NULL) return why;
  job->rows = (size_t)job->f.rows;
  if (job->hash) {
    job->md = EVP_MD_CTX_new();
    job->hash_ok = job->md != NULL && EVP_DigestInit_ex(job->md, EVP_sha256(), NULL) == 1;
  }
  // Not in order, the hash is the first task, taken by the first thread.
  job->next = job->hash && !job->in_order ? -1 : 0;
  pthread_t other;
  const int two = job->threads == 2 && job->size >= (1 << 20) && (job->ntasks > 1 || job->hash) && pthread_create(&other, NULL, work, job) == 0;
  work(job);
  if (two) pthread_join(other, NULL);
  if (job->gave_up != NULL) return job->gave_up;
  if (job->hash) {
    Buffers b = {0};
    if (job->in_order) hash_range(job, &b, job->hashed_to, job->size);
    free_buffers(&b);
    if (job->hash_ok) sha256_hex(job->md, job->sha256);
  }
  // The file changed while it was read: the columns may not be the bytes hashed.
  struct stat after;
  if (fstat(job->fd, &after) != 0 || after.st_size != job->before.st_size || after.st_mtim.tv_sec != job->before.st_mtim.tv_sec || after.st_mtim.tv_nsec != job->before.st_mtim.tv_nsec || after.st_ino != job->before.st_ino) return "the file changed while it was read";
  return NULL;
}

static void run_job(napi_env env, void *data) {
  (void)env;
  Job *job = data;
  job->fd = -1;
  const char *why = read_file(job);
  if (why != NULL) job->gave_up = why;
  if (job->fd >= 0) close(job->fd);
}

static void free_column(Column *c, size_t n) {
  block_free(c->valid, n);
  block_free(c->ints, n * sizeof(int32_t));
  block_free(c->num, n * sizeof(double));
  block_free(c->bools, n);
  block_free(c->offsets, (n + 1) * sizeof(int32_t));
  block_free(c->bytes, c->bcap);
  memset(c, 0, sizeof *c);
}

static void free_job(Job *job) {
  if (job->cols != NULL)
    for (int k = 0; k < job->f.nc; k++) free_column(&job->cols[k], job->rows);
  free(job->cols);
  free(job->tasks);
  free(job->groups_done);
  free(job->group_start);
  if (job->md != NULL) EVP_MD_CTX_free(job->md);
  pthread_mutex_destroy(&job->mu);
  pthread_cond_destroy(&job->changed);
  free(job->meta);
  free(job->f.chunks);
  free(job->f.group_rows);
  free(job);
}

/**
 * Column k's outputs as { name, kind, source, bits, values, valid, nulls } or { name, kind,
 * source, bits, offsets, bytes, valid, nulls }: `source` how its values were read (SRC_*), `bits`
 * an integer column's width.
 */
static napi_value column_value(napi_env env, Job *job, int k) {
  Column *c = &job->cols[k];
  const size_t n = job->rows;
  napi_value col, v;
  napi_create_object(env, &col);
  if (napi_create_string_utf8(env, (const char *)c->name, c->name_len, &v) != napi_ok) return NULL;
  napi_set_named_property(env, col, "name", v);
  napi_create_int32(env, c->kind, &v);
  napi_set_named_property(env, col, "kind", v);
  napi_create_int32(env, c->src, &v);
  napi_set_named_property(env, col, "source", v);
  napi_create_int32(env, c->int_bits, &v);
  napi_set_named_property(env, col, "bits", v);
  if (c->kind == KIND_INT) v = owned(env, (void **)&c->ints, free_block, n * sizeof(int32_t), n * sizeof(int32_t), napi_int32_array, n);
  else if (c->kind == KIND_FLOAT) v = owned(env, (void **)&c->num, free_block, n * sizeof(double), n * sizeof(double), napi_float64_array, n);
  else if (c->kind == KIND_BOOL) v = owned(env, (void **)&c->bools, free_block, n, n, napi_uint8_array, n);
  else {
    if ((v = owned(env, (void **)&c->offsets, free_block, (n + 1) * sizeof(int32_t), (n + 1) * sizeof(int32_t), napi_int32_array, n + 1)) == NULL) return NULL;
    napi_set_named_property(env, col, "offsets", v);
    v = owned(env, (void **)&c->bytes, free_block, c->bcap, c->nbytes, napi_uint8_array, c->nbytes);
    if (v != NULL) c->bcap = 0;
    napi_set_named_property(env, col, "bytes", v);
  }
  if (v == NULL) return NULL;
  if (c->kind != KIND_TEXT) napi_set_named_property(env, col, "values", v);
  if (!set_bitmap(env, col, c->valid, n, c->nulls)) return NULL;
  if ((v = owned(env, (void **)&c->valid, free_block, n, n, napi_uint8_array, n)) == NULL) return NULL;
  napi_set_named_property(env, col, "valid", v);
  napi_create_double(env, (double)c->nulls, &v);
  napi_set_named_property(env, col, "nulls", v);
  return col;
}

static void finish_job(napi_env env, napi_status status, void *data) {
  Job *job = data;
  napi_value result, columns = NULL, v;
  napi_create_object(env, &result);
  const char *gave_up = status != napi_ok ? "the read was cancelled" : job->gave_up;
  if (gave_up == NULL) {
    napi_create_array_with_length(env, (size_t)job->f.nc, &columns);
    for (int k = 0; k < job->f.nc && gave_up == NULL; k++) {
      napi_value col = column_value(env, job, k);
      if (col == NULL) gave_up = "out of memory";
      else napi_set_element(env, columns, (uint32_t)k, col);
    }
  }
  if (gave_up != NULL) {
    napi_set_named_property(env, result, "gaveUp", str(env, gave_up));
  } else {
    napi_create_double(env, (double)job->rows, &v);
    napi_set_named_property(env, result, "rows", v);
    napi_set_named_property(env, result, "columns", columns);
    if (job->sha256[0] != 0) {
      napi_create_string_latin1(env, job->sha256, 64, &v);
      napi_set_named_property(env, result, "sha256", v);
    }
    if (job->f.arrow_schema != NULL) {
      napi_create_string_latin1(env, (const char *)job->f.arrow_schema, job->f.arrow_schema_len, &v);
      napi_set_named_property(env, result, "arrowSchema", v);
    }
  }
  napi_resolve_deferred(env, job->deferred, result);
  napi_delete_async_work(env, job->work);
  free_job(job);
}

static napi_value throw_error(napi_env env, const char *message) {
  napi_throw_error(env, "HOKUSAI_PARQUET_NATIVE", message);
  return NULL;
}

/**
 * read(path, threads, hash): a promise of { rows, columns, sha256?, arrowSchema? } (see
 * column_value; kind 0 int, 1 float, 2 bool, 3 text) or { gaveUp: reason }. The decode runs off
 * the JavaScript thread, on two threads when `threads` is 2; with `hash` (and `hashes` exported
 * true), `sha256` is the file's SHA-256 (hex), missing if the hash failed. Throws only for
 * arguments out of range.
 */
static napi_value read_parquet(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 3) return throw_error(env, "read takes 3 arguments");
  Job *job = calloc(1, sizeof(Job));
  if (job == NULL) return throw_error(env, "out of memory");
  size_t path_len;
  const int ok = napi_get_value_string_utf8(env, argv[0], job->path, sizeof job->path, &path_len) == napi_ok && path_len < sizeof job->path - 1 && napi_get_value_int32(env, argv[1], &job->threads) == napi_ok && napi_get_value_int32(env, argv[2], &job->hash) == napi_ok;
  if (!ok || job->threads < 1 || job->threads > 2) {
    free(job);
    return throw_error(env, "read's arguments are not a path and numbers in range");
  }
  job->hash = job->hash != 0 && can_hash();
  pthread_mutex_init(&job->mu, NULL);
  pthread_cond_init(&job->changed, NULL);
  napi_value promise = queue_read(env, "hokusai:parquet-read", run_job, finish_job, job, &job->deferred, &job->work);
  if (promise == NULL) {
    free(job);
    return throw_error(env, "could not start the read");
  }
  return promise;
}

NAPI_MODULE_INIT() {
  napi_value fn, hashes;
  if (napi_create_function(env, "read", NAPI_AUTO_LENGTH, read_parquet, NULL, &fn) != napi_ok || napi_set_named_property(env, exports, "read", fn) != napi_ok) return NULL;
  if (napi_get_boolean(env, can_hash(), &hashes) != napi_ok || napi_set_named_property(env, exports, "hashes", hashes) != napi_ok) return NULL;
  return exports;
}
