// What the native readers (csv-read.c, parquet-read.c) share: Node's own OpenSSL for the file's
// SHA-256, blocks of column memory (mappings when large), the UTF-8 check, and handing a block to
// JavaScript as a typed array that owns it.
#ifndef HOKUSAI_NATIVE_SHARED_H
#define HOKUSAI_NATIVE_SHARED_H
#include <emmintrin.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#ifndef CSV_READ_CORE_ONLY
#include <node_api.h>
#endif

typedef unsigned char u8;

/*
 * The file's SHA-256, taken from the bytes a reader reads anyway, by the OpenSSL inside Node.
 * Its symbols are Node's own and weak here: where they are missing, the module does not hash and
 * the caller hashes the file itself.
 */
typedef struct evp_md_ctx_st EVP_MD_CTX;
typedef struct evp_md_st EVP_MD;
typedef struct engine_st ENGINE;
extern EVP_MD_CTX *EVP_MD_CTX_new(void) __attribute__((weak));
extern void EVP_MD_CTX_free(EVP_MD_CTX *ctx) __attribute__((weak));
extern const EVP_MD *EVP_sha256(void) __attribute__((weak));
extern int EVP_DigestInit_ex(EVP_MD_CTX *ctx, const EVP_MD *type, ENGINE *impl) __attribute__((weak));
extern int EVP_DigestUpdate(EVP_MD_CTX *ctx, const void *d, size_t cnt) __attribute__((weak));
extern int EVP_DigestFinal_ex(EVP_MD_CTX *ctx, unsigned char *md, unsigned int *s) __attribute__((weak));

static int can_hash(void) { return EVP_MD_CTX_new != NULL && EVP_MD_CTX_free != NULL && EVP_sha256 != NULL && EVP_DigestInit_ex != NULL && EVP_DigestUpdate != NULL && EVP_DigestFinal_ex != NULL; }

/** The digest of `md` (a SHA-256 context fed to the end) as hex into out[65]; 0 when it failed (out untouched). */
static int sha256_hex(EVP_MD_CTX *md, char out[65]) {
  unsigned char digest[32];
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(md, digest, &len) != 1 || len != 32) return 0;
  static const char hex[] = "0123456789abcdef";
  for (int i = 0; i < 32; i++) out[2 * i] = hex[digest[i] >> 4], out[2 * i + 1] = hex[digest[i] & 15];
  out[64] = 0;
  return 1;
}

/** Bytes [at, at + want) of the file into buf; 0 when it ends before them or a read fails. */
static int read_fully(int fd, u8 *buf, size_t want, int64_t at) {
  size_t got = 0;
  while (got < want) {
    const ssize_t r = pread(fd, buf + got, want - got, at + (int64_t)got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return 0;
    got += (size_t)r;
  }
  return 1;
}

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

#ifndef CSV_READ_CORE_ONLY
/** Frees a heap or mapped block handed to JavaScript: `hint` is its size (see block_resize). */
static void free_block(napi_env env, void *data, void *hint) {
  (void)env;
  block_free(data, (size_t)hint);
}

/**
 * The first `bytes` of *data as a typed array that owns it (freed with it by `free`, given
 * `hint`); *data is NULL afterwards, or left when that failed.
 */
static napi_value owned(napi_env env, void **data, napi_finalize free, size_t hint, size_t bytes, napi_typedarray_type type, size_t length) {
  napi_value buffer, array;
  if (*data == NULL) {
    // A text column of empty strings has no bytes: a block of one.
    free = free_block;
    hint = 1;
    if ((*data = malloc(1)) == NULL) return NULL;
  }
  if (napi_create_external_arraybuffer(env, *data, bytes, free, (void *)hint, &buffer) != napi_ok) return NULL;
  *data = NULL;
  if (napi_create_typedarray(env, type, length, buffer, 0, &array) != napi_ok) return NULL;
  return array;
}

/**
 * Sets col.bitmap, where the column has nulls, to its validity (a byte per row, 1: a value) packed
 * as Arrow's bitmap: bit r of byte r / 8, padding bits zero. Packing it in JavaScript took ~2.5 ms
 * per 100,000 rows in a load's first, unoptimized run. 0 when out of memory.
 */
static int set_bitmap(napi_env env, napi_value col, const u8 *valid, size_t n, size_t nulls) {
  if (nulls == 0) return 1;
  void *data;
  napi_value buffer, array;
  const size_t bytes = (n + 7) / 8;
  if (napi_create_arraybuffer(env, bytes, &data, &buffer) != napi_ok || napi_create_typedarray(env, napi_uint8_array, bytes, buffer, 0, &array) != napi_ok) return 0;
  u8 *out = data;
  memset(out, 0, bytes);
  size_t r = 0;
  // 16 rows to two bytes: a lane's sign bit set where its byte is 0, inverted.
  for (; r + 16 <= n; r += 16) {
    const int bits = _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)(valid + r)), _mm_setzero_si128())) ^ 0xffff;
    out[r / 8] = (u8)bits;
    out[r / 8 + 1] = (u8)(bits >> 8);
  }
  for (; r < n; r++)
    if (valid[r] != 0) out[r / 8] |= (u8)(1u << (r & 7));
  return napi_set_named_property(env, col, "bitmap", array) == napi_ok;
}

static napi_value str(napi_env env, const char *s) {
  napi_value v;
  napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &v);
  return v;
}

/**
 * A read's promise, its work (`run` off the JavaScript thread, then `finish` on it, given `job`)
 * queued; NULL when that failed (nothing queued).
 */
static napi_value queue_read(napi_env env, const char *name, napi_async_execute_callback run, napi_async_complete_callback finish, void *job, napi_deferred *deferred, napi_async_work *work) {
  napi_value promise, resource;
  if (napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &resource) != napi_ok || napi_create_promise(env, deferred, &promise) != napi_ok || napi_create_async_work(env, NULL, resource, run, finish, job, work) != napi_ok || napi_queue_async_work(env, *work) != napi_ok) return NULL;
  return promise;
}
#endif
#endif
