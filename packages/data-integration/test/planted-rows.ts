/**
 * Seeded rows for tests that plant copies (duplicates, rows already in the base, benchmark rows):
 * the same tables on every run.
 */

/** A linear congruential generator of numbers in [0, 1). */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** An id, an e-mail address (PII), two numbers, a category and the label. */
export interface PlantedRow {
  id: number;
  email: string;
  x1: number | null;
  x2: number;
  plan: string;
  label: number;
}

/** `count` rows with ids from `idFrom`: x1 has some whole numbers (no decimals: the widest rounding) and some nulls. */
export function plantedRows(count: number, seed: number, idFrom: number): PlantedRow[] {
  const next = lcg(seed);
  const plans = ['Basic Plan', 'Pro Plan', 'Team Plan'];
  return Array.from({ length: count }, (_, k) => {
    const id = idFrom + k;
    const r = next();
    const x1 = r < 0.05 ? null : r < 0.15 ? Math.floor(next() * 20) : Math.round(next() * 2e5) / 1e4;
    return { id, email: `user${id}@example.com`, x1, x2: Math.round(next() * 1e6) / 1e4, plan: plans[Math.floor(next() * plans.length)] as string, label: next() < 0.5 ? 0 : 1 };
  });
}

/** The rows as CSV text; `x2` may print that column's cell otherwise (row, position). */
export const plantedCsv = (rs: PlantedRow[], x2?: (r: PlantedRow, k: number) => string): string =>
  `id,email,x1,x2,plan,label\n${rs.map((r, k) => [r.id, r.email, r.x1 ?? '', x2 === undefined ? r.x2 : x2(r, k), r.plan, r.label].join(',')).join('\n')}\n`;
