// The structs of the Parquet format's Thrift definition, as parquet-wasm's decoder requires them
// (see native/parquet-read.c): a footer or page header they do not describe is given up.
#ifndef HOKUSAI_PARQUET_THRIFT_CHECKS_H
#define HOKUSAI_PARQUET_THRIFT_CHECKS_H
#include "shared.h" // valid_utf8
#include "thrift-compact.h"

/*
 * The footer and each page header are checked against the Parquet format's structs before they
 * are read: a required field missing, a field of the wrong type, an enum value out of range, a
 * string that is not UTF-8, an int out of its width. parquet-wasm rejects such a file; so must
 * this reader (it gives the file up), also where the damage is in a field it does not use.
 * Unknown field ids are skipped, as Thrift readers do.
 */
// V_SIZE, V_COUNT: an i32, an i64 that may not be negative (a size, a count, an offset).
enum { V_BOOL = 1, V_I8, V_I16, V_I32, V_I64, V_DOUBLE, V_BINARY, V_STRING, V_ENUM, V_ENCODING, V_STRUCT, V_LIST, V_SIZE, V_COUNT };

typedef struct Spec Spec;
typedef struct {
  u8 id, required, value; // value: V_*
  u8 elem; // a list's elements: V_*
  signed char lo, hi; // V_ENUM's range
  const Spec *sub; // V_STRUCT's (or a list of structs')
} FieldSpec;
struct Spec {
  const FieldSpec *fields;
  int n;
  int is_union; // exactly one field
  int closed; // no field at all (an empty struct: parquet-wasm rejects one that has fields)
};

#define F(id, req, v) {id, req, v, 0, 0, 0, NULL}
#define FE(id, req, lo, hi) {id, req, V_ENUM, 0, lo, hi, NULL}
#define FS(id, req, spec) {id, req, V_STRUCT, 0, 0, 0, &spec}
#define FL(id, req, elem) {id, req, V_LIST, elem, 0, 0, NULL}
#define FLS(id, req, spec) {id, req, V_LIST, V_STRUCT, 0, 0, &spec}
#define STRUCT(name, union_, ...) \
  static const FieldSpec name##_FIELDS[] = {__VA_ARGS__}; \
  static const Spec name = {name##_FIELDS, (int)(sizeof name##_FIELDS / sizeof *name##_FIELDS), union_, 0}

static const Spec EMPTY = {NULL, 0, 0, 1};
STRUCT(TIME_UNIT, 1, FS(1, 0, EMPTY), FS(2, 0, EMPTY), FS(3, 0, EMPTY));
STRUCT(DECIMAL_TYPE, 0, F(1, 1, V_I32), F(2, 1, V_I32));
STRUCT(TIME_TYPE, 0, F(1, 1, V_BOOL), FS(2, 1, TIME_UNIT));
STRUCT(INT_TYPE, 0, F(1, 1, V_I8), F(2, 1, V_BOOL));
STRUCT(VARIANT_TYPE, 0, F(1, 0, V_I8));
STRUCT(GEOMETRY_TYPE, 0, F(1, 0, V_STRING));
STRUCT(GEOGRAPHY_TYPE, 0, F(1, 0, V_STRING), FE(2, 0, 0, 4));
STRUCT(LOGICAL_TYPE, 1, FS(1, 0, EMPTY), FS(2, 0, EMPTY), FS(3, 0, EMPTY), FS(4, 0, EMPTY), FS(5, 0, DECIMAL_TYPE), FS(6, 0, EMPTY), FS(7, 0, TIME_TYPE), FS(8, 0, TIME_TYPE), FS(10, 0, INT_TYPE), FS(11, 0, EMPTY), FS(12, 0, EMPTY), FS(13, 0, EMPTY), FS(14, 0, EMPTY), FS(15, 0, EMPTY), FS(16, 0, VARIANT_TYPE), FS(17, 0, GEOMETRY_TYPE), FS(18, 0, GEOGRAPHY_TYPE));
STRUCT(SCHEMA_ELEMENT, 0, FE(1, 0, 0, 7), F(2, 0, V_I32), FE(3, 0, 0, 2), F(4, 1, V_STRING), F(5, 0, V_I32), FE(6, 0, 0, 21), F(7, 0, V_I32), F(8, 0, V_I32), F(9, 0, V_I32), FS(10, 0, LOGICAL_TYPE));
STRUCT(KEY_VALUE, 0, F(1, 1, V_STRING), F(2, 0, V_STRING));
STRUCT(STATISTICS, 0, F(1, 0, V_BINARY), F(2, 0, V_BINARY), F(3, 0, V_COUNT), F(4, 0, V_COUNT), F(5, 0, V_BINARY), F(6, 0, V_BINARY), F(7, 0, V_BOOL), F(8, 0, V_BOOL));
STRUCT(PAGE_ENCODING_STATS, 0, FE(1, 1, 0, 3), {2, 1, V_ENCODING, 0, 0, 0, NULL}, F(3, 1, V_I32));
STRUCT(SIZE_STATISTICS, 0, F(1, 0, V_I64), FL(2, 0, V_I64), FL(3, 0, V_I64));
STRUCT(BOUNDING_BOX, 0, F(1, 1, V_DOUBLE), F(2, 1, V_DOUBLE), F(3, 1, V_DOUBLE), F(4, 1, V_DOUBLE), F(5, 0, V_DOUBLE), F(6, 0, V_DOUBLE), F(7, 0, V_DOUBLE), F(8, 0, V_DOUBLE));
STRUCT(GEOSPATIAL_STATISTICS, 0, FS(1, 0, BOUNDING_BOX), FL(2, 0, V_I32));
STRUCT(COLUMN_META, 0, FE(1, 1, 0, 7), FL(2, 1, V_ENCODING), FL(3, 1, V_STRING), FE(4, 1, 0, 7), F(5, 1, V_COUNT), F(6, 1, V_COUNT), F(7, 1, V_COUNT), FLS(8, 0, KEY_VALUE), F(9, 1, V_COUNT), F(10, 0, V_COUNT), F(11, 0, V_COUNT), FS(12, 0, STATISTICS), FLS(13, 0, PAGE_ENCODING_STATS), F(14, 0, V_I64), F(15, 0, V_I32), FS(16, 0, SIZE_STATISTICS), FS(17, 0, GEOSPATIAL_STATISTICS));
STRUCT(COLUMN_CHUNK, 0, F(1, 0, V_STRING), F(2, 1, V_I64), FS(3, 0, COLUMN_META), F(4, 0, V_I64), F(5, 0, V_I32), F(6, 0, V_I64), F(7, 0, V_I32));
STRUCT(SORTING_COLUMN, 0, F(1, 1, V_I32), F(2, 1, V_BOOL), F(3, 1, V_BOOL));
STRUCT(ROW_GROUP, 0, FLS(1, 1, COLUMN_CHUNK), F(2, 1, V_COUNT), F(3, 1, V_COUNT), FLS(4, 0, SORTING_COLUMN), F(5, 0, V_I64), F(6, 0, V_I64), F(7, 0, V_I16));
STRUCT(COLUMN_ORDER, 1, FS(1, 0, EMPTY));
STRUCT(FILE_META, 0, F(1, 1, V_I32), FLS(2, 1, SCHEMA_ELEMENT), F(3, 1, V_COUNT), FLS(4, 1, ROW_GROUP), FLS(5, 0, KEY_VALUE), F(6, 0, V_STRING), FLS(7, 0, COLUMN_ORDER), F(9, 0, V_BINARY));
STRUCT(DATA_PAGE_HEADER, 0, F(1, 1, V_SIZE), {2, 1, V_ENCODING, 0, 0, 0, NULL}, {3, 1, V_ENCODING, 0, 0, 0, NULL}, {4, 1, V_ENCODING, 0, 0, 0, NULL}, FS(5, 0, STATISTICS));
STRUCT(DICTIONARY_PAGE_HEADER, 0, F(1, 1, V_SIZE), {2, 1, V_ENCODING, 0, 0, 0, NULL}, F(3, 0, V_BOOL));
STRUCT(DATA_PAGE_HEADER_V2, 0, F(1, 1, V_SIZE), F(2, 1, V_SIZE), F(3, 1, V_SIZE), {4, 1, V_ENCODING, 0, 0, 0, NULL}, F(5, 1, V_SIZE), F(6, 1, V_SIZE), F(7, 0, V_BOOL), FS(8, 0, STATISTICS));
STRUCT(PAGE_HEADER, 0, FE(1, 1, 0, 3), F(2, 1, V_SIZE), F(3, 1, V_SIZE), F(4, 0, V_I32), FS(5, 0, DATA_PAGE_HEADER), FS(6, 0, EMPTY), FS(7, 0, DICTIONARY_PAGE_HEADER), FS(8, 0, DATA_PAGE_HEADER_V2));

static int check_struct(Thrift *t, const Spec *s, int depth);

/** One value of wire type `wire` as `f` describes it (`value`: f->value, or f->elem for a list's elements). */
static int check_value(Thrift *t, int wire, int value, const FieldSpec *f, int depth) {
  int64_t v;
  size_t n;
  switch (value) {
    case V_BOOL:
      return wire == T_TRUE || wire == T_FALSE;
    case V_I8:
      if (wire != T_BYTE || t->p >= t->end) return 0;
      t->p++;
      return 1;
    case V_I16:
      if (wire != T_I16) return 0;
      v = zigzag(t);
      return !t->bad && v >= INT16_MIN && v <= INT16_MAX;
    case V_I32:
    case V_ENUM:
    case V_ENCODING:
    case V_SIZE:
      if (wire != T_I32) return 0;
      v = zigzag(t);
      if (t->bad || v < (value == V_SIZE ? 0 : INT32_MIN) || v > INT32_MAX) return 0;
      if (value == V_ENUM) return v >= f->lo && v <= f->hi;
      if (value == V_ENCODING) return v == 0 || (v >= 2 && v <= 9); // 1 was never an encoding
      return 1;
    case V_I64:
    case V_COUNT:
      if (wire != T_I64) return 0;
      v = zigzag(t);
      return !t->bad && (value == V_I64 || v >= 0);
    case V_DOUBLE:
      if (wire != T_DOUBLE || t->end - t->p < 8) return 0;
      t->p += 8;
      return 1;
    case V_BINARY:
    case V_STRING: {
      if (wire != T_BINARY) return 0;
      const u8 *s = binary(t, &n);
      return s != NULL && (value == V_BINARY || valid_utf8(s, n));
    }
    case V_STRUCT:
      return wire == T_STRUCT && check_struct(t, f->sub, depth + 1);
    case V_LIST: {
      int et;
      if (wire != T_LIST) return 0;
      const int64_t count = list_begin(t, &et);
      for (int64_t i = 0; i < count && !t->bad; i++)
        if (!check_value(t, et, f->elem, f, depth + 1)) return 0;
      return !t->bad;
    }
    default:
      return 0;
  }
}

static int check_struct(Thrift *t, const Spec *s, int depth) {
  if (depth > 16) return 0;
  uint64_t seen = 0;
  int id, last = 0, ft, fields = 0;
  while ((ft = field(t, &id, &last)) != 0) {
    fields++;
    int k = 0;
    while (k < s->n && s->fields[k].id != id) k++;
    if (k == s->n) {
      if (s->closed) return 0;
      skip(t, ft, depth);
      if (t->bad) return 0;
      continue;
    }
    if (!check_value(t, ft, s->fields[k].value, &s->fields[k], depth)) return 0;
    seen |= 1ull << k;
  }
  if (t->bad) return 0;
  for (int k = 0; k < s->n; k++)
    if (s->fields[k].required && (seen & (1ull << k)) == 0) return 0;
  return !s->is_union || fields == 1;
}
#endif
