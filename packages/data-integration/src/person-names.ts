import { readFileSync } from 'node:fs';

/**
 * Person names found by content, with name lists shipped as data (data/NOTICE.md says where
 * they come from). Read once, on first use: most runs never need them.
 */
interface NameLists {
  /** First name → true when it is a common one (see scripts/person-names.mjs). */
  first: Map<string, boolean>;
  surnames: Set<string>;
}

let lists: NameLists | undefined;

function readLines(file: string): string[] {
  return readFileSync(new URL(`../data/${file}`, import.meta.url), 'utf8')
    .split('\n')
    .filter((s) => s.length > 0);
}

function nameLists(): NameLists {
  lists ??= {
    first: new Map(readLines('first-names.txt').map((line) => [line.split('\t')[0] as string, line.endsWith('\t*')])),
    surnames: new Set(readLines('surnames.txt')),
  };
  return lists;
}

const TITLES = new Set(['mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'prof', 'sir']);
/** A word that can be part of a name: letters, with inner apostrophes or hyphens (O'Brien, Anne-Marie). */
const WORD = /^\p{L}+(?:['’-]\p{L}+)*$/u;
const INITIAL = /^\p{L}\.?$/u;

/** The tokens of a written name, "Last, First" turned round and a title dropped; undefined if it cannot be one. */
function nameTokens(value: string): string[] | undefined {
  let s = value.trim();
  if (s.length < 2 || s.length > 60) return undefined;
  const comma = s.indexOf(',');
  if (comma >= 0) {
    // A second comma means a list or a sentence.
    if (s.indexOf(',', comma + 1) >= 0) return undefined;
    s = `${s.slice(comma + 1).trim()} ${s.slice(0, comma).trim()}`;
  }
  let tokens = s.split(/\s+/);
  if (tokens.length > 1 && TITLES.has((tokens[0] as string).toLowerCase().replace(/\.$/, ''))) tokens = tokens.slice(1);
  if (tokens.length === 0 || tokens.length > 4) return undefined;
  const middle = tokens.slice(1, -1);
  // Four words are a name only with a middle initial ("Mary A. B. Smith" is rare; a phrase is not).
  if (tokens.length === 4 && !middle.some((t) => INITIAL.test(t))) return undefined;
  if (!WORD.test(tokens[tokens.length - 1] as string) || middle.some((t) => !WORD.test(t) && !INITIAL.test(t))) return undefined;
  if (!WORD.test(tokens[0] as string) && !(tokens.length > 1 && INITIAL.test(tokens[0] as string))) return undefined;
  return tokens;
}

/** 2 = a common first name, 1 = a rarer one, 0 = none; "Anne-Marie" counts when both parts do. */
function firstNameRank(token: string): 0 | 1 | 2 {
  const { first } = nameLists();
  const t = token.toLowerCase();
  const known = first.get(t);
  if (known !== undefined) return known ? 2 : 1;
  const parts = t.split(/['’-]/);
  if (parts.length < 2 || !parts.every((p) => first.has(p))) return 0;
  return parts.every((p) => first.get(p) === true) ? 2 : 1;
}

/**
 * Whether a value is a person's name by the lists: a known first name followed by a known
 * surname ("Linda Castellano" counts when either list knows enough: a common first name with
 * any capitalised last word, a rarer one only with a listed surname), "Last, First", an initial
 * and a listed surname ("J. Smith"), or a lone common first name. All-lower-case text needs both
 * names listed, so that ordinary phrases are not taken for names.
 */
export function personNameShape(value: string): boolean {
  const tokens = nameTokens(value);
  if (tokens === undefined) return false;
  const { surnames } = nameLists();
  const head = tokens[0] as string;
  if (tokens.length === 1) return firstNameRank(head) === 2;
  const last = (tokens[tokens.length - 1] as string).toLowerCase();
  const knownLast = surnames.has(last);
  if (INITIAL.test(head)) return knownLast;
  const rank = firstNameRank(head);
  if (rank === 0) return false;
  if (tokens.join(' ') === tokens.join(' ').toLowerCase()) return knownLast;
  return knownLast || rank === 2;
}

/** Written the way names are, whatever the words: one to four capitalised words, or "Last, First". */
export function writtenLikeName(value: string): boolean {
  const tokens = nameTokens(value);
  return tokens !== undefined && tokens.every((t) => /^\p{Lu}/u.test(t));
}

/** A one-word value, for telling a column of first names from a few category labels. */
export function isOneWord(value: string): boolean {
  return nameTokens(value)?.length === 1;
}
