// The CSV reader's native path (see src/csv-native-read.ts): a whole file of plain rows read
// into columns, on one thread or two, by the same field and number parsing as the WebAssembly
// scanner (wasm/csv-rows.c, included). It decides nothing the JavaScript reader would decide
// differently: a file it cannot read exactly as that reader would (a quote, a lone CR, a ragged
// row, a field that is neither a plain number nor a null in a numeric column, a column whose
// first value might be a bool or a date, text that is not UTF-8) is given up, and the JavaScript
// reader reads it and reports what it finds. Node-API only, so one build serves every Node version.
#define _GNU_SOURCE // mremap
#define CSV_ROWS_NATIVE
#include <errno.h>
#include <fcntl.h>
#ifndef CSV_READ_CORE_ONLY
#include <node_api.h>
#endif
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "../wasm/csv-rows.c"
#include "shared.h"

enum { COL_UNKNOWN = 0, COL_NUMBER = 1, COL_TEXT = 2 };

/**
 * A column's rows, shared by the parts: each part writes its own rows in place (the second's
 * start at the first's row count), so joining the parts moves nothing but the second's text.
 * Each block is a reservation of `cap` rows (a mapping whose untouched pages cost nothing), cut
 * down to the rows read at the end; the blocks the column's kind does not use are never touched.
 */
typedef struct {
  u8 *valid;
  int *ints; // numbers while every one is an int32
  double *num; // numbers once one is not
  int *offsets; // a text column's Arrow offsets: row r ends at offsets[r + 1] (within its part's text)
} Store;

/** One column as one part reads it. */
typedef struct {
  int kind;
  int as_double; // this part's numbers went to the store's num (one was not an int32)
  size_t nulls; // null rows in this part
  u8 *bytes; // this part's text, end to end
  size_t nbytes, bcap;
  size_t bhint; // the most text bytes the part can hold (its size)
} Col;

/** One thread's part of the file: the rows of [start, end) (start a row start). */
typedef struct {
  int fd;
  long long start, end;
  int header; // skip the first row (the header)
  int nc;
  u8 delim;
  long long max_row;
  size_t cap; // rows the stores hold
  size_t base; // the part's first row in the stores
  size_t rows;
  Store *store;
  Col *cols;
  // The second part first counts the first part's rows, [count_from, count_to), to learn its base.
  long long count_from, count_to;
  int count_header;
  // The part that hashes the file (the last): its bytes before `start` (or before count_from) come
  // first, then each byte it reads, in order. hash_ok falls to 0 when an update fails.
  EVP_MD_CTX *md;
  int hash_ok;
  const char *gave_up; // why the part cannot be read here, or NULL
} Part;

/** Bytes read at a time: a buffer that stays in the core's cache while its rows are parsed. */
#define CHUNK (1 << 18)
/** At most this many columns (four mappings each, well within the system's limit on mappings). */
#define MAX_COLUMNS 4096
/** Room after a buffer's bytes for the 16-byte loads that may run past them. */
#define SLACK 64


/**
 * A reservation of `bytes` (zeros), or NULL. Not counted against the memory limit: only the
 * pages written are backed, and the rest goes back when the read ends (see cut).
 */
static void *reserve(size_t bytes) {
  void *m = mmap(NULL, page_round(bytes), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  return m == MAP_FAILED ? NULL : m;
}

/** A reservation of `reserved` bytes cut down to its first `bytes` (0: all of it returned). */
static void cut(void *p, size_t reserved, size_t bytes) {
  if (p != NULL && page_round(bytes) < page_round(reserved)) munmap((u8 *)p + page_round(bytes), page_round(reserved) - page_round(bytes));
}

/** A store's block (*slot, a reservation of `reserved` bytes, or NULL) returned; *slot is NULL afterwards. */
static void give_back(void **slot, size_t reserved) {
  cut(*slot, reserved, 0);
  *slot = NULL;
}

#define VALID_BYTES(cap) ((cap) + 1)
#define INTS_BYTES(cap) ((cap) * sizeof(int) + 1)
#define NUM_BYTES(cap) ((cap) * sizeof(double) + 1)
#define OFFSETS_BYTES(cap) (((cap) + 1) * sizeof(int))

/** Every block of `nc` columns' stores of `cap` rows reserved (see Store), or 0. */
static int reserve_stores(Store *s, int nc, size_t cap) {
  for (int k = 0; k < nc; k++) {
    s[k].valid = reserve(VALID_BYTES(cap));
    s[k].ints = reserve(INTS_BYTES(cap));
    s[k].num = reserve(NUM_BYTES(cap));
    s[k].offsets = reserve(OFFSETS_BYTES(cap));
    if (s[k].valid == NULL || s[k].ints == NULL || s[k].num == NULL || s[k].offsets == NULL) return 0;
  }
  return 1;
}

/** Every block the stores still hold, returned. */
static void free_stores(Store *s, int nc, size_t cap) {
  if (s == NULL) return;
  for (int k = 0; k < nc; k++) {
    give_back((void **)&s[k].valid, VALID_BYTES(cap));
    give_back((void **)&s[k].ints, INTS_BYTES(cap));
    give_back((void **)&s[k].num, NUM_BYTES(cap));
    give_back((void **)&s[k].offsets, OFFSETS_BYTES(cap));
  }
  free(s);
}

/** The part's numbers of a column so far, rows [base, row), moved from ints to num. */
static void to_doubles(const Store *s, size_t base, size_t row) {
  for (size_t r = base; r < row; r++) s->num[r] = s->ints[r];
}

/** Stores a number at `row` (valid); a value that is not an int32 moves the part's numbers to num. */
static inline void put_number(const Store *s, Col *c, size_t base, size_t row, double v, int is_int) {
  if (!c->as_double) {
    if (is_int && v <= 2147483647.0 && v >= -2147483648.0) {
      s->ints[row] = (int)v;
    } else {
      to_doubles(s, base, row);
      c->as_double = 1;
      s->num[row] = v;
    }
  } else {
    s->num[row] = v;
  }
  s->valid[row] = 1;
}

/** Appends a text value at `row` (valid), 0 when out of memory or past Arrow's 2 GiB of offsets. */
static int push_text(const Store *s, Col *c, size_t row, const u8 *b, size_t len) {
  if (c->nbytes + len + 16 > c->bcap) {
    size_t cap = c->bcap == 0 ? (c->bhint > (1 << 16) ? c->bhint : 1 << 16) : c->bcap;
    while (cap < c->nbytes + len + 16) cap *= 2;
    // Arrow's offsets are int32: past 2 GiB of one column's text the JavaScript reader decides.
    if (cap > ((size_t)1 << 31)) return 0;
    u8 *bytes = block_resize(c->bytes, c->bcap, cap);
    if (bytes == NULL) return 0;
    c->bytes = bytes;
    c->bcap = cap;
  }
  // 16 bytes at a time, past the field (the next one overwrites them; the room has 16 more).
  for (size_t j = 0; j < len; j += 16) wasm_v128_store(c->bytes + c->nbytes + j, wasm_v128_load(b + j));
  c->nbytes += len;
  s->valid[row] = 1;
  s->offsets[row + 1] = (int)c->nbytes;
  return 1;
}

/**
 * Whether a column's first value, buf[s..e), is text to the JavaScript reader for certain: it
 * starts with a letter or a byte no number, bool, date or NaN/Infinity token starts with, and is
 * not such a token. A column starting with anything else (a number in a form the scanner does
 * not parse, "true", a date) is left to that reader.
 */
static int surely_text(const u8 *b, int s, int e) {
  const u8 c = b[s];
  if ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.' || c == ' ') return 0;
  static const char *const tokens[] = {"true", "True", "TRUE", "false", "False", "FALSE", "NaN", "nan", "NAN", "inf", "Inf", "INF", "Infinity"};
  const int len = e - s;
  for (size_t t = 0; t < sizeof tokens / sizeof *tokens; t++)
    if ((int)strlen(tokens[t]) == len && memcmp(b + s, tokens[t], (size_t)len) == 0) return 0;
  return 1;
}

/**
 * Reads the complete rows of buf[0..n) (each ending in LF; the bytes after n readable) into the
 * stores, from row p->base + p->rows on. Returns the offset after the last row, or -1 with
 * p->gave_up set.
 */
static long long read_rows(Part *p, const u8 *buf, long long n) {
  const int nc = p->nc;
  const u8 delim = p->delim;
  const v128_t vd = wasm_i8x16_splat((char)delim);
  long long i = 0;
  for (;;) {
    const u8 *lfp = memchr(buf + i, LF, (size_t)(n - i));
    if (lfp == NULL) return i;
    const long long lf = lfp - buf;
    if (lf - i > p->max_row) return p->gave_up = "a row longer than the longest allowed", -1;
    long long row_end = lf;
    if (row_end > i && buf[row_end - 1] == CR) row_end--;
    if (row_end == i) {
      // A blank line is not a row.
      i = lf + 1;
      continue;
    }
    if (p->header) {
      p->header = 0;
      i = lf + 1;
      continue;
    }
    const size_t row = p->base + p->rows;
    // Within the stores whatever the count said (see read_parts, which checks it).
    if (row >= p->cap) return p->gave_up = "more rows than the file's size allows", -1;
    int at = (int)i;
    for (int k = 0; k < nc; k++) {
      Col *c = &p->cols[k];
      const Store *s = &p->store[k];
      int j = at;
      if (c->kind == COL_NUMBER) {
        double v;
        int is_int;
        int r = plain_number_16(buf, &j, delim, &v, &is_int);
        if (r == -2) r = plain_number(buf, &j, delim, &v, &is_int);
        if (r > 0) {
          put_number(s, c, p->base, row, v, is_int);
        } else {
          // A null's number is the reservation's zero.
          if (r < 0) {
            j = field_end(buf, at, vd);
            if (!null_token(buf, at, j)) return p->gave_up = "a numeric column holds a value that is not a plain number", -1;
          }
          c->nulls++;
        }
      } else {
        j = field_end(buf, at, vd);
        if (c->kind == COL_TEXT) {
          if (null_token(buf, at, j)) s->offsets[row + 1] = (int)c->nbytes, c->nulls++;
          else if (!push_text(s, c, row, buf + at, (size_t)(j - at))) return p->gave_up = "out of memory", -1;
        } else if (null_token(buf, at, j)) {
          c->nulls++;
        } else {
          // The first value decides the kind; the null rows before are zeros in either store.
          double v;
          int is_int;
          int jj = at;
          const int r = plain_number(buf, &jj, delim, &v, &is_int);
          if (r > 0 && jj == j) {
            c->kind = COL_NUMBER;
            put_number(s, c, p->base, row, v, is_int);
          } else if (surely_text(buf, at, j)) {
            c->kind = COL_TEXT;
            if (!push_text(s, c, row, buf + at, (size_t)(j - at))) return p->gave_up = "out of memory", -1;
          } else {
            return p->gave_up = "a column's first value may not be text", -1;
          }
        }
      }
      const u8 ch = buf[j];
      if (k < nc - 1) {
        if (ch != delim || j >= row_end) return p->gave_up = ch == QUOTE ? "a quoted field" : "a row with fewer fields than the header", -1;
        at = j + 1;
      } else if (j != row_end) {
        return p->gave_up = ch == QUOTE ? "a quoted field" : ch == delim ? "a row with more fields than the header" : "a lone CR", -1;
      }
    }
    p->rows++;
    i = lf + 1;
  }
}

/** Adds bytes to the part's hash, when it hashes. */
static void hash_bytes(Part *p, const u8 *b, size_t n) {
  if (p->md != NULL && p->hash_ok && n > 0 && EVP_DigestUpdate(p->md, b, n) != 1) p->hash_ok = 0;
}

/** Adds the file's bytes [from, to) to the part's hash (the few before its first read), 0 when they cannot be read. */
static int hash_range(Part *p, long long from, long long to) {
  u8 b[16];
  if (p->md == NULL || to <= from) return 1;
  if (to - from > (long long)sizeof b || !read_fully(p->fd, b, to - from, from)) return 0;
  hash_bytes(p, b, (size_t)(to - from));
  return 1;
}

/**
 * The rows read_rows takes from [from, to) (which ends in LF): its lines that are neither empty
 * nor a lone CR, less the header; -1 when the file cannot be read.
 */
static long long count_rows(int fd, long long from, long long to, int header, Part *hashing) {
  enum { BUF = 1 << 18 };
  u8 *buf = malloc(BUF + 16);
  if (buf == NULL) return -1;
  long long lines = 0;
  long long line_start = from; // where the current line began
  u8 before = 0; // the byte before the chunk
  for (long long at = from; at < to; at += BUF) {
    const long long n = to - at < BUF ? to - at : BUF;
    if (!read_fully(fd, buf, n, at)) return free(buf), -1;
    hash_bytes(hashing, buf, (size_t)n);
    for (long long b = 0; b < n; b += 16) {
      u32 bits = n - b >= 16 ? wasm_i8x16_bitmask(wasm_i8x16_eq(wasm_v128_load(buf + b), wasm_i8x16_splat(LF))) : 0;
      if (n - b < 16)
        for (long long t = b; t < n; t++) bits |= (u32)(buf[t] == LF) << (t - b);
      while (bits != 0) {
        const long long lf = at + b + __builtin_ctz(bits);
        bits &= bits - 1;
        const long long len = lf - line_start;
        const u8 prev = lf - 1 >= at ? buf[lf - 1 - at] : before;
        if (len > 1 || (len == 1 && prev != CR)) lines++;
        line_start = lf + 1;
      }
    }
    before = buf[n - 1];
  }
  free(buf);
  return lines > 0 && header ? lines - 1 : lines;
}

/** Reads the part's byte range chunk by chunk; the file's last row may lack its LF. */
static void *read_part(void *arg) {
  Part *p = arg;
  // The hashing part starts with the bytes before its first read: the BOM, if any.
  if (!hash_range(p, 0, p->count_to > p->count_from ? p->count_from : p->start)) {
    p->gave_up = "the file could not be read (or changed while it was read)";
    return NULL;
  }
  if (p->count_to > p->count_from) {
    const long long before = count_rows(p->fd, p->count_from, p->count_to, p->count_header, p);
    if (before < 0) {
      p->gave_up = "the file could not be read (or changed while it was read)";
      return NULL;
    }
    p->base = (size_t)before;
  }
  const size_t buf_bytes = CHUNK + (size_t)p->max_row + 2 + SLACK;
  u8 *buf = block_resize(NULL, 0, buf_bytes);
  if (buf == NULL) {
    p->gave_up = "out of memory";
    return NULL;
  }
  const size_t room = CHUNK + (size_t)p->max_row + 1;
  long long held = 0; // bytes at buf[0..held) carried from the last chunk (an unfinished row)
  long long at = p->start;
  for (;;) {
    // A chunk at a time (the buffer's room past it is for a long row carried over): reading the
    // whole part at once would touch a fresh page for every byte of it.
    long long want = p->end - at < CHUNK ? p->end - at : CHUNK;
    if (want > (long long)room - held) want = (long long)room - held;
    if (!read_fully(p->fd, buf + held, want, at)) {
      p->gave_up = "the file could not be read (or changed while it was read)";
      break;
    }
    hash_bytes(p, buf + held, (size_t)want);
    at += want;
    long long n = held + want;
    const int last = at >= p->end;
    if (last && n > 0 && buf[n - 1] != LF) buf[n++] = LF; // the file's last row, without its LF
    memset(buf + n, 0, SLACK);
    const long long used = read_rows(p, buf, n);
    if (used < 0) break;
    // The rows taken, each byte once (a character cut by the chunk's end is in the rows left).
    if (!valid_utf8(buf, (size_t)used)) {
      p->gave_up = "text that is not UTF-8";
      break;
    }
    held = n - used;
    if (last) {
      if (held != 0) p->gave_up = "an unfinished row";
      break;
    }
    if (held >= (long long)room) {
      p->gave_up = "a row longer than the longest allowed";
      break;
    }
    memmove(buf, buf + used, (size_t)held);
  }
  block_free(buf, buf_bytes);
  return NULL;
}

static void free_cols(Col *cols, int nc) {
  if (cols == NULL) return;
  for (int k = 0; k < nc; k++) block_free(cols[k].bytes, cols[k].bcap);
  free(cols);
}

/**
 * Column k's parts joined into the first part's Col: one kind, its numbers all ints or all
 * doubles, the second part's text after the first's (its offsets moved past it). 0 when out of
 * memory or past Arrow's 2 GiB of text.
 */
static int join_column(Part *part, int parts, const Store *s, int k) {
  Col *a = &part[0].cols[k];
  int as_double = 0;
  for (int t = 0; t < parts; t++) as_double |= part[t].cols[k].as_double;
  if (parts == 2) a->nulls += part[1].cols[k].nulls;
  if (a->kind == COL_NUMBER && as_double) {
    for (int t = 0; t < parts; t++)
      if (!part[t].cols[k].as_double) to_doubles(s, part[t].base, part[t].base + part[t].rows);
    a->as_double = 1;
  }
  if (parts < 2 || a->kind != COL_TEXT) return 1;
  Col *b = &part[1].cols[k];
  if (a->nbytes + b->nbytes > 0x7fffffffu) return 0;
  if (a->nbytes + b->nbytes + 16 > a->bcap) {
    u8 *bytes = block_resize(a->bytes, a->bcap, a->nbytes + b->nbytes + 16);
    if (bytes == NULL) return 0;
    a->bytes = bytes;
    a->bcap = a->nbytes + b->nbytes + 16;
  }
  if (b->nbytes > 0) memcpy(a->bytes + a->nbytes, b->bytes, b->nbytes);
  const int moved = (int)a->nbytes;
  for (size_t r = part[1].base + 1; r <= part[1].base + part[1].rows; r++) s->offsets[r] += moved;
  a->nbytes += b->nbytes;
  return 1;
}

#ifndef CSV_READ_CORE_ONLY
/** Frees a store's block handed to JavaScript: `hint` is its size (see cut). */
static void unmap_block(napi_env env, void *data, void *hint) {
  (void)env;
  munmap(data, page_round((size_t)hint));
}

static napi_value throw_error(napi_env env, const char *message) {
  napi_throw_error(env, "HOKUSAI_CSV_NATIVE", message);
  return NULL;
}


/** 3 when the file starts with a UTF-8 BOM, else 0. */
static long long after_bom(int fd) {
  u8 b[3];
  return pread(fd, b, 3, 0) == 3 && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf ? 3 : 0;
}

/** The offset after the first LF at or after `from` (within 1 MiB of it), or -1. */
static long long line_start_after(int fd, long long from, long long size) {
  u8 b[1 << 16];
  for (long long at = from; at < size;) {
    const ssize_t r = pread(fd, b, sizeof b, at);
    if (r <= 0) return -1;
    const u8 *lf = memchr(b, LF, (size_t)r);
    if (lf != NULL) return at + (lf - b) + 1 < size ? at + (lf - b) + 1 : -1;
    at += r;
    if (at - from > (1 << 20)) return -1;
  }
  return -1;
}

/**
 * Reads the parts, the second on a thread of its own, and joins them into the first part's
 * columns; the reason the read was given up, or NULL.
 */
static const char *read_parts(Part *part, int parts, int nc, Store *store) {
  pthread_t second;
  const int started = parts == 2 && pthread_create(&second, NULL, read_part, &part[1]) == 0;
  if (parts == 2 && !started) read_part(&part[1]);
  read_part(&part[0]);
  if (started) pthread_join(second, NULL);
  for (int t = 0; t < parts; t++)
    if (part[t].gave_up != NULL) return part[t].gave_up;
  // The second part wrote its rows from the first's count on: that count must be right.
  if (parts == 2 && part[1].base != part[0].rows) return "the parts' rows were miscounted";
  for (int k = 0; k < nc; k++) {
    // The parts' kinds must agree: a column all null in one part takes the other's kind.
    int kind = COL_UNKNOWN;
    for (int t = 0; t < parts; t++) {
      const int pk = part[t].cols[k].kind;
      if (pk == COL_UNKNOWN) continue;
      if (kind != COL_UNKNOWN && pk != kind) return "a column read as numbers in one part and as text in the other";
      kind = pk;
    }
    if (kind == COL_UNKNOWN) return "a column with no value";
    for (int t = 0; t < parts; t++) part[t].cols[k].kind = kind;
    if (!join_column(part, parts, &store[k], k)) return "out of memory";
  }
  if (part[0].rows + (parts == 2 ? part[1].rows : 0) == 0) return "no data rows";
  return NULL;
}

/** One read: its arguments, then its parts and why it was given up, between the two halves of the async work. */
typedef struct {
  char path[4096];
  int delim, header, nc, threads;
  int keep_numbers; // numbers stay here for take(); the result holds the job as `handle`
  int hash; // take the file's SHA-256 on the way (see can_hash)
  char sha256[65]; // its hex, or empty
  long long max_row, split_min;
  int parts;
  size_t cap, rows;
  Store *store;
  Part part[2];
  const char *gave_up;
  napi_deferred deferred;
  napi_async_work work;
} Job;

/**
 * A store's block (*slot, a reservation of `reserved` bytes) cut to `bytes` and handed over as a
 * typed array of `length`; *slot is NULL afterwards, the block freed when that failed.
 */
static napi_value hand_over(napi_env env, void **slot, size_t reserved, size_t bytes, napi_typedarray_type type, size_t length) {
  cut(*slot, reserved, bytes);
  void *data = *slot;
  *slot = NULL;
  napi_value v = owned(env, &data, unmap_block, bytes, bytes, type, length);
  if (v == NULL && data != NULL) munmap(data, page_round(bytes));
  return v;
}

/**
 * Column k's outputs, handed over (the blocks its kind does not use returned): { values, valid,
 * nulls } for numbers (an Int32Array when all are int32), { offsets, bytes, valid, nulls } for text; with
 * keep_numbers a numeric column is { allInt, valid } and its numbers stay for take().
 */
static napi_value column_value(napi_env env, Job *job, int k) {
  Store *s = &job->store[k];
  Col *c = &job->part[0].cols[k];
  const size_t n = job->rows, cap = job->cap;
  napi_value col, v;
  napi_create_object(env, &col);
  if (c->kind == COL_NUMBER) {
    // The store the column's numbers are in stays; the other goes.
    if (c->as_double) give_back((void **)&s->ints, INTS_BYTES(cap));
    else give_back((void **)&s->num, NUM_BYTES(cap));
    give_back((void **)&s->offsets, OFFSETS_BYTES(cap));
    if (job->keep_numbers) {
      napi_get_boolean(env, !c->as_double, &v);
      napi_set_named_property(env, col, "allInt", v);
    } else {
      v = c->as_double ? hand_over(env, (void **)&s->num, NUM_BYTES(cap), n * sizeof(double), napi_float64_array, n) : hand_over(env, (void **)&s->ints, INTS_BYTES(cap), n * sizeof(int), napi_int32_array, n);
      if (v == NULL) return NULL;
      napi_set_named_property(env, col, "values", v);
    }
  } else {
    give_back((void **)&s->ints, INTS_BYTES(cap));
    give_back((void **)&s->num, NUM_BYTES(cap));
    if ((v = hand_over(env, (void **)&s->offsets, OFFSETS_BYTES(cap), (n + 1) * sizeof(int), napi_int32_array, n + 1)) == NULL) return NULL;
    napi_set_named_property(env, col, "offsets", v);
    void *data = c->bytes;
    v = owned(env, &data, free_block, c->bcap, c->nbytes, napi_uint8_array, c->nbytes);
    c->bytes = data;
    if (v == NULL) return NULL;
    napi_set_named_property(env, col, "bytes", v);
  }
  if (!set_bitmap(env, col, s->valid, n, c->nulls)) return NULL;
  if ((v = hand_over(env, (void **)&s->valid, VALID_BYTES(cap), n, napi_uint8_array, n)) == NULL) return NULL;
  napi_set_named_property(env, col, "valid", v);
  napi_create_double(env, (double)c->nulls, &v);
  napi_set_named_property(env, col, "nulls", v);
  return col;
}

/** The most rows a file of `bytes` holds (each row has a byte per field at least), the header's included. */
static size_t rows_bound(long long bytes, int nc) { return (size_t)(bytes / (nc > 1 ? nc : 2)) + 2; }

/** On a thread of the pool: the parse (the second part on a thread of its own). */
static void run_job(napi_env env, void *data) {
  (void)env;
  Job *job = data;
  const int fd = open(job->path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    job->gave_up = "the file could not be opened";
    return;
  }
  const long long size = lseek(fd, 0, SEEK_END);
  const long long first = after_bom(fd);
  // The second part counts the first's rows before it reads its own, and hashes the whole file
  // when asked: it starts later (the first part 66% of the file when hashing, best of 55-75% on
  // the 1M-row churn file and `wide1m`'s base.csv; 47% when not).
  const long long split = job->threads > 1 && size >= job->split_min && size - first > 1 ? line_start_after(fd, first + (size - first) * (job->hash ? 66 : 47) / 100, size) : -1;
  job->parts = split > 0 ? 2 : 1;
  job->cap = rows_bound(size, job->nc);
  job->store = calloc((size_t)job->nc, sizeof(Store));
  if (job->store == NULL || !reserve_stores(job->store, job->nc, job->cap)) {
    job->gave_up = "out of memory";
    close(fd);
    return;
  }
  for (int t = 0; t < job->parts; t++) {
    Part *p = &job->part[t];
    p->fd = fd;
    p->start = t == 0 ? first : split;
    p->end = t == 0 && job->parts == 2 ? split : size;
    p->header = t == 0 ? job->header : 0;
    if (t == 1) p->count_from = first, p->count_to = split, p->count_header = job->header;
    p->nc = job->nc;
    p->delim = (u8)job->delim;
    p->max_row = job->max_row;
    p->cap = job->cap;
    p->store = job->store;
    p->cols = calloc((size_t)job->nc, sizeof(Col));
    if (p->cols == NULL) {
      job->gave_up = "out of memory";
      continue;
    }
    // A text column's share of the part, twice over: a mapped block grows without copying.
    const size_t part_bytes = (size_t)(p->end - p->start);
    for (int k = 0; k < job->nc; k++) p->cols[k].bhint = part_bytes / (size_t)job->nc * 2 + (1 << 16) < part_bytes ? part_bytes / (size_t)job->nc * 2 + (1 << 16) : part_bytes + 16;
  }
  // The last part hashes: it reads (or counts) every byte before its own, in order.
  Part *hashing = &job->part[job->parts - 1];
  if (job->hash && can_hash() && (hashing->md = EVP_MD_CTX_new()) != NULL) hashing->hash_ok = EVP_DigestInit_ex(hashing->md, EVP_sha256(), NULL) == 1;
  if (job->gave_up == NULL) job->gave_up = read_parts(job->part, job->parts, job->nc, job->store);
  if (hashing->md != NULL) {
    if (job->gave_up == NULL && hashing->hash_ok) sha256_hex(hashing->md, job->sha256);
    EVP_MD_CTX_free(hashing->md);
    hashing->md = NULL;
  }
  if (job->gave_up == NULL) job->rows = job->part[0].rows + (job->parts == 2 ? job->part[1].rows : 0);
  close(fd);
}

/** The parts' columns (their text blocks), returned. */
static void free_parts(Job *job) {
  for (int t = 0; t < 2; t++) {
    free_cols(job->part[t].cols, job->nc);
    job->part[t].cols = NULL;
  }
}

/** Everything a job holds, returned (what was handed to JavaScript is not held). */
static void free_job_memory(Job *job) {
  free_parts(job);
  free_stores(job->store, job->nc, job->cap);
  job->store = NULL;
}

static void free_job(napi_env env, void *data, void *hint);

/** Back on the JavaScript thread: the columns handed over, or why the file was given up. */
static void finish_job(napi_env env, napi_status status, void *data) {
  Job *job = data;
  napi_value result, columns = NULL, v;
  napi_create_object(env, &result);
  const char *gave_up = status != napi_ok ? "the read was cancelled" : job->gave_up;
  if (gave_up == NULL) {
    napi_create_array_with_length(env, (size_t)job->nc, &columns);
    for (int k = 0; k < job->nc && gave_up == NULL; k++) {
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
    napi_create_int32(env, job->parts, &v);
    napi_set_named_property(env, result, "threads", v);
    napi_set_named_property(env, result, "columns", columns);
    if (job->sha256[0] != 0) {
      napi_create_string_latin1(env, job->sha256, 64, &v);
      napi_set_named_property(env, result, "sha256", v);
    }
  }
  napi_value handle;
  const int keep = gave_up == NULL && job->keep_numbers && napi_create_external(env, job, free_job, NULL, &handle) == napi_ok;
  if (keep) {
    // The numbers stay in the stores; the parts' columns go.
    free_parts(job);
    napi_set_named_property(env, result, "handle", handle);
  } else {
    if (gave_up == NULL && job->keep_numbers) napi_set_named_property(env, result, "gaveUp", str(env, "out of memory"));
    free_job_memory(job);
  }
  napi_resolve_deferred(env, job->deferred, result);
  napi_delete_async_work(env, job->work);
  if (!keep) free(job);
}

/** A kept job's numbers, freed when its handle is collected (release frees them sooner). */
static void free_job(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  Job *job = data;
  free_job_memory(job);
  free(job);
}

/**
 * take(handle, column, values): a numeric column's numbers copied into `values` (a Float64Array,
 * or an Int32Array when every value is an int32, of exactly its rows: in shared memory, say) and
 * freed here.
 */
static napi_value take(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  Job *job;
  int k;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 3 || napi_get_value_external(env, argv[0], (void **)&job) != napi_ok || napi_get_value_int32(env, argv[1], &k) != napi_ok) return throw_error(env, "take takes a handle, a column and an array");
  if (job->store == NULL || k < 0 || k >= job->nc || (job->store[k].ints == NULL && job->store[k].num == NULL)) return throw_error(env, "take: no such numeric column (or taken)");
  Store *s = &job->store[k];
  napi_typedarray_type type;
  size_t length, offset;
  void *data;
  napi_value buffer;
  if (napi_get_typedarray_info(env, argv[2], &type, &length, &data, &buffer, &offset) != napi_ok || length != job->rows) return throw_error(env, "take's array is not a typed array of the column's rows");
  if (type == napi_float64_array && s->num != NULL) {
    memcpy(data, s->num, job->rows * sizeof(double));
    give_back((void **)&s->num, NUM_BYTES(job->cap));
  } else if (type == napi_int32_array && s->ints != NULL) {
    memcpy(data, s->ints, job->rows * sizeof(int));
    give_back((void **)&s->ints, INTS_BYTES(job->cap));
  } else {
    return throw_error(env, "take's array is neither a Float64Array nor, for int32 values, an Int32Array");
  }
  return NULL;
}

/** release(handle): frees what a kept job still holds. */
static napi_value release(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  Job *job;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 1 || napi_get_value_external(env, argv[0], (void **)&job) != napi_ok) return throw_error(env, "release takes a handle");
  free_job_memory(job);
  return NULL;
}
/**
 * read(path, delimiter, header, columns, maxRowBytes, threads, splitMinBytes, keepNumbers, hash):
 * a promise of { rows, threads, columns, sha256? } (see column_value) or { gaveUp: reason }; with
 * keepNumbers, a numeric column is { allInt, valid } and the result's `handle` holds its numbers
 * for take() (then release()). The parse runs off the JavaScript thread, in two parts on two
 * threads for a file of splitMinBytes or more when `threads` is 2. With `hash` (and `hashes`
 * exported true), `sha256` is the file's SHA-256 (hex) from the bytes the read went through,
 * missing if an update failed. Throws only for arguments out of range.
 */
static napi_value read_csv(napi_env env, napi_callback_info info) {
  size_t argc = 9;
  napi_value argv[9];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 9) return throw_error(env, "read takes 9 arguments");
  Job *job = calloc(1, sizeof(Job));
  if (job == NULL) return throw_error(env, "out of memory");
  size_t path_len;
  int ok = napi_get_value_string_utf8(env, argv[0], job->path, sizeof job->path, &path_len) == napi_ok && path_len < sizeof job->path - 1;
  ok = ok && napi_get_value_int32(env, argv[1], &job->delim) == napi_ok && napi_get_value_int32(env, argv[2], &job->header) == napi_ok && napi_get_value_int32(env, argv[3], &job->nc) == napi_ok;
  int64_t max_row = 0, split_min = 0;
  ok = ok && napi_get_value_int64(env, argv[4], &max_row) == napi_ok && napi_get_value_int32(env, argv[5], &job->threads) == napi_ok && napi_get_value_int64(env, argv[6], &split_min) == napi_ok && napi_get_value_int32(env, argv[7], &job->keep_numbers) == napi_ok && napi_get_value_int32(env, argv[8], &job->hash) == napi_ok;
  job->max_row = max_row;
  job->split_min = split_min;
  const int delim = job->delim;
  if (!ok || job->nc < 1 || max_row < 1 || max_row > (1ll << 40) || delim < 1 || delim > 127 || delim == QUOTE || delim == LF || delim == CR || split_min < 0 || job->nc > MAX_COLUMNS) {
    free(job);
    return throw_error(env, "read's arguments are not a path and numbers in range");
  }
  napi_value promise = queue_read(env, "hokusai:csv-read", run_job, finish_job, job, &job->deferred, &job->work);
  if (promise == NULL) {
    free(job);
    return throw_error(env, "could not start the read");
  }
  return promise;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  // Built for SSE4.1 (see wasm/simd-sse.h): on an older processor the module offers nothing.
  if (!__builtin_cpu_supports("sse4.1")) return exports;
  if (napi_create_function(env, "read", NAPI_AUTO_LENGTH, read_csv, NULL, &fn) != napi_ok || napi_set_named_property(env, exports, "read", fn) != napi_ok) return NULL;
  if (napi_create_function(env, "take", NAPI_AUTO_LENGTH, take, NULL, &fn) != napi_ok || napi_set_named_property(env, exports, "take", fn) != napi_ok) return NULL;
  if (napi_create_function(env, "release", NAPI_AUTO_LENGTH, release, NULL, &fn) != napi_ok || napi_set_named_property(env, exports, "release", fn) != napi_ok) return NULL;
  napi_value hashes;
  if (napi_get_boolean(env, can_hash(), &hashes) != napi_ok || napi_set_named_property(env, exports, "hashes", hashes) != napi_ok) return NULL;
  return exports;
}
#endif
