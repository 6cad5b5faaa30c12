import type { OnnxGraph } from '../onnx/onnx-graph.js';

/** What a date column becomes: four numbers, each standardized like a numeric column. */
export const DATE_PARTS = ['year', 'month', 'day_of_week', 'days_since_epoch'] as const;
export type DatePart = (typeof DATE_PARTS)[number];

const MS_PER_DAY = 86_400_000;
/** Days from 0000-03-01 to 1970-01-01; earlier dates are clamped to 0000-03-01. */
const EPOCH_SHIFT = 719_468;

/**
 * Whole days since 1970-01-01 of an epoch-millisecond timestamp (NaN stays NaN). This is what a
 * date column feeds to the ONNX model: a float whole number, exact in float32 for any real date.
 */
export function epochDays(ms: number): number {
  return Math.floor(ms / MS_PER_DAY);
}

/**
 * Year, month (1-12), day of week (0 = Sunday) and the day count itself, by the integer
 * civil-from-days algorithm (H. Hinnant) that the ONNX graph repeats with int64 operators, so the
 * two paths agree exactly.
 */
export function datePartsOf(days: number): [number, number, number, number] {
  const d = Math.max(days, -EPOCH_SHIFT);
  const z = d + EPOCH_SHIFT;
  const era = Math.trunc(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.trunc((doe - Math.trunc(doe / 1460) + Math.trunc(doe / 36_524) - Math.trunc(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.trunc(yoe / 4) - Math.trunc(yoe / 100));
  const mp = Math.trunc((5 * doy + 2) / 153);
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month < 3 ? 1 : 0);
  const weekday = (((d + 4) % 7) + 7) % 7;
  return [year, month, weekday, d];
}

/**
 * Emits the same computation over a [N,1] float input of whole days: returns a [N,4] float tensor
 * of (year, month, day of week, days), NaN in every part where the input is NaN (a missing date).
 */
export function emitDateParts(g: OnnxGraph, input: string): string {
  const i64 = (v: number): string => g.constant('date_c', [], { type: 'int64', values: [v] });
  const div = (a: string, b: number): string => g.node('Div', [a, i64(b)]);
  const mul = (a: string, b: number): string => g.node('Mul', [a, i64(b)]);
  const add = (a: string, b: string): string => g.node('Add', [a, b]);
  const sub = (a: string, b: string): string => g.node('Sub', [a, b]);
  const missing = g.node('IsNaN', [input]);
  const filled = g.node('Where', [missing, g.constant('date_zero', [], { type: 'float', values: [0] }), input]);
  const days = g.node('Max', [g.node('Cast', [filled], [{ name: 'to', i: 7 }]), i64(-EPOCH_SHIFT)]);
  const z = add(days, i64(EPOCH_SHIFT));
  const era = div(z, 146_097);
  const doe = sub(z, mul(era, 146_097));
  const yoe = div(add(sub(doe, div(doe, 1460)), sub(div(doe, 36_524), div(doe, 146_096))), 365);
  const doy = sub(doe, sub(add(mul(yoe, 365), div(yoe, 4)), div(yoe, 100)));
  const mp = div(add(mul(doy, 5), i64(2)), 153);
  const month = g.node('Where', [g.node('Less', [mp, i64(10)]), add(mp, i64(3)), sub(mp, i64(9))]);
  const march = g.node('Cast', [g.node('Less', [month, i64(3)])], [{ name: 'to', i: 7 }]);
  const year = add(add(yoe, mul(era, 400)), march);
  const weekday = g.node('Mod', [add(days, i64(4)), i64(7)]);
  const parts = g.node('Concat', [year, month, weekday, days], [{ name: 'axis', i: 1 }]);
  const asFloat = g.node('Cast', [parts], [{ name: 'to', i: 1 }]);
  const nan = g.constant('date_nan', [], { type: 'float', values: [NaN] });
  return g.node('Where', [missing, nan, asFloat]);
}
