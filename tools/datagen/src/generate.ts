import { SeededRandom } from './random.js';
import { drawCustomer, REGIONS, type CustomerRow, type Region } from './churn-model.js';

export interface GenerateOptions {
  seed: number;
  baseRows: number;
  contributedRows: number;
  benchmarkRows: number;
  /** Exact copies of contributed rows planted inside the contributed part. */
  duplicates?: number;
  /** Contributed rows copied from the base part (dropped by integration as already known). */
  overlapWithBase?: number;
  /** Contributed rows copied from the benchmark (must always be removed: contamination). */
  contamination?: number;
}

export type PartName = 'base' | 'contributed' | 'benchmark';

export interface Planted {
  duplicates: number;
  overlapWithBase: number;
  contamination: number;
}

export interface GeneratedParts {
  base: CustomerRow[];
  contributed: CustomerRow[];
  benchmark: CustomerRow[];
  planted: Planted;
}

/** A row of a part as first drawn, before any planting. */
interface RowRef {
  part: PartName;
  index: number;
}

/** Which contributed rows are overwritten by copies, and of which drawn rows. */
export interface PlantPlan {
  /** Contributed row index -> the drawn row it holds a copy of once every copy is planted. */
  copies: ReadonlyMap<number, RowRef>;
  planted: Planted;
}

const BASE_REGIONS: readonly Region[] = ['north', 'south'];
const STREAM: Record<PartName | 'plant', number> = { base: 1, contributed: 2, benchmark: 3, plant: 4 };
const PREFIX: Record<PartName, string> = { base: 'B', contributed: 'C', benchmark: 'T' };

/** Each part draws from its own stream, so changing one part's size leaves the others alone. */
function stream(seed: number, name: PartName | 'plant'): SeededRandom {
  return new SeededRandom(Math.imul(seed, 2654435761) ^ (STREAM[name] * 40503));
}

function partSize(options: GenerateOptions, part: PartName): number {
  return part === 'base' ? options.baseRows : part === 'contributed' ? options.contributedRows : options.benchmarkRows;
}

/** The rows of a part as drawn from its stream, one at a time. */
function* drawnRows(options: GenerateOptions, part: PartName): Generator<CustomerRow> {
  const rng = stream(options.seed, part);
  const regions = part === 'base' ? BASE_REGIONS : REGIONS;
  const n = partSize(options, part);
  for (let i = 0; i < n; i++) yield drawCustomer(rng, i, PREFIX[part], regions);
}

/**
 * Replays the planting draws (random source row, then random contributed row to overwrite;
 * duplicates, then overlap with base, then contamination) without holding any rows: a
 * duplicate of a row that already holds a copy holds that copy's source.
 */
export function plantPlan(options: GenerateOptions): PlantPlan {
  const rng = stream(options.seed, 'plant');
  const copies = new Map<number, RowRef>();
  const target = options.contributedRows;
  const plant = (source: PartName, count: number): number => {
    const size = partSize(options, source);
    const n = Math.min(count, size, target);
    for (let i = 0; i < n; i++) {
      const from = rng.int(size);
      const to = rng.int(target);
      const ref = source === 'contributed' ? (copies.get(from) ?? { part: source, index: from }) : { part: source, index: from };
      copies.set(to, ref);
    }
    return n;
  };
  const duplicates = plant('contributed', options.duplicates ?? 0);
  const overlapWithBase = plant('base', options.overlapWithBase ?? 0);
  const contamination = plant('benchmark', options.contamination ?? 0);
  return { copies, planted: { duplicates, overlapWithBase, contamination } };
}

/** The drawn rows the plan copies, found by one pass over each source part that stops at the last one needed. */
function copiedRows(options: GenerateOptions, plan: PlantPlan): Map<string, CustomerRow> {
  const wanted: Record<PartName, Set<number>> = { base: new Set(), contributed: new Set(), benchmark: new Set() };
  for (const ref of plan.copies.values()) wanted[ref.part].add(ref.index);
  const rows = new Map<string, CustomerRow>();
  for (const part of ['base', 'contributed', 'benchmark'] as const) {
    const need = wanted[part];
    if (need.size === 0) continue;
    let last = 0;
    for (const index of need) last = Math.max(last, index);
    let i = 0;
    for (const row of drawnRows(options, part)) {
      if (need.has(i)) rows.set(`${part}:${i}`, row);
      if (++i > last) break;
    }
  }
  return rows;
}

/**
 * The final rows of one part, generated as they are consumed: memory is bounded by the planted
 * copies (at most duplicates + overlap + contamination rows), not by the part's size.
 */
export function* partRows(options: GenerateOptions, part: PartName, plan: PlantPlan = plantPlan(options)): Generator<CustomerRow> {
  if (part !== 'contributed') {
    yield* drawnRows(options, part);
    return;
  }
  const copied = copiedRows(options, plan);
  let i = 0;
  for (const row of drawnRows(options, part)) {
    const ref = plan.copies.get(i++);
    const source = ref === undefined ? undefined : copied.get(`${ref.part}:${ref.index}`);
    yield source === undefined ? row : { ...source };
  }
}

/**
 * Base data covers only two regions; contributed data and the benchmark cover all four.
 * Holds every row: for small sizes and tests; `writeDataset` streams the same rows.
 */
export function generateParts(options: GenerateOptions): GeneratedParts {
  const plan = plantPlan(options);
  return {
    base: [...partRows(options, 'base', plan)],
    contributed: [...partRows(options, 'contributed', plan)],
    benchmark: [...partRows(options, 'benchmark', plan)],
    planted: plan.planted,
  };
}
