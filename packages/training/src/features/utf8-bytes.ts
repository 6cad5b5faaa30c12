import { isUtf8 } from 'node:buffer';
import { DataType, type Data } from 'apache-arrow';

/*
 * When a text value's bytes can stand for its string. Arrow JS decodes a Utf8 value with
 * TextDecoder: invalid sequences become U+FFFD and a leading byte order mark is dropped, so only
 * valid UTF-8 that does not start with a mark decodes to a string whose UTF-8 is the same bytes.
 * Counting such values by their bytes counts their strings (utf8-distinct, utf8-value-set).
 */

/** Whether every chunk is Utf8 with 32-bit offsets (not a dictionary, not 64-bit offsets). */
export function plainUtf8Chunks(chunks: readonly Data[]): boolean {
  return chunks.every((d) => DataType.isUtf8(d.type) && d.valueOffsets instanceof Int32Array);
}

/** Whether a plain Utf8 chunk's bytes are valid UTF-8 (one vectorized check of the whole chunk). */
export function validUtf8Chunk(d: Data): boolean {
  const offsets = d.valueOffsets as Int32Array;
  return isUtf8((d.values as Uint8Array).subarray(offsets[0] as number, offsets[d.length] as number));
}

/** Whether the value bytes[s..e) starts with a byte order mark (EF BB BF), which decoding drops. */
export function startsWithBom(bytes: Uint8Array, s: number, e: number): boolean {
  return e - s >= 3 && bytes[s] === 0xef && bytes[s + 1] === 0xbb && bytes[s + 2] === 0xbf;
}
