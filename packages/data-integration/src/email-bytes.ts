import type { Data } from 'apache-arrow';

// Byte classes of the built-in e-mail pattern [A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}:
// the local part, a domain label, a letter of the last label. Bytes of non-ASCII characters are in
// none, as their UTF-16 units are in none of the pattern's (ASCII) classes.
const LOCAL = 1;
const LABEL = 2;
const LETTER = 4;
const CLASSES = new Uint8Array(256);
for (let b = 0; b < 128; b++) {
  const c = String.fromCharCode(b);
  const alnum = /[A-Za-z0-9]/.test(c);
  CLASSES[b] = (alnum || '._%+-'.includes(c) ? LOCAL : 0) | (alnum || c === '-' ? LABEL : 0) | (/[A-Za-z]/.test(c) ? LETTER : 0);
}

/**
 * Whether the UTF-8 text bytes[start, end) holds a match of the built-in e-mail pattern, without
 * decoding it: some '@' has a local-part character before it, and after it a run of labels
 * separated by single dots reaches a dot followed by two letters. (The labels before that dot are
 * then the pattern's `[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*`; a second dot in a row ends every match.)
 */
export function hasEmail(bytes: Uint8Array, start: number, end: number): boolean {
  for (let at = start + 1; at < end; at++) {
    if (bytes[at] !== 64 || ((CLASSES[bytes[at - 1] as number] as number) & LOCAL) === 0) continue;
    let j = at + 1;
    if (j >= end || ((CLASSES[bytes[j] as number] as number) & LABEL) === 0) continue;
    let afterDot = false;
    for (; j < end; j++) {
      const b = bytes[j] as number;
      if (((CLASSES[b] as number) & LABEL) !== 0) {
        afterDot = false;
        continue;
      }
      if (b !== 46 || afterDot) break;
      if (j + 2 < end && ((CLASSES[bytes[j + 1] as number] as number) & LETTER) !== 0 && ((CLASSES[bytes[j + 2] as number] as number) & LETTER) !== 0) return true;
      afterDot = true;
    }
  }
  return false;
}

/** The non-null values of Arrow Utf8 data that hold an e-mail address (see hasEmail). */
export function countEmails(data: Data): number {
  const offsets = data.valueOffsets as Int32Array;
  const bytes = data.values as Uint8Array;
  let count = 0;
  for (let i = 0; i < data.length; i++) {
    if (data.nullCount > 0 && !data.getValid(i)) continue;
    if (hasEmail(bytes, offsets[i] as number, offsets[i + 1] as number)) count++;
  }
  return count;
}
