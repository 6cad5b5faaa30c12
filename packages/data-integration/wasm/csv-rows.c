// The CSV reader's plain-row scanner in WebAssembly (see src/csv-wasm-rows.ts): splits plain rows
// of a buffer into fields, a block of rows at a time, column by column into its outputs: the
// plain numbers of the numeric columns parsed, text copied out, repeated text looked up in its
// column's string table. It decides nothing the JavaScript code (csv-fast-rows.ts, ColumnBuilder)
// would decide differently: a numeric field in another form comes back by its bounds for
// JavaScript to parse, and the scan stops at the first row that is not plain (a quote, a lone CR,
// the wrong number of fields, a row cut by the buffer's end), leaving it to JavaScript.
//
// Built with `node scripts/csv-wasm.mjs` (clang 14, wasm32, no libc); the output is embedded in
// src/csv-wasm-bytes.ts and a test checks that it is what this source compiles to.

#ifdef CSV_ROWS_NATIVE
#include "simd-sse.h"
#define EXPORT(name)
/** Natively the number parser goes inline into the row loop, which then overlaps its divide with the next field. */
#define NATIVE_INLINE __attribute__((always_inline)) inline
#else
#define NATIVE_INLINE
#include <wasm_simd128.h>
#define EXPORT(name) __attribute__((export_name(name)))
#endif

typedef unsigned char u8;
typedef unsigned int u32;
typedef unsigned long long u64;

enum { KIND_ANY = 0, KIND_NUMBER = 1, KIND_TEXT = 2, KIND_INTERNED = 3 };
enum { STOP_END = 0, STOP_FULL = 1, STOP_ROW = 2 };

#define LF 10
#define CR 13
#define QUOTE 34

/** The powers of ten a double holds exactly. */
static const double POW10[23] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

#ifndef CSV_ROWS_NATIVE
extern u8 __heap_base;

/** Where memory free for the caller starts. */
EXPORT("heap_base") u32 heap_base(void) { return (u32)&__heap_base; }
#endif

/**
 * The offset of the first delimiter, LF, CR or quote at or after j, 16 bytes at a time: the LF
 * sentinel at the buffer's end stops it, and the memory after the sentinel is readable.
 */
static int field_end(const u8 *b, int j, v128_t vd) {
  const v128_t vlf = wasm_i8x16_splat(LF);
  const v128_t vcr = wasm_i8x16_splat(CR);
  const v128_t vq = wasm_i8x16_splat(QUOTE);
  for (;;) {
    const v128_t x = wasm_v128_load(b + j);
    const v128_t m = wasm_v128_or(wasm_v128_or(wasm_i8x16_eq(x, vd), wasm_i8x16_eq(x, vlf)), wasm_v128_or(wasm_i8x16_eq(x, vcr), wasm_i8x16_eq(x, vq)));
    const u32 bits = wasm_i8x16_bitmask(m);
    if (bits != 0) return j + __builtin_ctz(bits);
    j += 16;
  }
}

/** Whether buf[s..e) is a null token ("", NA, N/A, null, NULL), as isNullTokenBytes decides. */
static int null_token(const u8 *b, int s, int e) {
  switch (e - s) {
    case 0:
      return 1;
    case 2:
      return b[s] == 'N' && b[s + 1] == 'A';
    case 3:
      return b[s] == 'N' && b[s + 1] == '/' && b[s + 2] == 'A';
    case 4:
      return (b[s] == 'n' && b[s + 1] == 'u' && b[s + 2] == 'l' && b[s + 3] == 'l') || (b[s] == 'N' && b[s + 1] == 'U' && b[s + 2] == 'L' && b[s + 3] == 'L');
    default:
      return 0;
  }
}

/**
 * A number with an exponent: buf[j] is the e or E after its digits, signed_mant the integer of
 * those digits (at most 15) and frac how many followed the dot. 1 with *value =
 * signed_mant * 10^(exp - frac) and *at its end; -1 when the exponent is not e[+-]d{1,3} ending
 * the field, or the power is past 10^22 (where parseNumberBytes' exact path ends too). Out of line:
 * the common number has none.
 */
__attribute__((noinline)) static int with_exponent(const u8 *buf, int j, u8 delim, long long signed_mant, int frac, int *at, double *value) {
  u8 c = buf[++j];
  const int neg = c == '-';
  if (c == '-' || c == '+') c = buf[++j];
  const int es = j;
  int exp = 0;
  for (u32 d = (u32)c - '0'; d < 10 && j - es < 3; d = (u32)buf[++j] - '0') exp = exp * 10 + (int)d;
  if (j == es) return -1;
  c = buf[j];
  if (c != delim && c != LF && c != CR) return -1;
  const int scale = (neg ? -exp : exp) - frac;
  if (scale < -22 || scale > 22) return -1;
  // Both exact, so one IEEE multiply or divide gives the correctly rounded double, as in JavaScript.
  *value = scale >= 0 ? (double)signed_mant * POW10[scale] : (double)signed_mant / POW10[-scale];
  *at = j;
  return 1;
}

/**
 * Both number parsers' end: buf[j] follows the digits of the integer signed_mant (at most 15,
 * frac of them after the dot). An exponent goes out of line; otherwise the field must end there.
 * Inlined into each parser, so the common number pays no call.
 */
__attribute__((always_inline)) static inline int number_end(const u8 *buf, int j, u8 delim, long long signed_mant, int frac, int *at, double *value, int *is_int) {
  const u8 c = buf[j];
  if (c == 'e' || c == 'E') {
    *is_int = 0;
    return with_exponent(buf, j, delim, signed_mant, frac, at, value);
  }
  if (c != delim && c != LF && c != CR) return -1;
#ifdef CSV_ROWS_NATIVE
  // An integer is divided by 10^0 = 1 in WebAssembly (the same double): natively the divide is
  // what a number's parse waits for most, so it is left out.
  *value = frac == 0 ? (double)signed_mant : (double)signed_mant / POW10[frac];
#else
  *value = (double)signed_mant / POW10[frac];
#endif
  *is_int = frac == 0;
  *at = j;
  return 1;
}

/**
 * Parses the plain number at *at (-?d+ or -?d+.d+, at most 15 digits, then perhaps an exponent of
 * up to 3 digits, ending at the delimiter or the row's end) into *value, *is_int telling whether
 * it had neither fraction nor exponent: 1, and *at is its end; 0 for an empty field; -1 for any
 * other text. The sign goes on the integer before the scaling, so -0 comes out as 0 (as the
 * JavaScript parser folds it); scaling an integer by 10^0 = 1 is exact.
 */
static int plain_number(const u8 *buf, int *at, u8 delim, double *value, int *is_int) {
  int j = *at;
  u8 c = buf[j];
  if (c == delim || c == LF || c == CR) return 0;
  const int neg = c == '-';
  if (neg) j++;
  const int ds = j;
  u64 mant = 0;
  u32 d = (u32)buf[j] - '0';
  while (d < 10) {
    mant = mant * 10 + d;
    d = (u32)buf[++j] - '0';
  }
  const int int_digits = j - ds;
  if (int_digits == 0 || (int_digits > 1 && buf[ds] == '0')) return -1;
  int frac = 0;
  if (buf[j] == '.') {
    const int fstart = ++j;
    d = (u32)buf[j] - '0';
    while (d < 10) {
      mant = mant * 10 + d;
      d = (u32)buf[++j] - '0';
    }
    frac = j - fstart;
    if (frac == 0) return -1;
  }
  if (int_digits + frac > 15) return -1;
  return number_end(buf, j, delim, neg ? -(long long)mant : (long long)mant, frac, at, value, is_int);
}

/**
 * plain_number, the same answers, for a number whose digits end within the 16 bytes after its
 * sign: digits found by one vector compare and summed by lanes instead of one byte after another,
 * and no branch waits for the division. -2 for a number it leaves to plain_number.
 */
static NATIVE_INLINE int plain_number_16(const u8 *buf, int *at, u8 delim, double *value, int *is_int) {
  int j = *at;
  u8 c = buf[j];
  if (c == delim || c == LF || c == CR) return 0;
  const int neg = c == '-';
  j += neg;
  const v128_t d = wasm_i8x16_sub(wasm_v128_load(buf + j), wasm_i8x16_splat('0'));
  const u32 is_digit = wasm_i8x16_bitmask(wasm_u8x16_lt(d, wasm_i8x16_splat(10)));
  const int int_digits = __builtin_ctz(~is_digit);
  if (int_digits >= 15) return -2;
  if (int_digits == 0 || (int_digits > 1 && buf[j] == '0')) return -1;
  int frac = 0;
  int len = int_digits;
  if (buf[j + int_digits] == '.') {
    // Bits past the 16th read as non-digits: a fraction reaching the end of the window makes len 16.
    frac = __builtin_ctz(~(is_digit >> (int_digits + 1)));
    if (frac == 0) return -1;
    len = int_digits + 1 + frac;
  }
  // Ending within the window, it has at most 14 digits: no need to count them against 15.
  if (len >= 16) return -2;
  const int digits = int_digits + frac;
  // The digits right-aligned in 16 lanes, the dot left out: lane i takes digit t = i - (16 - digits)
  // from byte t, or t + 1 past the dot; lanes before the first digit take index 0x80 and so 0.
  const v128_t lane = wasm_i8x16_make(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  const v128_t t = wasm_i8x16_sub(lane, wasm_i8x16_splat((char)(16 - digits)));
  const v128_t past_dot = wasm_v128_and(wasm_i8x16_ge(t, wasm_i8x16_splat((char)int_digits)), wasm_i8x16_splat(1));
  const v128_t from = wasm_v128_or(wasm_i8x16_add(t, past_dot), wasm_i8x16_lt(t, wasm_i8x16_splat(0)));
  const v128_t aligned = wasm_i8x16_swizzle(d, from);
  // Pairs of digits (10 a + b) in 8 lanes, then fours (100 ab + cd) in 4 lanes of 0..9999.
  const v128_t pairs = wasm_i16x8_add(wasm_i16x8_mul(wasm_v128_and(aligned, wasm_i16x8_splat(0xff)), wasm_i16x8_splat(10)), wasm_u16x8_shr(aligned, 8));
  const v128_t fours = wasm_i32x4_dot_i16x8(pairs, wasm_i16x8_make(100, 1, 100, 1, 100, 1, 100, 1));
  const u64 high = (u64)wasm_i32x4_extract_lane(fours, 0) * 10000 + (u64)wasm_i32x4_extract_lane(fours, 1);
  const u64 low = (u64)wasm_i32x4_extract_lane(fours, 2) * 10000 + (u64)wasm_i32x4_extract_lane(fours, 3);
  const u64 mant = high * 100000000ull + low;
  return number_end(buf, j + len, delim, neg ? -(long long)mant : (long long)mant, frac, at, value, is_int);
}

/** not_int[k]'s bits: a value that is not an integer fitting in 32 bits; a field left unparsed. */
#define NOT_INT 1
#define UNPARSED 2

/** A string table's shape: StringInterner's (src/string-interner.ts), which shares it. */
#define SLOTS 4096
#define SLOT_BYTES 64
#define TABLE_BYTES (SLOTS * SLOT_BYTES + SLOTS * 4)

/** StringInterner.slotOf. */
static u32 slot_of(u32 hash, int len) {
  u32 h = hash ^ (u32)len;
  h ^= h >> 15;
  return h & (SLOTS - 1);
}

/**
 * Where a scan writes, set once by the caller (src/csv-wasm-rows.ts). Per column k and row r,
 * at k * max_rows + r:
 *  - every column: the field's bounds fs and fe, but for a KIND_NUMBER column's parsed numbers
 *    only from the block's first field left unparsed on (none is read before it);
 *  - a KIND_NUMBER column: num and valid (1: a plain number, see plain_number, with code 1 when
 *    it had no fraction; 0: an empty field, a null; 2: any other text, left to the caller), and in
 *    not_int[k] the bits NOT_INT (a value not an integer that fits in 32 bits) and UNPARSED;
 *  - a KIND_INTERNED column also the field's FNV-1a hash, and in `code` the slot of its string
 *    table that holds the same bytes, or -1 (table_of[k] >= 0 names the column's table);
 *  - KIND_TEXT and KIND_INTERNED columns: their fields copied to `text` (see copy_text).
 * row_starts[r] is each row's offset. out[0] = rows taken, out[1] = lines passed (rows and blank
 * lines), out[2] = the offset after them, out[3] = why it stopped (STOP_*).
 */
typedef struct {
  int nc;
  int delim;
  int max_rows;
  const u8 *kinds;
  const int *table_of;
  const u8 *tables;
  double *num;
  u8 *valid;
  u8 *not_int;
  int *fs;
  int *fe;
  int *hash;
  int *code;
  int *text_end;
  int *row_starts;
  int *out;
  u8 *text;
  int *text_at;
} Layout;

/** The slot of table t holding buf[s..e), or -1. */
static int find_slot(const u8 *tables, int t, const u8 *buf, int s, int e, u32 h) {
  const int len = e - s;
  if (len > SLOT_BYTES) return -1;
  const u8 *table = tables + (u32)t * TABLE_BYTES;
  const int *lengths = (const int *)(table + SLOTS * SLOT_BYTES);
  const u32 slot = slot_of(h, len);
  if (lengths[slot] != len) return -1;
  const u8 *kept = table + slot * SLOT_BYTES;
  for (int j = 0; j < len; j++)
    if (kept[j] != buf[s + j]) return -1;
  return (int)slot;
}

/**
 * not_int[k] of each KIND_NUMBER column over the rows taken only: the scan sets the flags as it
 * reads the fields, also those of a row it then leaves.
 */
static void number_flags(const Layout *L, int rows) {
  for (int k = 0; k < L->nc; k++) {
    u8 flags = 0;
    if (L->kinds[k] == KIND_NUMBER) {
      for (int idx = k * L->max_rows, last = idx + rows; idx < last; idx++) {
        const u8 v = L->valid[idx];
        if (v == 2) flags |= UNPARSED;
        else if (v == 1 && (L->code[idx] == 0 || L->num[idx] > 2147483647.0 || L->num[idx] < -2147483648.0)) flags |= NOT_INT;
      }
    }
    L->not_int[k] = flags;
  }
}

/**
 * The fields of each KIND_TEXT and KIND_INTERNED column, column after column, copied to `text`
 * (a null token copies nothing and is not valid): the column starts at text_at[k] and
 * text_end[idx] is the offset in `text` after the field. `text` needs as many bytes as the rows
 * scanned, and 16 more.
 */
static void copy_text(const u8 *buf, const Layout *L, int rows) {
  int w = 0;
  for (int k = 0; k < L->nc; k++) {
    if (L->kinds[k] != KIND_TEXT && L->kinds[k] != KIND_INTERNED) continue;
    L->text_at[k] = w;
    for (int idx = k * L->max_rows, last = idx + rows; idx < last; idx++) {
      const int s = L->fs[idx];
      const int e = L->fe[idx];
      if (e - s <= 4 && null_token(buf, s, e)) {
        L->valid[idx] = 0;
      } else {
        L->valid[idx] = 1;
        // 16 bytes at a time: the copy may run past the field (the next one overwrites it).
        for (int j = s; j < e; j += 16) wasm_v128_store(L->text + w + (j - s), wasm_v128_load(buf + j));
        w += e - s;
      }
      L->text_end[idx] = w;
    }
  }
}

/**
 * Scans rows of buf[at..end) (buf[end] must be LF: the sentinel stops every field scan there),
 * at most L->max_rows of them, into the outputs `L` names. Returns the rows taken.
 */
EXPORT("scan_rows") u32 scan_rows(const u8 *buf, int at, int end, const Layout *L) {
  const int nc = L->nc;
  const int max_rows = L->max_rows;
  const u8 delim = (u8)L->delim;
  const u8 *kinds = L->kinds;
  int i = at;
  int r = 0;
  int lines = 0;
  int stop = STOP_FULL;
  const v128_t vd = wasm_i8x16_splat((char)delim);
  for (int k = 0; k < nc; k++) L->not_int[k] = 0;
  while (r < max_rows) {
    if (i >= end) {
      stop = STOP_END;
      break;
    }
    // A blank line is not a row.
    if (buf[i] == LF) {
      lines++;
      i++;
      continue;
    }
    if (buf[i] == CR) {
      if (i + 1 >= end) {
        stop = STOP_END;
        break;
      }
      if (buf[i + 1] != LF) {
        stop = STOP_ROW;
        break;
      }
      lines++;
      i += 2;
      continue;
    }
    int p = i;
    int k = 0;
    int next = -1; // the offset after the row's LF once the row is complete
    for (;;) {
      const int idx = k * max_rows + r;
      int j = p;
      u8 c;
      if (kinds[k] == KIND_NUMBER) {
        int parsed = plain_number_16(buf, &j, delim, &L->num[idx], &L->code[idx]);
        if (parsed == -2) parsed = plain_number(buf, &j, delim, &L->num[idx], &L->code[idx]);
        if (parsed > 0) {
          L->valid[idx] = 1;
          const double v = L->num[idx];
          if (L->code[idx] == 0 || v > 2147483647.0 || v < -2147483648.0) L->not_int[k] |= NOT_INT;
        } else if (parsed == 0) {
          L->num[idx] = 0;
          L->valid[idx] = 0;
        } else {
          // Any other text (an exponent, a null token, a word): the caller parses it as
          // pushBytes does, from its bounds.
          j = field_end(buf, p, vd);
          L->valid[idx] = 2;
          L->not_int[k] |= UNPARSED;
        }
        c = buf[j];
        if (c == QUOTE) break;
        // The caller reads a number's bounds only in a block holding a field it parses itself,
        // and there only from that field on (see csv-fast-rows.ts's numbersOneByOne).
        if (L->valid[idx] != 1 || (L->not_int[k] & UNPARSED) != 0) {
          L->fs[idx] = p;
          L->fe[idx] = j;
        }
      } else {
        if (kinds[k] == KIND_INTERNED) {
          u32 h = 0x811c9dc5u;
          for (c = buf[j]; c != delim && c != LF && c != CR && c != QUOTE; c = buf[++j]) h = (h ^ c) * 0x01000193u;
          L->hash[idx] = (int)h;
          const int t = L->table_of[k];
          L->code[idx] = t >= 0 && j > p ? find_slot(L->tables, t, buf, p, j, h) : -1;
        } else {
          j = field_end(buf, j, vd);
          c = buf[j];
        }
        if (c == QUOTE) break;
        L->fs[idx] = p;
        L->fe[idx] = j;
      }
      k++;
      if (c == delim) {
        if (k == nc) break; // too many fields
        p = j + 1;
        continue;
      }
      if (j >= end) break; // the sentinel: the row is cut by the buffer's end
      if (c == CR) {
        if (j + 1 >= end || buf[j + 1] != LF) break;
        j++;
      }
      if (k == nc) next = j + 1;
      break;
    }
    if (next < 0) {
      // Not a plain row, or cut: the caller reads it.
      int lf = i;
      while (lf < end && buf[lf] != LF) lf++;
      stop = lf >= end ? STOP_END : STOP_ROW;
      break;
    }
    L->row_starts[r++] = i;
    lines++;
    i = next;
  }
  copy_text(buf, L, r);
  // A row left part way may have set flags for fields that are not taken.
  if (stop != STOP_FULL) number_flags(L, r);
  L->out[0] = r;
  L->out[1] = lines;
  L->out[2] = i;
  L->out[3] = stop;
  return (u32)r;
}
