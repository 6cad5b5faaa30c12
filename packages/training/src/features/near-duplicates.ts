/** Columns with more distinct values than this are not searched for near-duplicates (the search is quadratic). */
export const NEAR_DUPLICATE_MAX_VALUES = 200;
/** Shorter values are codes ("A1", "A2") whose one-letter differences are meaningful. */
const EDIT_MIN_LENGTH = 4;

export interface NearDuplicateGroup {
  /** The values that look like one value typed differently, most frequent first. */
  values: string[];
  /** What tells them apart. */
  kind: 'case' | 'whitespace' | 'typo';
}

const squeeze = (s: string): string => s.trim().replace(/\s+/g, ' ');

/** True when a and b differ by one insertion, deletion, substitution or swap of neighbours. */
function oneEditApart(a: string, b: string): boolean {
  if (a === b || Math.abs(a.length - b.length) > 1) return false;
  if (a.length === b.length) {
    const diff: number[] = [];
    for (let i = 0; i < a.length && diff.length <= 2; i++) if (a[i] !== b[i]) diff.push(i);
    if (diff.length === 1) return true;
    const [i, j] = diff as [number, number];
    return diff.length === 2 && j === i + 1 && a[i] === b[j] && a[j] === b[i];
  }
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  let i = 0;
  while (i < short.length && short[i] === long[i]) i++;
  return short.slice(i) === long.slice(i + 1);
}

/**
 * Category values that are probably one value written several ways: equal once trimmed and
 * lower-cased (`Premium`/`PREMIUM`, `Pro`/`Pro `), or one edit apart (`Basic`/`Basci`). `counts`
 * orders each group, most frequent first, so the likely intended spelling leads.
 */
export function nearDuplicateValues(values: readonly string[], counts: ReadonlyMap<string, number>): NearDuplicateGroup[] {
  if (values.length > NEAR_DUPLICATE_MAX_VALUES) return [];
  const byKey = new Map<string, string[]>();
  for (const v of values) {
    if (v === '') continue;
    const key = squeeze(v).toLowerCase();
    const group = byKey.get(key);
    if (group === undefined) byKey.set(key, [v]);
    else group.push(v);
  }
  const order = (vs: string[]): string[] => [...vs].sort((a, b) => (counts.get(b) ?? 0) - (counts.get(a) ?? 0) || (a < b ? -1 : a > b ? 1 : 0));
  const groups: NearDuplicateGroup[] = [];
  for (const vs of byKey.values()) {
    if (vs.length < 2) continue;
    const spacing = new Set(vs.map((v) => squeeze(v))).size < vs.length;
    groups.push({ values: order(vs), kind: spacing ? 'whitespace' : 'case' });
  }
  const keys = [...byKey.keys()].sort();
  for (let a = 0; a < keys.length; a++) {
    for (let b = a + 1; b < keys.length; b++) {
      const ka = keys[a] as string;
      const kb = keys[b] as string;
      if (Math.min(ka.length, kb.length) < EDIT_MIN_LENGTH || !oneEditApart(ka, kb)) continue;
      // Numbered values ("city-1", "city-11") differ in their numbers on purpose.
      if (ka.replace(/\d/g, '') === kb.replace(/\d/g, '')) continue;
      groups.push({ values: order([...(byKey.get(ka) as string[]), ...(byKey.get(kb) as string[])]), kind: 'typo' });
    }
  }
  return groups;
}
