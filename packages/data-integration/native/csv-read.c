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

enum { COL_UNKNOWN = 0, COL_NUMBER = 1, COL_TEXT = 2 };

/** One column's rows as one thread read them: numbers, or text end to end with each row's end. */
typedef struct {
  int kind;
  int all_int;
  size_t rows; // rows stored (numbers or ends), once the kind is known
  size_t pending; // null rows before the kind was known
  size_t cap;
  size_t hint; // rows expected, for the first allocation
  size_t bhint; // the most text bytes the part can hold (its size)
  double *num;
  u8 *valid;
  int *offsets; // a text column's Arrow offsets: row r ends at offsets[r + 1]
  u8 *bytes;
  size_t nbytes, bcap;
} Col;

/** One thread's part of the file: the rows of [start, end) (start a row start). */
typedef struct {
  int fd;
  long long start, end;
  int header; // skip the first row (the header)
  int nc;
  u8 delim;
  long long max_row;
  size_t rows;
  Col *cols;
  const char *gave_up; // why the part cannot be read here, or NULL
} Part;

#define CHUNK (4 << 20)
/** Files at least this large are read in two parts, on two threads: a thread costs little here. */
#define SPLIT_MIN_BYTES (4ll << 20)
/** Room after a buffer's bytes for the 16-byte loads that may run past them. */
#define SLACK 64

/** Blocks from this size are mappings of their own (see block_resize). */
#define MAPPED_BYTES ((size_t)1 << 20)

static size_t page_round(size_t bytes) { return (bytes + 4095) & ~(size_t)4095; }

/** Whether a block of `bytes` is a mapping (else the C library's heap). */
static int mapped(size_t bytes) { return bytes >= MAPPED_BYTES; }

/**
 * A block of `old_bytes` (NULL when 0) resized to `new_bytes`, or NULL. A large block is a
 * mapping of its own: its untouched pages cost nothing, it grows without a copy (mremap), and it
 * goes back to the system when freed; the heap's own threshold for that rises after the first
 * large free, and then every later column was grown by copying and kept by the heap.
 */
static void *block_resize(void *p, size_t old_bytes, size_t new_bytes) {
  if (!mapped(new_bytes)) return realloc(p, new_bytes);
  if (p != NULL && mapped(old_bytes)) {
    void *m = mremap(p, page_round(old_bytes), page_round(new_bytes), MREMAP_MAYMOVE);
    return m == MAP_FAILED ? NULL : m;
  }
  void *m = mmap(NULL, page_round(new_bytes), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED) return NULL;
  if (p != NULL) {
    memcpy(m, p, old_bytes);
    free(p);
  }
  return m;
}

static void block_free(void *p, size_t bytes) {
  if (p == NULL) return;
  if (mapped(bytes)) munmap(p, page_round(bytes));
  else free(p);
}

/** The bytes of each of a column's blocks for `cap` rows. */
#define VALID_BYTES(cap) ((cap) + 1)
#define NUM_BYTES(cap) (((cap) + 1) * sizeof(double))
#define OFFSETS_BYTES(cap) (((cap) + 1) * sizeof(int))

/** Room for `need` rows; the first allocation takes the rows expected. */
static int grow_rows(Col *c, size_t need) {
  if (need <= c->cap) return 1;
  size_t cap = c->cap == 0 ? (c->hint > 1024 ? c->hint : 1024) : c->cap;
  while (cap < need) cap *= 2;
  u8 *valid = block_resize(c->valid, c->cap == 0 ? 0 : VALID_BYTES(c->cap), VALID_BYTES(cap));
  if (valid == NULL) return 0;
  c->valid = valid;
  if (c->kind == COL_NUMBER) {
    double *num = block_resize(c->num, c->cap == 0 ? 0 : NUM_BYTES(c->cap), NUM_BYTES(cap));
    if (num == NULL) return 0;
    c->num = num;
  } else {
    int *offsets = block_resize(c->offsets, c->cap == 0 ? 0 : OFFSETS_BYTES(c->cap), OFFSETS_BYTES(cap));
    if (offsets == NULL) return 0;
    if (c->cap == 0) offsets[0] = 0;
    c->offsets = offsets;
  }
  c->cap = cap;
  return 1;
}

/** The column's kind is known now: the null rows before are stored as nulls of that kind. */
static int settle(Col *c, int kind) {
  c->kind = kind;
  c->all_int = 1;
  if (!grow_rows(c, c->pending + 1024)) return 0;
  for (size_t r = 0; r < c->pending; r++) {
    c->valid[r] = 0;
    if (kind == COL_NUMBER) c->num[r] = 0;
    else c->offsets[r + 1] = 0;
  }
  c->rows = c->pending;
  c->pending = 0;
  return 1;
}

static int push_null(Col *c) {
  if (c->kind == COL_UNKNOWN) {
    c->pending++;
    return 1;
  }
  if (c->rows == c->cap && !grow_rows(c, c->rows + 1)) return 0;
  c->valid[c->rows] = 0;
  if (c->kind == COL_NUMBER) c->num[c->rows] = 0;
  else c->offsets[c->rows + 1] = (int)c->nbytes;
  c->rows++;
  return 1;
}

static int push_text(Col *c, const u8 *s, size_t len) {
  if (c->rows == c->cap && !grow_rows(c, c->rows + 1)) return 0;
  if (c->nbytes + len + 16 > c->bcap) {
    size_t cap = c->bcap == 0 ? (c->bhint > (1 << 16) ? c->bhint : 1 << 16) : c->bcap;
    while (cap < c->nbytes + len + 16) cap *= 2;
    // Arrow's offsets are int32: past 2 GiB of one column's text the JavaScript reader decides.
    if (cap > ((size_t)1 << 31)) return 0;
    u8 *b = block_resize(c->bytes, c->bcap, cap);
    if (b == NULL) return 0;
    c->bytes = b;
    c->bcap = cap;
  }
  // 16 bytes at a time, past the field (the next one overwrites them; the room has 16 more).
  for (size_t j = 0; j < len; j += 16) wasm_v128_store(c->bytes + c->nbytes + j, wasm_v128_load(s + j));
  c->nbytes += len;
  c->valid[c->rows] = 1;
  c->offsets[c->rows + 1] = (int)c->nbytes;
  c->rows++;
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

/** Strict UTF-8 (no overlong forms, no surrogates, nothing past U+10FFFF), as Node's isUtf8. */
static int valid_utf8(const u8 *b, size_t n) {
  size_t i = 0;
  while (i < n) {
    // 16 ASCII bytes at a time.
    while (i + 16 <= n && _mm_movemask_epi8(_mm_loadu_si128((const __m128i *)(const void *)(b + i))) == 0) i += 16;
    if (i >= n) break;
    const u8 c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    size_t need;
    u8 lo = 0x80, hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c == 0xe0) need = 2, lo = 0xa0;
    else if (c == 0xed) need = 2, hi = 0x9f;
    else if (c >= 0xe1 && c <= 0xef) need = 2;
    else if (c == 0xf0) need = 3, lo = 0x90;
    else if (c == 0xf4) need = 3, hi = 0x8f;
    else if (c >= 0xf1 && c <= 0xf3) need = 3;
    else return 0;
    if (i + need >= n) return 0;
    if (b[i + 1] < lo || b[i + 1] > hi) return 0;
    for (size_t k = 2; k <= need; k++)
      if (b[i + k] < 0x80 || b[i + k] > 0xbf) return 0;
    i += need + 1;
  }
  return 1;
}

/**
 * Reads the complete rows of buf[0..n) (each ending in LF; the bytes after n readable) into the
 * part's columns. Returns the offset after the last row, or -1 with p->gave_up set.
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
    int at = (int)i;
    for (int k = 0; k < nc; k++) {
      Col *c = &p->cols[k];
      int j = at;
      int ok = 1;
      if (c->kind == COL_NUMBER) {
        double v;
        int is_int;
        int r = plain_number_16(buf, &j, delim, &v, &is_int);
        if (r == -2) r = plain_number(buf, &j, delim, &v, &is_int);
        if (r > 0) {
          if (c->rows == c->cap && !grow_rows(c, c->rows + 1)) return p->gave_up = "out of memory", -1;
          c->num[c->rows] = v;
          c->valid[c->rows] = 1;
          if (!is_int || v > 2147483647.0 || v < -2147483648.0) c->all_int = 0;
          c->rows++;
        } else {
          if (r < 0) {
            j = field_end(buf, at, vd);
            if (!null_token(buf, at, j)) return p->gave_up = "a numeric column holds a value that is not a plain number", -1;
          }
          ok = push_null(c);
        }
      } else {
        j = field_end(buf, at, vd);
        if (c->kind == COL_TEXT) {
          ok = null_token(buf, at, j) ? push_null(c) : push_text(c, buf + at, (size_t)(j - at));
        } else if (null_token(buf, at, j)) {
          ok = push_null(c);
        } else {
          double v;
          int is_int;
          int jj = at;
          int r = plain_number(buf, &jj, delim, &v, &is_int);
          if (r > 0 && jj == j) {
            if (!settle(c, COL_NUMBER)) return p->gave_up = "out of memory", -1;
            c->num[c->rows] = v;
            c->valid[c->rows] = 1;
            if (!is_int || v > 2147483647.0 || v < -2147483648.0) c->all_int = 0;
            c->rows++;
          } else if (surely_text(buf, at, j)) {
            ok = settle(c, COL_TEXT) && push_text(c, buf + at, (size_t)(j - at));
          } else {
            return p->gave_up = "a column's first value may not be text", -1;
          }
        }
      }
      if (!ok) return p->gave_up = "out of memory", -1;
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

/** Reads the part's byte range chunk by chunk; the file's last row may lack its LF. */
static void *read_part(void *arg) {
  Part *p = arg;
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
    const long long want = p->end - at < (long long)(room - held) ? p->end - at : (long long)(room - held);
    long long got = 0;
    while (got < want) {
      const ssize_t r = pread(p->fd, buf + held + got, (size_t)(want - got), at + got);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) break;
      got += r;
    }
    if (got < want) {
      p->gave_up = "the file could not be read (or changed while it was read)";
      break;
    }
    at += got;
    long long n = held + got;
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

#ifndef CSV_READ_CORE_ONLY
static void free_cols(Col *cols, int nc) {
  if (cols == NULL) return;
  for (int k = 0; k < nc; k++) {
    const Col *c = &cols[k];
    if (c->cap > 0) {
      block_free(c->num, NUM_BYTES(c->cap));
      block_free(c->valid, VALID_BYTES(c->cap));
      block_free(c->offsets, OFFSETS_BYTES(c->cap));
    }
    block_free(c->bytes, c->bcap);
  }
  free(cols);
}

/**
 * The second part's rows of a column appended to the first's (grown in place where the memory
 * allows), its text offsets moved past the first part's bytes. 0 when memory runs out.
 */
static int join_parts(Col *a, Col *b) {
  const size_t rows = a->rows + b->rows;
  if (!grow_rows(a, rows)) return 0;
  memcpy(a->valid + a->rows, b->valid, b->rows);
  if (a->kind == COL_NUMBER) {
    memcpy(a->num + a->rows, b->num, b->rows * sizeof(double));
  } else {
    if (a->nbytes + b->nbytes > 0x7fffffffu) return 0;
    if (a->nbytes + b->nbytes + 16 > a->bcap) {
      u8 *bytes = block_resize(a->bytes, a->bcap, a->nbytes + b->nbytes + 16);
      if (bytes == NULL) return 0;
      a->bytes = bytes;
      a->bcap = a->nbytes + b->nbytes + 16;
    }
    if (b->nbytes > 0) memcpy(a->bytes + a->nbytes, b->bytes, b->nbytes);
    const int base = (int)a->nbytes;
    for (size_t r = 1; r <= b->rows; r++) a->offsets[a->rows + r] = base + b->offsets[r];
    a->nbytes += b->nbytes;
  }
  if (!b->all_int) a->all_int = 0;
  a->rows = rows;
  return 1;
}

/** Frees a block handed to JavaScript: `hint` is its size. */
static void free_block(napi_env env, void *data, void *hint) {
  (void)env;
  block_free(data, (size_t)hint);
}

/**
 * The first `bytes` of *data, a block of `block_bytes`, as a typed array that owns it (freed
 * with it); *data is NULL afterwards, or left when that failed.
 */
static napi_value owned(napi_env env, void **data, size_t block_bytes, size_t bytes, napi_typedarray_type type, size_t length) {
  napi_value buffer, array;
  if (*data == NULL) {
    // A text column of empty strings has no bytes: a block of one.
    block_bytes = 1;
    if ((*data = malloc(1)) == NULL) return NULL;
  }
  if (napi_create_external_arraybuffer(env, *data, bytes, free_block, (void *)block_bytes, &buffer) != napi_ok) return NULL;
  *data = NULL;
  if (napi_create_typedarray(env, type, length, buffer, 0, &array) != napi_ok) return NULL;
  return array;
}

static napi_value throw_error(napi_env env, const char *message) {
  napi_throw_error(env, "HOKUSAI_CSV_NATIVE", message);
  return NULL;
}

static napi_value str(napi_env env, const char *s) {
  napi_value v;
  napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &v);
  return v;
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

/** Reads the parts, the second on a thread of its own; the reason the read was given up, or NULL. */
static const char *read_parts(Part *part, int parts, int nc) {
  pthread_t second;
  const int started = parts == 2 && pthread_create(&second, NULL, read_part, &part[1]) == 0;
  if (parts == 2 && !started) read_part(&part[1]);
  read_part(&part[0]);
  if (started) pthread_join(second, NULL);
  for (int t = 0; t < parts; t++)
    if (part[t].gave_up != NULL) return part[t].gave_up;
  // The parts' kinds must agree: a column all null in one part takes the other's kind.
  for (int k = 0; k < nc; k++) {
    int kind = COL_UNKNOWN;
    for (int t = 0; t < parts; t++) {
      const int pk = part[t].cols[k].kind;
      if (pk == COL_UNKNOWN) continue;
      if (kind != COL_UNKNOWN && pk != kind) return "a column read as numbers in one part and as text in the other";
      kind = pk;
    }
    if (kind == COL_UNKNOWN) return "a column with no value";
    for (int t = 0; t < parts; t++)
      if (part[t].cols[k].kind == COL_UNKNOWN && !settle(&part[t].cols[k], kind)) return "out of memory";
    if (parts == 2 && !join_parts(&part[0].cols[k], &part[1].cols[k])) return "out of memory";
  }
  if (part[0].rows + (parts == 2 ? part[1].rows : 0) == 0) return "no data rows";
  return NULL;
}

/** A column's outputs: { values, valid } for numbers (int32 when all are), { offsets, bytes, valid } for text. */
static napi_value column_value(napi_env env, Col *c, int keep_numbers) {
  napi_value col, v;
  napi_create_object(env, &col);
  const size_t n = c->rows;
  if (c->kind == COL_NUMBER && keep_numbers) {
    napi_get_boolean(env, c->all_int, &v);
    napi_set_named_property(env, col, "allInt", v);
  } else if (c->kind == COL_NUMBER) {
    if (c->all_int) {
      const size_t block = n * sizeof(int) + 1;
      int *ints = block_resize(NULL, 0, block);
      if (ints == NULL) return NULL;
      for (size_t r = 0; r < n; r++) ints[r] = (int)c->num[r];
      void *data = ints;
      if ((v = owned(env, &data, block, n * sizeof(int), napi_int32_array, n)) == NULL) return block_free(data, block), NULL;
    } else {
      void *data = c->num;
      v = owned(env, &data, NUM_BYTES(c->cap), n * sizeof(double), napi_float64_array, n);
      c->num = data;
      if (v == NULL) return NULL;
    }
    napi_set_named_property(env, col, "values", v);
  } else {
    void *data = c->offsets;
    v = owned(env, &data, OFFSETS_BYTES(c->cap), (n + 1) * sizeof(int), napi_int32_array, n + 1);
    c->offsets = data;
    if (v == NULL) return NULL;
    napi_set_named_property(env, col, "offsets", v);
    data = c->bytes;
    v = owned(env, &data, c->bcap, c->nbytes, napi_uint8_array, c->nbytes);
    c->bytes = data;
    if (v == NULL) return NULL;
    napi_set_named_property(env, col, "bytes", v);
  }
  void *data = c->valid;
  v = owned(env, &data, VALID_BYTES(c->cap), n, napi_uint8_array, n);
  c->valid = data;
  if (v == NULL) return NULL;
  napi_set_named_property(env, col, "valid", v);
  return col;
}

/** One read: its arguments, then its parts and why it was given up, between the two halves of the async work. */
typedef struct {
  char path[4096];
  int delim, header, nc, threads;
  int keep_numbers; // numbers stay here for take(); the result holds the job as `handle`
  long long max_row, expected;
  int parts;
  Part part[2];
  const char *gave_up;
  napi_deferred deferred;
  napi_async_work work;
} Job;

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
  const long long split = job->threads > 1 && size >= SPLIT_MIN_BYTES ? line_start_after(fd, first + (size - first) / 2, size) : -1;
  job->parts = split > 0 ? 2 : 1;
  for (int t = 0; t < job->parts; t++) {
    Part *p = &job->part[t];
    p->fd = fd;
    p->start = t == 0 ? first : split;
    p->end = t == 0 && job->parts == 2 ? split : size;
    p->header = t == 0 ? job->header : 0;
    p->nc = job->nc;
    p->delim = (u8)job->delim;
    p->max_row = job->max_row;
    p->cols = calloc((size_t)job->nc, sizeof(Col));
    if (p->cols == NULL) {
      job->gave_up = "out of memory";
      continue;
    }
    // The first part's columns get room for all the rows expected: the second's are joined to them.
    const double share = (double)(p->end - p->start) / (double)(size > first ? size - first : 1);
    for (int k = 0; k < job->nc; k++) {
      p->cols[k].hint = (size_t)(t == 0 ? (double)job->expected : (double)job->expected * share * 1.05) + 16;
      // A text column's share of the part, twice over: a mapped block grows without copying.
      const size_t part_bytes = (size_t)(p->end - p->start);
      p->cols[k].bhint = part_bytes / (size_t)job->nc * 2 + (1 << 16) < part_bytes ? part_bytes / (size_t)job->nc * 2 + (1 << 16) : part_bytes + 16;
    }
  }
  if (job->gave_up == NULL) job->gave_up = read_parts(job->part, job->parts, job->nc);
  close(fd);
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
      napi_value col = column_value(env, &job->part[0].cols[k], job->keep_numbers);
      if (col == NULL) gave_up = "out of memory";
      else napi_set_element(env, columns, (uint32_t)k, col);
    }
  }
  if (gave_up != NULL) {
    napi_set_named_property(env, result, "gaveUp", str(env, gave_up));
  } else {
    napi_create_double(env, (double)job->part[0].rows + (job->parts == 2 ? (double)job->part[1].rows : 0), &v);
    napi_set_named_property(env, result, "rows", v);
    napi_create_int32(env, job->parts, &v);
    napi_set_named_property(env, result, "threads", v);
    napi_set_named_property(env, result, "columns", columns);
  }
  napi_value handle;
  const int keep = gave_up == NULL && job->keep_numbers && napi_create_external(env, job, free_job, NULL, &handle) == napi_ok;
  if (keep) {
    // The first part holds every row now: the second's columns go.
    if (job->parts == 2) free_cols(job->part[1].cols, job->nc);
    job->part[1].cols = NULL;
    napi_set_named_property(env, result, "handle", handle);
  } else {
    if (gave_up == NULL && job->keep_numbers) napi_set_named_property(env, result, "gaveUp", str(env, "out of memory"));
    for (int t = 0; t < job->parts; t++) free_cols(job->part[t].cols, job->nc);
  }
  napi_resolve_deferred(env, job->deferred, result);
  napi_delete_async_work(env, job->work);
  if (!keep) free(job);
}

/** A kept job's columns, freed when its handle is collected (release frees them sooner). */
static void free_job(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  Job *job = data;
  free_cols(job->part[0].cols, job->nc);
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
  if (job->part[0].cols == NULL || k < 0 || k >= job->nc || job->part[0].cols[k].kind != COL_NUMBER || job->part[0].cols[k].num == NULL) return throw_error(env, "take: no such numeric column (or taken)");
  Col *c = &job->part[0].cols[k];
  napi_typedarray_type type;
  size_t length, offset;
  void *data;
  napi_value buffer;
  if (napi_get_typedarray_info(env, argv[2], &type, &length, &data, &buffer, &offset) != napi_ok || length != c->rows) return throw_error(env, "take's array is not a typed array of the column's rows");
  if (type == napi_float64_array) {
    memcpy(data, c->num, c->rows * sizeof(double));
  } else if (type == napi_int32_array && c->all_int) {
    int *out = data;
    for (size_t r = 0; r < c->rows; r++) out[r] = (int)c->num[r];
  } else {
    return throw_error(env, "take's array is neither a Float64Array nor, for int32 values, an Int32Array");
  }
  block_free(c->num, NUM_BYTES(c->cap));
  c->num = NULL;
  return NULL;
}

/** release(handle): frees what a kept job still holds. */
static napi_value release(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  Job *job;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 1 || napi_get_value_external(env, argv[0], (void **)&job) != napi_ok) return throw_error(env, "release takes a handle");
  free_cols(job->part[0].cols, job->nc);
  job->part[0].cols = NULL;
  return NULL;
}

/**
 * read(path, delimiter, header, columns, maxRowBytes, threads, rowsExpected, keepNumbers): a
 * promise of { rows, threads, columns } (see column_value) or { gaveUp: reason }; with
 * keepNumbers, a numeric column is { allInt, valid } and the result's `handle` holds its numbers
 * for take() (then release()). The parse runs off the
 * JavaScript thread. Throws only for arguments out of range.
 */
static napi_value read_csv(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 8) return throw_error(env, "read takes 8 arguments");
  Job *job = calloc(1, sizeof(Job));
  if (job == NULL) return throw_error(env, "out of memory");
  size_t path_len;
  int ok = napi_get_value_string_utf8(env, argv[0], job->path, sizeof job->path, &path_len) == napi_ok && path_len < sizeof job->path - 1;
  ok = ok && napi_get_value_int32(env, argv[1], &job->delim) == napi_ok && napi_get_value_int32(env, argv[2], &job->header) == napi_ok && napi_get_value_int32(env, argv[3], &job->nc) == napi_ok;
  int64_t max_row = 0, expected = 0;
  ok = ok && napi_get_value_int64(env, argv[4], &max_row) == napi_ok && napi_get_value_int32(env, argv[5], &job->threads) == napi_ok && napi_get_value_int64(env, argv[6], &expected) == napi_ok && napi_get_value_int32(env, argv[7], &job->keep_numbers) == napi_ok;
  job->max_row = max_row;
  job->expected = expected;
  const int delim = job->delim;
  if (!ok || job->nc < 1 || job->nc > 1 << 16 || max_row < 1 || max_row > (1ll << 40) || delim < 1 || delim > 127 || delim == QUOTE || delim == LF || delim == CR || expected < 0) {
    free(job);
    return throw_error(env, "read's arguments are not a path and numbers in range");
  }
  napi_value promise, name;
  napi_create_string_utf8(env, "hokusai:csv-read", NAPI_AUTO_LENGTH, &name);
  if (napi_create_promise(env, &job->deferred, &promise) != napi_ok || napi_create_async_work(env, NULL, name, run_job, finish_job, job, &job->work) != napi_ok || napi_queue_async_work(env, job->work) != napi_ok) {
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
  return exports;
}
#endif
