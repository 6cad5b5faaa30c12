import { readFileSync } from 'node:fs';

/**
 * Person names found by content, with name lists shipped as data (data/NOTICE.md says where
 * they come from). Read once, on first use: most runs never need them.
 */
interface NameLists {
  first: Set<string>;
  surnames: Set<string>;
}

let lists: NameLists | undefined;

function readList(file: string): Set<string> {
  const text = readFileSync(new URL(`../data/${file}`, import.meta.url), 'utf8');
  return new Set(text.split('\n').filter((s) => s.length > 0));
}

function nameLists(): NameLists {
  lists ??= { first: readList('first-names.txt'), surnames: readList('surnames.txt') };
  return lists;
}

const TITLES = new Set(['mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'prof', 'sir']);
/** A word that can be part of a name: letters, with inner apostrophes or hyphens (O'Brien, Anne-Marie). */
const WORD = /^\p{L}+(?:['’-]\p{L}+)*$/u;
const INITIAL = /^\p{L}\.?$/u;

/**
 * Whether a value is shaped like a person's name: "First Last", "First M. Last", "Last, First",
 * "J. Smith", or a lone known first name, where the first name is in the list (or an initial
 * followed by a listed surname). Longer text (a sentence) never is.
 */
export function personNameShape(value: string): boolean {
  let s = value.trim();
  if (s.length < 2 || s.length > 60) return false;
  const comma = s.indexOf(',');
  if (comma >= 0) {
    // "Smith, John" → "John Smith"; a second comma means a list or a sentence.
    if (s.indexOf(',', comma + 1) >= 0) return false;
    s = `${s.slice(comma + 1).trim()} ${s.slice(0, comma).trim()}`;
  }
  let tokens = s.split(/\s+/);
  if (tokens.length > 1 && TITLES.has((tokens[0] as string).toLowerCase().replace(/\.$/, ''))) tokens = tokens.slice(1);
  if (tokens.length === 0 || tokens.length > 4) return false;
  const { first, surnames } = nameLists();
  const head = tokens[0] as string;
  const last = tokens[tokens.length - 1] as string;
  if (tokens.length === 1) return WORD.test(head) && first.has(head.toLowerCase());
  if (!WORD.test(last)) return false;
  for (const t of tokens.slice(1, -1)) if (!WORD.test(t) && !INITIAL.test(t)) return false;
  if (INITIAL.test(head)) return surnames.has(last.toLowerCase());
  return WORD.test(head) && first.has(head.toLowerCase());
}
