// The WebAssembly SIMD operations csv-rows.c uses, on x86-64 SSE4.1, for its native build
// (native/csv-rows-node.c): each with the WebAssembly operation's result for the inputs the
// scanner gives it, so both builds answer the same.
#ifndef CSV_ROWS_SIMD_SSE_H
#define CSV_ROWS_SIMD_SSE_H
#include <smmintrin.h>

typedef __m128i v128_t;

#define wasm_v128_load(p) _mm_loadu_si128((const __m128i *)(const void *)(p))
#define wasm_v128_store(p, v) _mm_storeu_si128((__m128i *)(void *)(p), (v))
#define wasm_v128_or(a, b) _mm_or_si128((a), (b))
#define wasm_v128_and(a, b) _mm_and_si128((a), (b))
#define wasm_i8x16_splat(c) _mm_set1_epi8((char)(c))
#define wasm_i8x16_make _mm_setr_epi8
#define wasm_i8x16_eq(a, b) _mm_cmpeq_epi8((a), (b))
#define wasm_i8x16_lt(a, b) _mm_cmplt_epi8((a), (b))
#define wasm_i8x16_ge(a, b) _mm_or_si128(_mm_cmpgt_epi8((a), (b)), _mm_cmpeq_epi8((a), (b)))
#define wasm_i8x16_add(a, b) _mm_add_epi8((a), (b))
#define wasm_i8x16_sub(a, b) _mm_sub_epi8((a), (b))
#define wasm_i8x16_bitmask(v) ((unsigned)_mm_movemask_epi8(v))
/** Unsigned a < b: as signed after flipping the top bits. */
#define wasm_u8x16_lt(a, b) _mm_cmplt_epi8(_mm_xor_si128((a), _mm_set1_epi8((char)0x80)), _mm_xor_si128((b), _mm_set1_epi8((char)0x80)))
/**
 * pshufb gives 0 for an index with its top bit set and otherwise takes its low four bits, where
 * WebAssembly gives 0 for every index from 16: the scanner's indices are below 16 or 0xff.
 */
#define wasm_i8x16_swizzle(a, idx) _mm_shuffle_epi8((a), (idx))
#define wasm_i16x8_splat(c) _mm_set1_epi16((short)(c))
#define wasm_i16x8_make _mm_setr_epi16
#define wasm_i16x8_add(a, b) _mm_add_epi16((a), (b))
#define wasm_i16x8_mul(a, b) _mm_mullo_epi16((a), (b))
#define wasm_u16x8_shr(a, n) _mm_srli_epi16((a), (n))
#define wasm_i32x4_dot_i16x8(a, b) _mm_madd_epi16((a), (b))
#define wasm_i32x4_extract_lane(v, i) _mm_extract_epi32((v), (i))

#endif
